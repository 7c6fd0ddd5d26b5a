"""Every download keeps its Chinese name: an RFC 6266 header with `filename*=UTF-8''…` and an
ASCII `filename` fallback, never Django's MIME-encoded (=?utf-8?b?…?=) value."""

import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from beibei_dashboard.tables import ascii_filename, content_disposition, upload_name
from enterprises.models import AttributionFlag
from targets.models import MonthlyCount
from tasks.models import ContributionAttachment
from tests.support import PDF, all_rows, code, docx_bytes, log, pinned, xlsx_bytes

HEADER = re.compile(
    r"""^attachment; filename="(?P<ascii>[\x20-\x7e]+)"; filename\*=UTF-8''(?P<encoded>[A-Za-z0-9%._~-]+)$"""
)


def names(response):
    """(ASCII fallback, the decoded UTF-8 name) of a download, after checking the header's form."""
    value = response["Content-Disposition"]
    assert "=?" not in value, value
    match = HEADER.match(value)
    assert match, value
    assert '"' not in match["ascii"] and "\\" not in match["ascii"]
    return match["ascii"], unquote(match["encoded"], encoding="utf-8")


def test_content_disposition_has_both_names():
    assert content_disposition("企业名录.xlsx") == (
        "attachment; filename=\"beibei.xlsx\"; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95.xlsx"
    )
    assert ascii_filename("高科双企月度数据_2026-10.xlsx") == "beibei_2026-10.xlsx"
    assert ascii_filename('a"b\\c;d.docx') == "beibei_a_b_c_d.docx"
    assert ascii_filename("报告（第2版）.pdf") == "beibei_2.pdf"
    assert ascii_filename("no-extension") == "beibei_no-extension"


EXPORTS = [
    ("/subdistricts/tiansheng/?month=2026-10&export=xlsx", "天生街道月度数据.xlsx"),
    ("/plan/?export=xlsx", "北碚区高科双企目标任务分解表.xlsx"),
    ("/tasks/?export=xlsx", "重点任务推进情况.xlsx"),
    ("/tasks/overdue/?export=xlsx", "重点任务逾期督办清单.xlsx"),
    ("/enterprises/?export=xlsx", "企业名录.xlsx"),
    ("/counts/2026-10/template.xlsx", "高科双企月度数据_2026-10.xlsx"),
    ("/bulletin/2026-10.xlsx", "北碚区高科双企月通报2026-10（草稿）.xlsx"),
    ("/bulletin/2026-10.docx", "北碚区高科双企月通报2026-10（草稿）.docx"),
]


@pytest.mark.parametrize(("url", "expected"), EXPORTS)
@time_machine.travel("2026-11-25 15:09 +0800", tick=False)
def test_every_export_keeps_its_chinese_name(login, bureau, url, expected):
    log("tiansheng", "2026-10", "high_tech", 11)
    response = login(bureau).get(url)
    assert response.status_code == 200, url
    ascii_name, name = names(response)
    assert name == expected
    assert ascii_name.isascii() and ascii_name.rsplit(".", 1)[1] == expected.rsplit(".", 1)[1]
    assert response.content[:2] == b"PK"


def test_plan_export_says_which_block_is_which(login, bureau):
    response = login(bureau).get("/plan/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["类型", "序号", "街镇"]
    assert header[3] == "高新技术企业·2022年实际数"
    assert header[8] == "高新技术企业·2027年目标数"
    assert header[9] == "科技型企业·2022年实际数"
    assert header[14] == "科技型企业·2027年目标数"
    assert len(set(header)) == len(header)


# Uploaded names (issue 25): a long name is shortened before its extension, never through it.


@pytest.mark.parametrize("ext", [".pdf", ".xlsx", ".docx"])
def test_a_300_character_name_keeps_its_extension_stored_and_downloaded(ext):
    long = "佐" * (300 - len(ext)) + ext
    assert upload_name(long) == "佐" * (200 - len(ext)) + ext
    ascii_name, name = names({"Content-Disposition": content_disposition(long)})
    assert (ascii_name, name) == ("beibei" + ext, "佐" * (200 - len(ext)) + ext)


def test_an_uploaded_name_loses_its_folders_and_control_characters():
    assert upload_name("C:\\Users\\科技局\\佐\x00证\u202e材料\r\n(终稿).pdf") == "佐证材料 (终稿).pdf"
    assert upload_name("材料/../../etc/passwd") == "passwd"
    assert upload_name("说明。" * 80) == ("说明。" * 80)[:200]  # no extension to keep


LONG = "北碚区天生街道关于高新技术企业培育工作的佐证材料" * 13  # 312 characters before the extension


@pinned()
def test_long_evidence_names_are_stored_and_served_with_their_extension(login, official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(official)
    pdf = SimpleUploadedFile(LONG + ".pdf", PDF, content_type="application/pdf")
    client.post("/enterprises/check/missing/", {"credit_code": code(1), "firm_name": "漏统企业", "note": "漏统",
                                                "attachment": pdf})  # fmt: skip
    docx = SimpleUploadedFile(LONG + ".docx", docx_bytes())
    client.post("/tasks/task/2/contributions/new/", {"period": "2026-10", "done": "配合", "attachments": docx})
    flag, attachment = AttributionFlag.objects.get(), ContributionAttachment.objects.get()
    for stored, url, ext in [
        (flag.attachment_name, f"/enterprises/flags/{flag.pk}/attachment/", ".pdf"),
        (attachment.original_name, f"/tasks/contribution-attachments/{attachment.pk}/", ".docx"),
    ]:
        assert stored == LONG[: 200 - len(ext)] + ext
        assert names(client.get(url)) == ("beibei" + ext, stored)


@pinned()
def test_a_long_import_file_name_is_kept_with_its_extension_in_the_count_history(login, bureau):
    client = login(bureau)
    upload = SimpleUploadedFile(LONG + ".xlsx", xlsx_bytes(all_rows()))
    preview = client.get(client.post("/counts/import/", {"month": "2026-10", "file": upload})["Location"])
    token = preview.context["form"].initial["token"]
    client.post("/counts/import/confirm/", {"token": token, "month": "2026-10", "confirm": "on", "note": "核定"})
    assert set(MonthlyCount.objects.values_list("source_file", flat=True)) == {LONG[:195] + ".xlsx"}
