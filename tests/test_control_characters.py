"""Issue 25: a control character a user sends is never stored, and one already stored never
breaks a file.

Entry: every free text, typed on the pages a user uses (test client POSTs), read from the count
and enterprise imports, or given to a management command, holds every control character
(`CONTROLS`) and is stored without them. Exit: rows written straight into the database with
those characters, as old data would be, and every download (.xlsx and .docx) answers 200, opens,
and shows the text without them.
"""

import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from assessment.catalogue import default_items
from assessment.models import AssessmentResult, AssessmentScheme
from assessment.services import publish as publish_assessment
from assessment.services import save_scheme
from beibei_dashboard.cleantext import has_unwanted
from bulletins.models import BulletinSettings, BulletinVersion
from bulletins.services import publish as publish_bulletin
from demo.services import seed_demo_counts
from enterprises.models import AttributionFlag, Enterprise, HighTechRecognition
from targets import freshness
from targets.models import IndicatorValue, MonthlyCount, SubDistrict
from targets.months import Month
from tasks.models import KeyTask, TaskContribution, TaskReport, Unit
from tests.support import (
    HEADERS,
    all_rows,
    code,
    csv_bytes,
    file_report,
    firm,
    firm_csv,
    grid_data,
    log,
    pdf_upload,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today", "media_root")]

# Every C0 control but tab, line feed and carriage return (which a text may keep), DEL, every C1
# control, and the right-to-left override that reorders what a reader sees.
CONTROLS = "".join(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\t\n\r") + "\u202e"
# A CSV holding NUL is no table (targets.spreadsheets.decode_text refuses it as a whole), and
# PostgreSQL cannot store NUL in a text: no old row of it holds one.
NO_NUL = CONTROLS.replace("\x00", "")


def planted(word, controls=CONTROLS):
    """`word` with every control character inside it, as a paste from another program may carry."""
    return word[:1] + controls + word[1:]


def assert_clean(stored, word):
    assert stored == word, repr(stored)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


# --- entry: the pages --------------------------------------------------------------------------


def test_the_grid_stores_its_note_and_reason_clean(login, bureau):
    data = grid_data({("tiansheng", "high_tech"): 11}, notes={("tiansheng", "high_tech"): planted("园区新增企业")})
    data["reason"] = planted("补录")
    response = login(bureau).post("/counts/2026-10/", data)
    assert response.status_code == 302
    count = MonthlyCount.objects.get()
    assert_clean(count.note, "园区新增企业")
    assert_clean(count.history.get().history_change_reason, "网页填报；原因：补录")


COUNT_HEADER = ["街镇", "高新技术企业", "科技型企业", "备注"]
# What each format can carry: a CSV anything but NUL; an .xlsx (XML) no C0 control at all.
COUNT_FILES = [
    ("counts.csv", NO_NUL, lambda rows: csv_bytes(rows, header=COUNT_HEADER)),
    ("counts.xlsx", "\x7f" + CONTROLS[CONTROLS.index("\x80") :], lambda rows: xlsx_bytes(rows, header=COUNT_HEADER)),
]


@pytest.mark.parametrize(("name", "controls", "build"), COUNT_FILES)
def test_the_count_import_stores_names_notes_and_reason_clean(login, bureau, name, controls, build):
    rows = [[planted(sub, controls), ht, tb, planted("按园区统计", controls)] for sub, ht, tb in all_rows()]
    client = login(bureau)
    preview = client.post("/counts/import/", {"month": "2026-10", "file": SimpleUploadedFile(name, build(rows))})
    assert preview.status_code == 302, preview.context and preview.context.get("errors")
    token = preview["Location"].split("token=")[1]
    confirm = {"token": token, "month": "2026-10", "confirm": "on", "note": planted("说明"), "reason": planted("导入")}
    assert client.post("/counts/import/confirm/", confirm).status_code == 302
    assert MonthlyCount.objects.count() == 34
    assert set(MonthlyCount.objects.values_list("note", flat=True)) == {"按园区统计"}
    reasons = {row.history_change_reason for row in MonthlyCount.history.all()}
    assert reasons == {f"表格导入：{name}；原因：导入"}


def test_a_csv_holding_nul_is_refused_whole(login, bureau):
    rows = [[name, ht, tb, "备\x00注"] for name, ht, tb in all_rows()]
    upload = SimpleUploadedFile("counts.csv", csv_bytes(rows, header=COUNT_HEADER))
    response = login(bureau).post("/counts/import/", {"month": "2026-10", "file": upload})
    assert response.status_code == 200 and "文件不是表格" in response.content.decode()
    assert not MonthlyCount.objects.exists()


def test_the_import_command_stores_its_reason_clean(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(all_rows()))
    call_command("import_counts", str(path), "--month=2026-10", "--confirm", f"--reason={planted('月末核对', NO_NUL)}")
    assert {row.history_change_reason for row in MonthlyCount.history.all()} == {"表格导入：counts.csv；原因：月末核对"}


def test_a_task_report_and_its_return_are_stored_clean(login, unit_user, bureau):
    data = {
        "period": planted("2026-10"),
        "status": "lagging",
        "done": planted("第一行\n第二行"),  # a text area keeps its lines
        "problems": planted("资金未到位"),
        "next_steps": planted("加快推进"),
    }
    assert login(unit_user).post("/tasks/7/reports/new/", data).status_code == 302
    report = TaskReport.objects.get()
    assert (report.period, report.done, report.problems, report.next_steps) == (
        "2026-10", "第一行\n第二行", "资金未到位", "加快推进"
    )  # fmt: skip
    assert (
        login(bureau).post(f"/tasks/reports/{report.pk}/return/", {"comment": planted("请补充台账")}).status_code == 302
    )
    report.refresh_from_db()
    assert_clean(report.review_comment, "请补充台账")


def test_a_contribution_is_stored_clean(login, official):
    data = {"period": "2026-10", "done": planted("走访企业5家"), "problems": planted("企业配合度低")}
    assert login(official).post("/tasks/task/2/contributions/new/", data).status_code == 302
    contribution = TaskContribution.objects.get()
    assert (contribution.done, contribution.problems) == ("走访企业5家", "企业配合度低")


def test_an_indicator_note_is_stored_clean(login, bureau):
    data = {"indicator": "little_giants", "month": "2026-09", "value": "15", "note": planted("区经济信息委提供")}
    assert login(bureau).post("/indicators/record/", data).status_code == 302
    assert_clean(IndicatorValue.objects.get().note, "区经济信息委提供")


def test_attribution_flags_and_their_resolution_are_stored_clean(login, official, bureau):
    moving = firm(1)
    data = {"kind": "moved", "destination_note": planted("迁往璧山区"), "note": planted("已搬离")}
    assert login(official).post(f"/enterprises/{moving.pk}/flag/", data).status_code == 302
    missing = {"credit_code": planted(code(5)), "firm_name": planted("漏统企业"), "note": planted("实际在天生经营")}
    missing["attachment"] = pdf_upload()
    assert login(official).post("/enterprises/check/missing/", missing).status_code == 302
    moved, found = AttributionFlag.objects.order_by("pk")
    assert (moved.destination_note, moved.note) == ("迁往璧山区", "已搬离")
    assert (found.credit_code, found.firm_name, found.note) == (code(5), "漏统企业", "实际在天生经营")
    login(bureau).post(f"/enterprises/flags/{moved.pk}/", {"action": "reject", "note": planted("经核实仍在天生")})
    moved.refresh_from_db()
    assert_clean(moved.resolution_note, "经核实仍在天生")


def test_bulletin_lines_and_the_publish_reason_are_stored_clean(login, bureau):
    client = login(bureau)
    data = {"send_to": planted("区委、区政府主要领导"), "copy_to": planted("区级有关部门")}
    assert client.post("/bulletin/settings/", data).status_code == 302
    current = BulletinSettings.current()
    assert (current.send_to, current.copy_to) == ("区委、区政府主要领导", "区级有关部门")
    log("tiansheng", "2026-10", "high_tech", 11)
    publish = {"reason": planted("首次发布"), "confirm": "1", "confirm_partial": "on"}
    assert client.post("/bulletin/2026-10/publish/", publish).status_code == 302
    version = BulletinVersion.objects.get()
    assert_clean(version.reason, "首次发布")
    assert version.figures["document"]["send_to"] == "区委、区政府主要领导"


def test_the_publish_command_stores_its_reason_clean(bureau):
    log("tiansheng", "2026-10", "high_tech", 11)
    call_command("publish_bulletin", "2026-10", "--confirm-partial", f"--reason={planted('首次发布', NO_NUL)}")
    assert_clean(BulletinVersion.objects.get().reason, "首次发布")


def test_assessment_texts_are_stored_clean(login, bureau):
    client = login(bureau)
    post = {f"{row['code']}__{key}": row[key] for row in default_items() for key in ("weight", "full", "floor")}
    post |= {"note": planted("按区政府办意见\n设立"), "reason": planted("设立")}
    assert client.post("/assessment/2026/scheme/", post).status_code == 302
    scheme = AssessmentScheme.objects.get(year=2026)
    assert (scheme.note, scheme.history.get().history_change_reason) == ("按区政府办意见\n设立", "设立")
    assert client.post("/assessment/2026/publish/", {"reason": planted("年度考核")}).status_code == 302
    assert_clean(AssessmentResult.objects.get().reason, "年度考核")


def test_the_enterprise_import_stores_every_text_cell_clean(login, bureau):
    headers = [*HEADERS, "高新技术企业证书编号"]
    row = [
        planted("控制字符测试有限公司", NO_NUL),
        planted(code(9), NO_NUL),
        planted("天生街道", NO_NUL),
    ]
    row += ["2025-03-01", planted("2024", NO_NUL), planted("GR202550000001", NO_NUL)]
    upload = SimpleUploadedFile("名录.csv", firm_csv([row], headers=headers))
    client = login(bureau)
    preview = client.post("/enterprises/import/", {"file": upload})
    assert preview.context.get("problems") is None, preview.context.get("problems")
    assert (
        client.post("/enterprises/import/", {"action": "confirm", "token": preview.context["token"]}).status_code == 302
    )
    firm_ = Enterprise.objects.get()
    assert (firm_.name, firm_.credit_code, firm_.subdistrict.slug, firm_.tech_registered_year) == (
        "控制字符测试有限公司", code(9), "tiansheng", 2024
    )  # fmt: skip
    assert_clean(HighTechRecognition.objects.get().certificate_no, "GR202550000001")


# --- exit: every download of what is already stored --------------------------------------------


def file_texts(data):
    """Every text an .xlsx or .docx shows, after opening it as Excel or Word would be opened."""
    if "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist():
        book = openpyxl.load_workbook(io.BytesIO(data))
        return [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    return texts + [c.text for t in document.tables for r in t.rows for c in r.cells]


def xml_text(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))


SUB, UNIT, TITLE = "天生试点街道", "区经济信息试点委", "智能传感器试点任务"
NOTE, FIRM, PROBLEMS = "备注含控制字符", "控制字符测试企业", "资金未到位"
SEND_TO, COPY_TO, REASON = "区委主要领导", "区级有关部门", "数据更正后修订"


@pytest.fixture
def stored(bureau, unit_user):
    """Texts holding every control character, written as old rows would hold them: straight into
    the database (update() and the services, no form), then frozen into a published bulletin and
    a published assessment."""
    controls = NO_NUL if connection.vendor == "postgresql" else CONTROLS
    seed_demo_counts(until=Month(2026, 10))
    file_report(2, "2026-10", unit_user, status="lagging", problems=planted(PROBLEMS, controls))
    firm(1, name=planted(FIRM, controls), issue_dates=[dt.date(2023, 12, 1)])
    # a name's column holds 32 / 64 characters (PostgreSQL enforces it): the C0 controls first
    SubDistrict.objects.filter(slug="tiansheng").update(name=planted(SUB, controls[: 32 - len(SUB)]))
    Unit.objects.filter(name="区经济信息委").update(name=planted(UNIT, controls[: 64 - len(UNIT)]))
    KeyTask.objects.filter(kind="task", number=2).update(title=planted(TITLE, controls))
    cell = MonthlyCount.objects.filter(subdistrict__slug="tiansheng", month=dt.date(2026, 10, 1), metric="high_tech")
    cell.update(note=planted(NOTE, controls))
    BulletinSettings.objects.update_or_create(pk=BulletinSettings.current().pk, defaults={
        "send_to": planted(SEND_TO, controls), "copy_to": planted(COPY_TO, controls)
    })  # fmt: skip
    freshness.bump()
    publish_bulletin(Month(2026, 10), bureau)
    save_scheme(year=2025, items=default_items(), note=planted("说明", controls), user=bureau, reason="")
    publish_assessment(year=2025, user=bureau)
    AssessmentResult.objects.update(reason=planted(REASON, controls))


EXPORTS = [
    ("/subdistricts/tiansheng/?month=2026-10&export=xlsx", [NOTE]),
    ("/plan/?export=xlsx", [SUB]),
    ("/counts/2026-10/template.xlsx", [SUB, NOTE]),
    ("/tasks/?export=xlsx", [TITLE, UNIT]),
    ("/tasks/overdue/?export=xlsx", [UNIT]),
    ("/enterprises/?export=xlsx", [FIRM, SUB]),
    ("/warnings/?export=xlsx", [FIRM, SUB]),
    ("/bulletin/2026-10.xlsx", [SUB, TITLE, PROBLEMS, SEND_TO, COPY_TO]),  # published: the figures hold them
    ("/bulletin/2026-10.docx", [SUB, TITLE, PROBLEMS, SEND_TO, COPY_TO]),
    ("/bulletin/2026-09.xlsx", [SUB]),  # a draft, computed now (报送/抄送 are printed once published)
    ("/bulletin/2026-09.docx", [SUB, SEND_TO, COPY_TO]),
    ("/assessment/2025.xlsx", [SUB, UNIT]),  # published
    ("/assessment/2025.docx", [SUB, UNIT, REASON]),
    ("/assessment/2026.xlsx", [SUB, UNIT]),  # running
    ("/assessment/2026.docx", [SUB, UNIT]),
    ("/bulletin/settings/template.docx", []),
]


@pytest.mark.parametrize(("url", "words"), EXPORTS)
def test_every_download_writes_stored_text_without_its_controls(login, bureau, stored, url, words):
    response = login(bureau).get(url)
    assert response.status_code == 200
    text = "\n".join(file_texts(response.content))
    assert [word for word in words if word not in text] == []
    assert not has_unwanted(text)
    assert not has_unwanted(xml_text(response.content))  # sheet names, headers and footers too
