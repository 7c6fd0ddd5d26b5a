"""Evidence files (佐证材料): what may be uploaded, judged by content, not by the name.

`sniff()` reads the first bytes (and, for a ZIP, its table of contents) and returns the kind
of file it really is; the extension must agree with it. Pure functions over file objects.
"""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404

from .tables import content_disposition

MAX_BYTES = 10 * 1024 * 1024
# A report or a contribution takes several files of MAX_BYTES each: at most this much in one
# submission (RequestSizeMiddleware answers 413 above it, unread).
MAX_REQUEST_BYTES = 5 * MAX_BYTES


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple
    content_type: str


KINDS = {
    k.code: k
    for k in [
        Kind("pdf", "PDF", (".pdf",), "application/pdf"),
        Kind("png", "PNG 图片", (".png",), "image/png"),
        Kind("jpeg", "JPEG 图片", (".jpg", ".jpeg"), "image/jpeg"),
        Kind("gif", "GIF 图片", (".gif",), "image/gif"),
        Kind(
            "ooxml",
            "Office 文档（docx/xlsx/pptx）",
            (".docx", ".xlsx", ".pptx"),
            "application/octet-stream",
        ),
        Kind("ole", "Office 97–2003 文档（doc/xls/ppt）", (".doc", ".xls", ".ppt"), "application/octet-stream"),
    ]
}

OOXML_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"}

ALLOWED_TEXT = "PDF、PNG/JPEG/GIF 图片、Word/Excel/PowerPoint 文件"
ACCEPT_ATTR = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)


def _is_ooxml(fileobj):
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        fileobj.seek(0)


def sniff(fileobj):
    """The kind code of the file's content, or None when it is none of the allowed kinds."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04") and _is_ooxml(fileobj):
        return "ooxml"
    return None


def check_upload(name, size, fileobj):
    """(kind code, None) for an acceptable file, or (None, a Chinese reason) for a refused one."""
    if size > MAX_BYTES:
        return None, f"文件“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩或拆分后再上传。"
    if size == 0:
        return None, f"文件“{name}”是空文件。"
    kind = sniff(fileobj)
    if kind is None:
        return None, f"文件“{name}”的内容不是允许的类型（{ALLOWED_TEXT}），未上传。"
    if PurePath(name).suffix.lower() not in KINDS[kind].extensions:
        return None, f"文件“{name}”的扩展名与其内容（{KINDS[kind].label}）不符，未上传。"
    return kind, None


def content_type_for(kind, name):
    suffix = PurePath(name).suffix.lower()
    if kind == "ooxml":
        return OOXML_TYPES.get(suffix, "application/octet-stream")
    if kind == "ole":
        return OLE_TYPES.get(suffix, "application/octet-stream")
    return KINDS[kind].content_type if kind in KINDS else "application/octet-stream"


def evidence_storage():
    """Evidence files (a report's, a contribution's, a flag's) live under MEDIA_ROOT, outside the
    web root; no URL serves it.

    No fixed location: the storage reads settings.MEDIA_ROOT when used (and again when a
    test changes it).
    """
    return FileSystemStorage()


def stored_name(folder, filename):
    """A random name in `folder`: the uploader's file name is kept in the row, never on disk."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def download(field_file, name, kind):
    """A stored upload served back under its original `name` (extension kept in both forms of
    the header), never sniffed by the browser, never cached; 404 when the file is gone."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    response = FileResponse(handle, as_attachment=True, content_type=content_type_for(kind, name))
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
