"""Spreadsheet import of a month's counts: what is accepted, and every refusal writes nothing."""

import io
import shutil
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from targets.exporters import count_template
from targets.importers import parse_counts
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from targets.services import CountsRejected, import_counts, plan_month
from tests.support import HEADER, all_rows, csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

OCT = Month(2026, 10)


def stored(month=OCT):
    return {
        (name, metric): value
        for name, metric, value in MonthlyCount.objects.filter(month=month.date).values_list(
            "subdistrict__name", "metric", "value"
        )
    }


def refused(data, name="counts.xlsx", month=OCT, **kwargs):
    with pytest.raises(CountsRejected) as info:
        import_counts(month, name, data, None, **kwargs)
    assert not MonthlyCount.objects.exists(), "a refused file must write nothing"
    return info.value.errors


def test_a_whole_month_xlsx_is_imported_with_history():
    rows = all_rows()
    rows[0][1:] = [11, 300]
    written = import_counts(OCT, "十月.xlsx", xlsx_bytes(rows), None, confirmed=True, default_note="导入确认")
    assert len(written) == 34
    assert stored()[("天生街道", "high_tech")] == 11 and stored()[("金刀峡镇", "tech_based")] == 100
    row = MonthlyCount.objects.get(subdistrict__slug="tiansheng", month=OCT.date, metric="tech_based")
    assert (row.source, row.source_file) == ("import", "十月.xlsx")
    assert row.history.get().history_change_reason == "表格导入：十月.xlsx"


def test_drops_and_large_rises_are_listed_and_need_confirm():
    rows = all_rows()  # 10 high-tech everywhere: a drop for 水土 (2022: 129), a rise for 金刀峡 (0)
    errors = refused(xlsx_bytes(rows))
    assert any("水土街道高新技术企业：较上月下降（129 → 10）" in e for e in errors)
    assert any("金刀峡镇高新技术企业：较上月增长超过20%（0 → 10）" in e for e in errors)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_and_gbk(encoding):
    data = csv_bytes(all_rows(), encoding=encoding)
    import_counts(OCT, "counts.csv", data, None, confirmed=True, default_note="x")
    assert len(stored()) == 34


def test_template_round_trip_and_extra_columns():
    data = count_template(plan_month(OCT, {}))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert "2026年10月" in ws["A1"].value
    headers = [c.value for c in ws[3]]
    assert headers[:5] == ["类型", "序号", "街镇", "高新技术企业", "科技型企业"]
    assert headers[7:] == ["高新技术企业备注", "科技型企业备注"]
    assert ws.data_validations.dataValidation[0].type == "whole"
    plan_rows = {s.name: s for s in SubDistrict.objects.all()}
    for row in ws.iter_rows(min_row=4):
        assert row[2].value in plan_rows
        row[3].value, row[4].value = 20, 200
        row[7].value, row[8].value = "核实", "入库核实"
    out = io.BytesIO()
    wb.save(out)
    import_counts(OCT, "template.xlsx", out.getvalue(), None, confirmed=True)
    assert set(stored().values()) == {20, 200}
    notes = set(MonthlyCount.objects.values_list("metric", "note").distinct())
    assert notes == {("high_tech", "核实"), ("tech_based", "入库核实")}  # each metric its own 备注


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_template_filled_with_formulas_and_saved_by_libreoffice(tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(count_template(plan_month(OCT, {}))))
    ws = wb.active
    for row in ws.iter_rows(min_row=4):
        row[3].value, row[4].value = "=10+5", "=100*2"
    source = tmp_path / "filled.xlsx"
    wb.save(source)
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},  # a profile of its own
    )
    import_counts(OCT, "filled.xlsx", (out / "filled.xlsx").read_bytes(), None, confirmed=True, default_note="x")
    assert set(stored().values()) == {15, 200}


