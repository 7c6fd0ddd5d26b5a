"""Bounded requests (issue 25): a request longer than its view accepts is answered 413, in
Chinese and saying the limit, before anything reads its body; a file under the limit still
reaches the form's own check."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver

from beibei_dashboard.middleware import FORM_ALLOWANCE, upload_limit
from enterprises.models import AttributionFlag
from tests.support import PDF, code, inline_code

MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, size=-1):
        raise AssertionError("the request body was read")

    readinto = readline = read


def post_unread(client, path, length):
    return client.post(
        path,
        content_type="multipart/form-data; boundary=X",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


# (path, who posts, the limit the 413 page names)
UPLOADS = [
    ("/counts/import/", "bureau", "5 MB"),
    ("/enterprises/import/", "bureau", "20 MB"),
    ("/enterprises/check/missing/", "official", "10 MB"),
    ("/tasks/2/reports/new/", "unit_user", "50 MB"),  # several files of 10 MB each
    ("/tasks/task/2/contributions/new/", "official", "50 MB"),
    ("/bulletin/settings/template/", "bureau", "5 MB"),
    ("/counts/2026-10/", "bureau", "6 MB"),  # no upload: DATA_UPLOAD_MAX_MEMORY_SIZE
]


# The users come through getfixturevalue: the mark tells pytest-django this test reads the loaded
# plan, so it runs before the transactional tests that empty the database.
@pytest.mark.django_db
@pytest.mark.parametrize(("path", "who", "limit"), UPLOADS)
def test_a_300_mb_post_is_413_before_its_body_is_read(request, path, who, limit):
    client = Client(enforce_csrf_checks=True)  # CSRF would read the form: it never gets to
    client.force_login(request.getfixturevalue(who))
    response = post_unread(client, path, 300 * MB)
    body = response.content.decode()
    assert response.status_code == 413
    assert f"不能超过 {limit}" in body and "约 300.0 MB" in body and "提交的内容过大" in body
    assert inline_code(body) == []


def test_an_anonymous_post_too_is_refused_unread(db):
    response = post_unread(Client(), "/accounts/login/", settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert response.status_code == 413 and "不能超过 6 MB" in response.content.decode()


def test_a_file_under_the_limit_reaches_the_form_and_one_over_it_the_forms_own_message(
    login, official, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(official)

    def report(n, size):
        pdf = SimpleUploadedFile("佐证.pdf", PDF + b"0" * (size - len(PDF)), content_type="application/pdf")
        data = {"credit_code": code(n), "firm_name": "漏统企业", "note": "漏统", "attachment": pdf}
        return client.post("/enterprises/check/missing/", data)

    over = report(1, 10 * MB + 1)  # the request is within 10 MB + FORM_ALLOWANCE: the form says why
    assert over.status_code == 200 and "超过 10 MB" in over.content.decode()
    assert report(2, 10 * MB).status_code == 302
    assert AttributionFlag.objects.get().attachment.size == 10 * MB


def declared_limits(resolver=None, namespace=""):
    """{url name: upload limit} of every view that declares one."""
    limits = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                limits |= declared_limits(
                    pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                )
        elif (limit := upload_limit(pattern.callback)) is not None:
            limits[namespace + pattern.name] = limit
    return limits


def test_each_upload_view_declares_its_limit_and_nginx_takes_the_largest():
    assert declared_limits() == {
        "targets:monthlycount_import": 5 * MB,
        "targets:plan_revision_import": 5 * MB,
        "enterprises:enterprise_import": 20 * MB,
        "enterprises:list_import": 20 * MB,
        "enterprises:flag_create": 10 * MB,
        "enterprises:flag_missing": 10 * MB,
        "tasks:taskreport_create": 50 * MB,
        "tasks:taskreport_edit": 50 * MB,
        "tasks:contribution_create": 50 * MB,
        "bulletins:bulletin_template_upload": 5 * MB,
    }
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    nginx = int(re.search(r"client_max_body_size (\d+)m;", readme).group(1)) * MB
    assert nginx >= max(declared_limits().values()) + FORM_ALLOWANCE
    assert nginx >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
