"""The uploaded file kept between the import's preview and its confirmation.

The file is stored under MEDIA_ROOT/imports/ (outside the web root) under a random token; the
session remembers the token and the original name, so only the user who uploaded it can
confirm it, and a stale or forged token finds nothing.
"""

import secrets
from pathlib import Path

from django.conf import settings

from beibei_dashboard.tables import upload_name

SESSION_KEY = "enterprise_import"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")


def _directory():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token, suffix):
    return _directory() / f"enterprises-{token}{suffix}"


def stash(session, uploaded, sheet="", key=SESSION_KEY, **extra):
    """Save an uploaded file; returns (token, its bytes). Replaces any earlier upload of this
    session under `key` (the registry import's, or the official lists'); `extra` is kept with it."""
    discard(session, key)
    suffix = Path(uploaded.name).suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ".bin"
    token = secrets.token_urlsafe(24)
    data = b"".join(uploaded.chunks())
    _path(token, suffix).write_bytes(data)
    session[key] = {"token": token, "suffix": suffix, "name": upload_name(uploaded.name), "sheet": sheet, **extra}
    return token, data


def load(session, token, key=SESSION_KEY):
    """(bytes, original name, sheet chosen) of this session's upload with `token`, or None."""
    entry = session.get(key)
    if not entry or not token or not secrets.compare_digest(entry["token"], token):
        return None
    path = _path(entry["token"], entry["suffix"])
    if not path.exists():
        return None
    return path.read_bytes(), entry["name"], entry.get("sheet") or None


def discard(session, key=SESSION_KEY):
    entry = session.pop(key, None)
    if entry:
        _path(entry["token"], entry["suffix"]).unlink(missing_ok=True)


def store_for_job(uploaded):
    """Save an upload for a background job; returns the stored file's name."""
    suffix = Path(uploaded.name).suffix.lower()
    name = f"job-{secrets.token_urlsafe(18)}{suffix if suffix in SUFFIXES else '.bin'}"
    with (_directory() / name).open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return name


def read_job_file(job):
    path = _directory() / Path(job.stored_as).name
    return path.read_bytes() if path.exists() else None


def discard_job_file(job):
    (_directory() / Path(job.stored_as).name).unlink(missing_ok=True)
