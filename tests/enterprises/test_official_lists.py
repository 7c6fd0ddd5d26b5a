"""The official lists (申报名单, 公示/备案名单) imported as offices receive them (issue 29, item 2):
files made as offices make them (a merged title row, 序号, names without credit codes, a GBK
csv, an .xls saved by LibreOffice), unmatched names listed and never written, refusals that
write nothing, the page's upload → preview → confirm, and who may use it."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises import official_lists
from enterprises.choices import Stage
from enterprises.importers import ImportRefused
from enterprises.models import HighTechRecognition, RecognitionAttempt
from tests import spreadsheet_corpus as corpus
from tests.support import code, d, firm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

APPLICATION_TITLE = "北碚区2026年第2批高新技术企业认定申报企业名单"
RECOGNITION_TITLE = "重庆市认定机构2026年认定报备的第2批高新技术企业备案名单"


def office_xlsx(title, header, rows):
    """A list as an office sends it: a title merged across the table above the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def office_csv(header, rows, encoding="gbk"):
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def firms(db):
    """Three firms of 天生街道 and one of 北温泉街道; firm 4's certificate of 2023 ends in 2026."""
    return {
        1: firm(1, name="重庆天生智能传感有限公司"),
        2: firm(2, name="重庆缙云新材料科技有限公司"),
        3: firm(3, name="重庆北碚（示范）软件有限公司"),
        4: firm(4, sub="beiwenquan", name="重庆温泉生物科技有限公司", issue_dates=[d("2023-11-20")]),
    }


def application_file():
    header = ("序号", "企业名称", "统一社会信用代码", "所属街镇")
    rows = [
        (1, "重庆天生智能传感有限公司", code(1), "天生街道"),
        (2, "重庆 缙云新材料科技有限公司", "", "天生街道"),  # no code, a space: matched by its name
        (3, "重庆温泉生物科技有限公司", "", "北温泉街道"),
        (4, "重庆不存在科技有限公司", "", "天生街道"),
        (5, "重庆缙云新材料有限公司", "", "天生街道"),  # one word short: another name, not guessed
    ]
    return office_xlsx(APPLICATION_TITLE, header, rows)


def recognition_rows():
    return [
        (1, "重庆天生智能传感有限公司", "GR202650000101", "2026-10-28"),
        (2, "重庆缙云新材料科技有限公司", "GR202650000102", "2026-10-28"),
        (3, "重庆北碚(示范)软件有限公司", "GR202650000103", "2026/10/28"),  # half-width brackets
        (4, "重庆温泉生物科技有限公司", "GR202650000104", "2026年10月28日"),
        (5, "重庆外区某某有限公司", "GR202650000105", "2026-10-28"),
    ]


RECOGNITION_HEADER = ("序号", "企业名称", "证书编号", "发证日期")


def run(data, name, kind, *, confirm=False, accept=None, user=None, year=2026, batch=2):
    return official_lists.run(data, name, kind, year, batch, user=user, confirm=confirm, accept_unmatched=accept)


def stages():
    return dict(RecognitionAttempt.objects.values_list("enterprise__name", "stage"))