def test_partial_file_updates_only_its_rows():
    import_counts(OCT, "one.csv", csv_bytes([["天生街道", 11, ""]]), None, partial=True)
    assert stored() == {("天生街道", "high_tech"): 11}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.__setitem__(3, ["不存在街道", 1, 1]), "第6行 A列（街镇）：未知街镇“不存在街道”"),
        (lambda r: r.__setitem__(3, list(r[0])), "第6行 A列（街镇）：“天生街道”重复出现（第3行已有）"),
        (lambda r: r.pop(5), "缺少1个街镇的行：蔡家岗街道"),
        (lambda r: r[1].__setitem__(1, -3), "第4行 B列（高新技术企业）：“-3”是负数"),
        (lambda r: r[1].__setitem__(2, 12.5), "第4行 C列（科技型企业）：“12.5”是小数"),
        (lambda r: r[1].__setitem__(1, "十二"), "第4行 B列（高新技术企业）：“十二”不是数字"),
        (lambda r: r[1].__setitem__(1, 999999), "第4行 B列（高新技术企业）：“999999”超出合理范围"),
        (lambda r: r[1].__setitem__(1, None), "第4行 B列（高新技术企业）：缺少数值"),
        (lambda r: r[-1].__setitem__(2, "abc"), "第19行 C列（科技型企业）：“abc”不是数字"),
    ],
)
def test_bad_rows_are_refused_with_sheet_row_and_column(mutate, message):
    rows = all_rows()
    mutate(rows)
    errors = refused(xlsx_bytes(rows, title="北碚区月度数据（2026年10月）", sheet="十月"), confirmed=True)
    assert any(message in e and "工作表“十月”" in e for e in errors), errors


def test_every_problem_is_listed_not_just_the_first():
    rows = all_rows()
    rows[0][1] = -1
    rows[16][2] = "x"
    errors = refused(xlsx_bytes(rows), confirmed=True)
    assert len(errors) == 2


def test_one_bad_row_in_the_last_line_writes_nothing():
    rows = all_rows()
    rows[-1][1] = 1.5
    errors = refused(xlsx_bytes(rows), confirmed=True)
    assert errors == ["工作表“Sheet1”第18行 B列（高新技术企业）：“1.5”是小数，企业数量必须是整数。"]


def test_csv_errors_name_row_and_column():
    rows = all_rows()
    rows[2][2] = "-5"
    errors = refused(csv_bytes(rows, encoding="gbk"), name="counts.csv", confirmed=True)
    assert errors == ["第4行 C列（科技型企业）：“-5”是负数，企业数量不能为负。"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (xlsx_bytes([["天生街道", 1, 1]] * 17)[:300], "文件已损坏或不完整"),
        (b"%PDF-1.4 not a spreadsheet \x00\x01\x02\xff\xfe", "文件不是表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "文件已损坏或不完整"),
        (b"x" * (5 * 1024 * 1024 + 1), "超过 5 MB"),
        (xlsx_bytes([["天生街道", 1, 1]], header=["名称", "高新技术企业", "科技型企业"]), "找不到表头"),
        (xlsx_bytes([], header=[]), "没有内容"),
        (csv_bytes([["天生街道", 1, 1]], header=["街镇", "高科", "科技型企业"]), "找不到表头"),
    ],
)
def test_whole_file_refusals(data, message):
    errors = refused(data, name="upload", confirmed=True)
    assert any(message in e for e in errors), errors


def test_future_month_is_refused():
    errors = refused(xlsx_bytes(all_rows()), month=Month(2026, 12), confirmed=True)
    assert any("2026年12月尚未到来" in e for e in errors)


def test_title_month_must_match_the_chosen_month():
    data = xlsx_bytes(all_rows(), title="北碚区“高科双企”月度数据填报表（2026年9月）")
    errors = refused(data, confirmed=True)
    assert any("文件标题写的是2026年9月，与所选月份2026年10月不符" in e for e in errors)


def test_total_rows_are_skipped():
    rows = all_rows() + [["合计", 170, 1700]]
    import_counts(OCT, "with-total.xlsx", xlsx_bytes(rows), None, confirmed=True, default_note="x")
    assert len(stored()) == 34


def test_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "oct.csv"
    path.write_bytes(csv_bytes(all_rows(), encoding="gbk"))
    call_command("import_counts", str(path), "--month", "2026-10", "--confirm")
    assert len(stored()) == 34
    assert "已写入 34 个数值" in capsys.readouterr().out
    assert set(
        MonthlyCount.objects.filter(month=OCT.date, subdistrict__slug="shuitu").values_list("note", flat=True)
    ) == {"导入确认：oct.csv"}


