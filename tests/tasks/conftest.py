import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.choices import Role
from tasks.models import KeyTask
from tasks.services import save_report
from tests.conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(year, month, day, hour=9):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence is written to a temporary MEDIA_ROOT, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.TASK_REPORT_DEADLINE_DAY = 10
    return settings.MEDIA_ROOT


@pytest.fixture
def kejiju_user(db):
    """A user of 区科技局 as a unit (leads tasks 1, 6, 12, ...)."""
    return make_user("kjj_unit", Role.UNIT, unit="区科技局")


def task(number):
    return KeyTask.objects.tasks().get(number=number)


def file_report(number, period, user, status="normal", values=None, when=None, **fields):
    """A report filed through the service, at `when` (pinned) if given."""
    the_task = task(number)
    targets = {t.name: t for t in the_task.targets.all()}
    data = {"period": period, "status": status, "done": f"任务{number}{period}进展", **fields}
    vals = {targets[name]: value for name, value in (values or {}).items()}
    if when is None:
        return save_report(task=the_task, user=user, fields=data, values=vals)
    with time_machine.travel(when, tick=False):
        return save_report(task=the_task, user=user, fields=data, values=vals)


def pdf_upload(name="佐证.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()