def test_an_application_list_with_a_merged_title_moves_the_matched_firms_and_lists_the_others(firms, bureau):
    preview = run(application_file(), "申报名单.xlsx", official_lists.APPLICATION)
    assert [(r.row, r.enterprise.pk, r.matched_by) for r in preview.matched] == [
        (3, firms[1].pk, "信用代码"),
        (4, firms[2].pk, "企业名称"),
        (5, firms[4].pk, "企业名称"),
    ]
    assert [r.action for r in preview.matched] == [
        "新建2026年新认定进程：已申报（第2批）",
        "新建2026年新认定进程：已申报（第2批）",
        "新建2026年重新认定进程：已申报（第2批）",
    ]
    assert [(r.row, r.name) for r in preview.unmatched] == [
        (6, "重庆不存在科技有限公司"),
        (7, "重庆缙云新材料有限公司"),
    ]
    assert "名录中没有名称完全相同的企业" in preview.unmatched[1].unmatched_reason
    assert RecognitionAttempt.objects.count() == 0  # a preview writes nothing

    with pytest.raises(ImportRefused, match="2行未匹配，不导入"):
        run(application_file(), "申报名单.xlsx", official_lists.APPLICATION, confirm=True, user=bureau)
    assert RecognitionAttempt.objects.count() == 0

    done = run(application_file(), "申报名单.xlsx", official_lists.APPLICATION, confirm=True, accept=2, user=bureau)
    assert done.written == 3
    attempts = RecognitionAttempt.objects.order_by("enterprise_id")
    assert [(a.enterprise_id, a.stage, a.batch, a.renewal) for a in attempts] == [
        (firms[1].pk, Stage.APPLIED, 2, False),
        (firms[2].pk, Stage.APPLIED, 2, False),
        (firms[4].pk, Stage.APPLIED, 2, True),
    ]
    history = attempts[0].history.get()
    assert (history.history_user, history.history_change_reason) == (bureau, "2026年第2批申报名单导入：申报名单.xlsx")


def test_a_gbk_csv_recognition_list_gives_the_registry_its_certificates(firms, bureau):
    run(application_file(), "申报名单.xlsx", official_lists.APPLICATION, confirm=True, accept=2, user=bureau)
    data = office_csv(RECOGNITION_HEADER, recognition_rows(), encoding="gbk")
    preview = run(data, "备案名单.csv", official_lists.RECOGNITION)
    assert [r.action for r in preview.matched] == [
        "已申报 → 认定（第2批，证书GR202650000101，发证日期2026年10月28日）",
        "已申报 → 认定（第2批，证书GR202650000102，发证日期2026年10月28日）",
        "新建2026年新认定进程：认定（第2批，证书GR202650000103，发证日期2026年10月28日）",
        "已申报 → 认定（第2批，证书GR202650000104，发证日期2026年10月28日）",
    ]
    assert [r.name for r in preview.unmatched] == ["重庆外区某某有限公司"]

    run(data, "备案名单.csv", official_lists.RECOGNITION, confirm=True, accept=1, user=bureau)
    certificates = HighTechRecognition.objects.filter(issue_date=d("2026-10-28")).order_by("certificate_no")
    assert [(c.enterprise_id, c.certificate_no) for c in certificates] == [
        (firms[1].pk, "GR202650000101"),
        (firms[2].pk, "GR202650000102"),
        (firms[3].pk, "GR202650000103"),
        (firms[4].pk, "GR202650000104"),
    ]
    assert not HighTechRecognition.objects.filter(certificate_no="GR202650000105").exists()
    assert set(stages().values()) == {Stage.RECOGNISED}
    assert RecognitionAttempt.objects.get(enterprise=firms[4]).renews.issue_date == d("2023-11-20")

    again = run(data, "备案名单.csv", official_lists.RECOGNITION)  # the same list twice changes nothing
    assert {r.action for r in again.matched} == {"不变：2026年进程已处于“认定”"}