def test_command_without_confirm_lists_the_flags_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "oct.xlsx"
    path.write_bytes(xlsx_bytes(all_rows()))
    with pytest.raises(CommandError, match="未写入任何数据.*--confirm"):
        call_command("import_counts", str(path), "--month", "2026-10")
    assert "水土街道高新技术企业：较上月下降" in capsys.readouterr().err
    assert not MonthlyCount.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "不在 1–12 之间"),
        (["--month", "10/2026"], "格式不对"),
        (["--month", "2027-01"], "未写入任何数据"),
    ],
)
def test_command_refuses_bad_arguments(tmp_path, args, message):
    path = tmp_path / "oct.xlsx"
    path.write_bytes(xlsx_bytes(all_rows()))
    with pytest.raises(CommandError, match=message):
        call_command("import_counts", str(path), *args)


def test_command_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_counts", str(tmp_path / "nope.xlsx"), "--month", "2026-10")


def test_command_prints_no_traceback_for_a_broken_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for setup in (["migrate", "-v0"], ["load_plan"]):
        subprocess.run([sys.executable, "manage.py", *setup], check=True, capture_output=True, env=env, timeout=120)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_counts", str(path), "--month", "2026-10"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "文件已损坏或不完整" in result.stderr


def test_header_constant_matches_the_template():
    assert HEADER == ["街镇", "高新技术企业", "科技型企业"]


def test_a_note_longer_than_the_column_is_refused_where_it_stands():
    """备注 holds 200 characters: a longer one is named by sheet, row and column, not stored cut
    (nor refused by PostgreSQL as a database error)."""
    rows = [row + ["说明"] for row in all_rows()]
    rows[1][3] = "因" * 201
    errors = refused(xlsx_bytes(rows, header=[*HEADER, "备注"], sheet="十月"), confirmed=True)
    assert any("第3行 D列（备注）：备注有201个字，超过200个字的上限" in e and "工作表“十月”" in e for e in errors), (
        errors
    )


def test_a_long_reason_fills_the_note_of_a_confirmed_change_up_to_its_length():
    rows = all_rows()  # 水土 drops, 金刀峡 rises: both need the default note
    import_counts(OCT, "counts.xlsx", xlsx_bytes(rows), None, confirmed=True, default_note="核" * 250)
    note = MonthlyCount.objects.get(subdistrict__slug="shuitu", month=OCT.date, metric="high_tech").note
    assert note == "核" * 200


# --- notes per metric (issue 28) -------------------------------------------------------------------


def log_all(month, high_tech=10, tech_based=100):
    """Both counts of every unit for `month`, stored directly (no history)."""
    MonthlyCount.objects.bulk_create(
        MonthlyCount(subdistrict=sub, month=month.date, metric=metric, value=value)
        for sub in SubDistrict.objects.all()
        for metric, value in (("high_tech", high_tech), ("tech_based", tech_based))
    )


def notes_of(slug, month=OCT):
    return dict(MonthlyCount.objects.filter(subdistrict__slug=slug, month=month.date).values_list("metric", "note"))


def test_a_note_per_metric_is_stored_with_its_own_metric_only():
    log_all(Month(2026, 9))
    rows = [[*row, "", ""] for row in all_rows()]  # 10 / 100 as in September: nothing to confirm
    tiansheng = next(row for row in rows if row[0] == "天生街道")
    tiansheng[1], tiansheng[3] = 11, "新认定1家"
    tiansheng[2], tiansheng[4] = 101, "新入库1家"
    shuitu = next(row for row in rows if row[0] == "水土街道")
    shuitu[1], shuitu[3] = 12, "新认定2家"  # no note for its tech-based count
    header = [*HEADER, "高新技术企业备注", "科技型企业备注"]
    import_counts(OCT, "分指标备注.xlsx", xlsx_bytes(rows, header=header), None)
    assert notes_of("tiansheng") == {"high_tech": "新认定1家", "tech_based": "新入库1家"}
    assert notes_of("shuitu") == {"high_tech": "新认定2家", "tech_based": ""}


def test_one_note_column_is_still_read_for_both_metrics():
    log_all(Month(2026, 9))
    rows = [[*row, ""] for row in all_rows()]
    tiansheng = next(row for row in rows if row[0] == "天生街道")
    tiansheng[1:] = [11, 101, "年中核实"]
    import_counts(OCT, "一列备注.xlsx", xlsx_bytes(rows, header=[*HEADER, "备注"]), None)
    assert notes_of("tiansheng") == {"high_tech": "年中核实", "tech_based": "年中核实"}


def test_an_unchanged_count_with_the_rows_note_is_not_a_change():
    """The one 备注 of a row whose high-tech count changes (10 → 11) is not a change of its
    tech-based count (100 → 100): that cell keeps its value and its stored note, and only one
    count is written."""
    log_all(Month(2026, 9))
    log_all(OCT)
    MonthlyCount.objects.filter(subdistrict__slug="tiansheng", month=OCT.date, metric="tech_based").update(
        note="上月核实"
    )
    rows = [[*row, ""] for row in all_rows()]
    tiansheng = next(row for row in rows if row[0] == "天生街道")
    tiansheng[1:] = [11, 100, "新认定1家"]
    data = xlsx_bytes(rows, header=[*HEADER, "备注"])
    plan = plan_month(OCT, parse_counts("a.xlsx", data, OCT, SubDistrict.objects.in_plan_order()).entries)
    assert [(c.subdistrict.name, c.metric, c.old, c.new) for c in plan.changes] == [("天生街道", "high_tech", 10, 11)]
    unchanged = next(c for c in plan.cells if c.subdistrict.slug == "tiansheng" and c.metric == "tech_based")
    assert (unchanged.old, unchanged.new, unchanged.note, unchanged.changed) == (100, None, "上月核实", False)
    written = import_counts(OCT, "a.xlsx", data, None)
    assert [(c.subdistrict.name, c.metric) for c in written] == [("天生街道", "high_tech")]
    assert notes_of("tiansheng") == {"high_tech": "新认定1家", "tech_based": "上月核实"}


def test_a_two_row_header_with_a_note_under_each_metric():
    from tests import spreadsheet_corpus as corpus

    log_all(Month(2026, 9))
    rows = [[name, ht, "", tb, ""] for name, ht, tb in all_rows()]
    rows[0][1:] = [11, "新认定1家", 101, "新入库1家"]  # 天生街道
    data = corpus.two_row_header(
        rows, upper=("街镇", "高新技术企业", None, "科技型企业", None), lower=(None, "数量", "备注", "数量", "备注")
    )
    import_counts(OCT, "合并表头.xlsx", data, None)
    assert notes_of("tiansheng") == {"high_tech": "新认定1家", "tech_based": "新入库1家"}
    assert stored()[("天生街道", "tech_based")] == 101


def test_the_rows_note_beside_a_note_per_metric_is_not_read_and_the_preview_says_so():
    log_all(Month(2026, 9))
    rows = [[*row, "", "", "旧说明"] for row in all_rows()]
    rows[0][1:5] = [11, 100, "新认定1家", ""]
    header = [*HEADER, "高新技术企业备注", "科技型企业备注", "备注"]
    parsed = parse_counts("a.xlsx", xlsx_bytes(rows, header=header), OCT, SubDistrict.objects.in_plan_order())
    assert parsed.errors == []
    assert "F列“备注”未读取：两项指标各有备注列。" in parsed.notes
    tiansheng = SubDistrict.objects.get(slug="tiansheng").pk
    assert parsed.entries[(tiansheng, "high_tech")] == (11, "新认定1家")
    assert parsed.entries[(tiansheng, "tech_based")] == (100, None)


def test_a_metrics_note_longer_than_the_column_is_refused_where_it_stands():
    rows = [[*row, "", ""] for row in all_rows()]
    rows[2][4] = "因" * 201
    header = [*HEADER, "高新技术企业备注", "科技型企业备注"]
    errors = refused(xlsx_bytes(rows, header=header, sheet="十月"), confirmed=True, default_note="x")
    assert errors == ["工作表“十月”第4行 E列（科技型企业备注）：备注有201个字，超过200个字的上限，请精简。"]