@pytest.mark.skipif(not corpus.SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_an_xls_saved_by_libreoffice_is_read_the_same(firms, bureau):
    xlsx = office_xlsx(RECOGNITION_TITLE, RECOGNITION_HEADER, recognition_rows()[:2])
    data = corpus.soffice_convert(xlsx, ".xlsx", "xls")
    assert data[:4] != b"PK\x03\x04"  # really the old binary format
    done = run(data, "备案名单.xls", official_lists.RECOGNITION, confirm=True, user=bureau)
    assert done.written == 2
    assert sorted(HighTechRecognition.objects.values_list("certificate_no", flat=True)) == [
        "GR202650000101",
        "GR202650000102",
        "GR42023",  # firm 4's certificate of 2023, from the fixture
    ]


def test_a_malformed_file_is_refused_and_writes_nothing(firms, bureau):
    with pytest.raises(ImportRefused) as refused:
        run(corpus.malformed_xml(), "名单.xlsx", official_lists.APPLICATION, confirm=True, user=bureau)
    assert "文件已损坏或不完整" in str(refused.value)
    with pytest.raises(ImportRefused):  # a zip bomb is refused before anything is unpacked
        run(corpus.zip_bomb(), "名单.xlsx", official_lists.APPLICATION, confirm=True, user=bureau)
    with pytest.raises(ImportRefused, match="缺少表头：证书编号、发证日期"):
        run(application_file(), "名单.xlsx", official_lists.RECOGNITION, confirm=True, user=bureau)
    assert RecognitionAttempt.objects.count() == 0


def test_a_list_of_another_year_is_refused_with_the_reason(firms, bureau):
    title = APPLICATION_TITLE.replace("2026", "2025")
    data = office_xlsx(title, ("序号", "企业名称"), [(1, "重庆天生智能传感有限公司")])
    with pytest.raises(ImportRefused) as refused:
        run(data, "名单.xlsx", official_lists.APPLICATION, confirm=True, user=bureau)
    assert refused.value.problems[0].message == f"表题“{title}”是2025年的名单，与所选年度2026年不符，未导入。"
    rows = [(1, "重庆天生智能传感有限公司", "GR202550000101", "2025-10-28")]
    with pytest.raises(ImportRefused) as refused:
        run(office_csv(RECOGNITION_HEADER, rows), "备案.csv", official_lists.RECOGNITION, confirm=True, user=bureau)
    assert [str(p) for p in refused.value.problems] == [
        "第2行C（证书编号）列：证书编号GR202550000101是2025年的证书，与所选年度2026年不符",
        "第2行D（发证日期）列：发证日期2025年10月28日不在所选年度2026年内，未导入",
    ]
    assert RecognitionAttempt.objects.count() == 0 and HighTechRecognition.objects.count() == 1


def test_a_certificate_number_already_on_another_firm_refuses_the_whole_list(firms, bureau):
    HighTechRecognition.objects.filter(enterprise=firms[4]).update(certificate_no="GR202650000102")
    data = office_csv(RECOGNITION_HEADER, recognition_rows()[:2])
    with pytest.raises(ImportRefused) as refused:
        run(data, "备案.csv", official_lists.RECOGNITION, confirm=True, user=bureau)
    assert [str(p) for p in refused.value.problems] == [
        "第3行C（证书编号）列：证书编号GR202650000102已登记在另一家企业（重庆温泉生物科技有限公司）名下，未导入"
    ]
    assert RecognitionAttempt.objects.count() == 0  # row 2 was fine, and is not written either
    assert HighTechRecognition.objects.count() == 1


def test_the_bureau_uploads_previews_and_confirms_on_the_page(firms, bureau, login):
    client = login(bureau)
    page = client.get("/pipeline/")
    assert "/pipeline/import/" in page.content.decode()
    upload = SimpleUploadedFile("申报名单.xlsx", application_file())
    form = {"kind": "application", "year": "2026", "batch": "2", "file": upload, "action": "upload"}
    text = client.post("/pipeline/import/", form).content.decode()
    assert "2026年第2批申报名单" in text and "已知悉：2行未匹配，不导入" in text
    assert "重庆不存在科技有限公司" in text and "新建2026年重新认定进程：已申报（第2批）" in text
    token = text.split('name="token" value="')[1].split('"')[0]

    refused = client.post("/pipeline/import/", {"token": token, "action": "confirm"}).content.decode()
    assert "请确认“2行未匹配，不导入”后再导入" in refused
    assert RecognitionAttempt.objects.count() == 0

    done = client.post(
        "/pipeline/import/", {"token": token, "action": "confirm", "accept_unmatched": "1", "unmatched": "2"}
    )
    assert done.status_code == 302 and done["Location"] == "/pipeline/?year=2026"
    assert sorted(stages().values()) == [Stage.APPLIED] * 3
    message = client.get(done["Location"]).content.decode()
    assert "匹配 3 家，更新认定进程 3 家，2行未匹配，未导入" in message


def test_the_page_shows_every_problem_and_writes_nothing(firms, bureau, login):
    rows = [(1, "重庆天生智能传感有限公司", "GR2026", "2026-10-28"), (2, "", "GR202650000102", "2026-13-01")]
    upload = SimpleUploadedFile("备案.csv", office_csv(RECOGNITION_HEADER, rows))
    form = {"kind": "recognition", "year": "2026", "batch": "2", "file": upload, "action": "upload"}
    text = login(bureau).post("/pipeline/import/", form).content.decode()
    assert "名单未导入：发现 3 处错误" in text
    assert (
        "证书编号“GR2026”应为GR加12位数字" in text and "企业名称不能为空" in text and "日期“2026-13-01”不存在" in text
    )
    assert RecognitionAttempt.objects.count() == 0


@pytest.mark.parametrize("who", ["official", "leader"])
def test_only_the_bureau_imports_lists(request, firms, login, who):
    client = login(request.getfixturevalue(who))
    assert client.get("/pipeline/import/").status_code == 403
    upload = SimpleUploadedFile("申报名单.xlsx", application_file())
    form = {"kind": "application", "year": "2026", "batch": "2", "file": upload, "action": "upload"}
    assert client.post("/pipeline/import/", form).status_code == 403
    assert RecognitionAttempt.objects.count() == 0


def test_the_command_previews_and_confirms(firms, bureau, tmp_path):
    path = tmp_path / "申报名单.xlsx"
    path.write_bytes(application_file())
    out = io.StringIO()
    call_command("import_official_list", str(path), kind="application", year=2026, batch=2, stdout=out)
    assert "第6行 重庆不存在科技有限公司：未匹配，不导入" in out.getvalue()
    assert RecognitionAttempt.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import_official_list", str(path), kind="application", year=2026, batch=2, confirm=True)
    call_command(
        "import_official_list", str(path), kind="application", year=2026, batch=2, confirm=True,
        accept_unmatched=2, user=bureau.username, stdout=out,
    )  # fmt: skip
    assert "导入完成。2026年第2批申报名单：匹配 3 家，未匹配 2 行，更新认定进程 3 家。" in out.getvalue()
    assert RecognitionAttempt.objects.count() == 3


def test_a_shared_name_or_an_unknown_code_is_never_guessed(firms, bureau):
    firm(5, sub="beiwenquan", name="重庆天生智能传感有限公司")  # a second firm of the same name
    header = ("序号", "企业名称", "统一社会信用代码")
    rows = [(1, "重庆天生智能传感有限公司", ""), (2, "重庆缙云新材料科技有限公司", code(9))]
    preview = run(office_xlsx(APPLICATION_TITLE, header, rows), "名单.xlsx", official_lists.APPLICATION)
    assert preview.matched == []
    assert [r.unmatched_reason for r in preview.unmatched] == [
        "名录中有2家企业名称相同，请在名单中填写统一社会信用代码",
        f"统一社会信用代码{code(9)}不在本区企业名录中（名录中同名企业的信用代码为{code(2)}，请核实）",
    ]


def test_a_list_that_matches_no_firm_cannot_be_confirmed(firms, bureau):
    rows = [(1, "重庆不存在科技有限公司")]
    data = office_csv(("序号", "企业名称"), rows)
    with pytest.raises(ImportRefused, match="没有一行匹配到名录中的企业"):
        run(data, "名单.csv", official_lists.APPLICATION, confirm=True, accept=1, user=bureau)
    assert RecognitionAttempt.objects.count() == 0
