"""Count imports tried with files as offices send them (each must import exactly the right figures
or be refused with what to do) and with hostile files (refused, nothing written, bounded)."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from targets.importers import parse_counts
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from targets.numbers import UNCOMPUTED_FORMULA_MESSAGE
from targets.services import CountsRejected, import_counts
from tests import spreadsheet_corpus as corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

OCT = Month(2026, 10)
needs_soffice = pytest.mark.skipif(not corpus.SOFFICE, reason="LibreOffice (soffice) is not installed")


def figures(month=OCT):
    rows = MonthlyCount.objects.filter(month=month.date).values_list("subdistrict__name", "metric", "value")
    return {(name, metric): value for name, metric, value in rows}


def expected_rows():
    """Each sub-district its own figures, so that a shifted row or column cannot pass."""
    return [[sub.name, 20 + i, 300 + 7 * i] for i, sub in enumerate(SubDistrict.objects.in_plan_order())]


def expected_figures(rows):
    out = {}
    for name, high_tech, tech_based in rows:
        out[(name, "high_tech")] = high_tech
        out[(name, "tech_based")] = tech_based
    return out


def imported(data, name="counts.xlsx", **kwargs):
    notes = []
    import_counts(OCT, name, data, None, confirmed=True, default_note="导入核对", notes=notes, **kwargs)
    return notes


def refused(data, name="counts.xlsx", **kwargs):
    with pytest.raises(CountsRejected) as info:
        import_counts(OCT, name, data, None, confirmed=True, default_note="x", **kwargs)
    assert not MonthlyCount.objects.exists(), "a refused file must write nothing"
    return info.value.errors


# --- which sheet -----------------------------------------------------------------------------------


def test_a_hidden_backup_sheet_is_skipped_and_the_visible_one_read():
    rows = expected_rows()
    backup = [[name, 1, 2] for name, _, _ in rows]
    notes = imported(corpus.hidden_backup_first(rows, backup))
    assert figures() == expected_figures(rows)
    assert "读取的工作表：“本月”。" in notes
    assert "已跳过隐藏的工作表：“备份（上月）”。" in notes


def test_one_sheet_per_month_reads_the_sheet_named_after_the_month_and_says_so():
    rows = expected_rows()
    september = [[name, ht - 1, tb - 1] for name, ht, tb in rows]
    data = corpus.one_sheet_per_month({"9月": september, "10月": rows}, active="9月")
    notes = imported(data)
    assert figures() == expected_figures(rows)
    assert "文件中有2个工作表都有表头，按所选月份读取工作表“10月”，未读取：“9月”。" in notes
    assert "读取的工作表：“10月”。" in notes


@pytest.mark.parametrize(
    ("september", "october"),
    [
        ("2026年9月", "2026年10月"),
        ("2026-09", "2026-10"),
        ("202609", "202610"),
        ("9月份", "10月份"),
        ("2026.9", "2026.10"),
        ("2025年10月", "2026年10月"),  # last year's October is not this one
        ("Sheet1", "10月"),  # Sheet1's 1 is no month
    ],
)
def test_the_months_sheet_is_found_however_it_is_named(september, october):
    rows = expected_rows()
    other = [[name, 1, 2] for name, _, _ in rows]
    notes = imported(corpus.one_sheet_per_month({september: other, october: rows}, active=september))
    assert figures() == expected_figures(rows)
    assert f"读取的工作表：“{october}”。" in notes


@pytest.mark.parametrize(
    "names",
    [
        ("9月", "11月"),  # neither is October
        ("甲表", "乙表"),  # no month at all
        ("10月", "2026年10月"),  # two sheets for October
    ],
)
def test_sheets_without_exactly_one_for_the_month_are_refused_naming_them(names):
    rows = expected_rows()
    data = corpus.one_sheet_per_month({names[0]: rows, names[1]: rows}, active=names[0])
    errors = refused(data)
    assert errors == [
        f"文件中有2个工作表都有表头：“{names[0]}”、“{names[1]}”（保存时打开的是“{names[0]}”），无法确定导入哪一个。"
        "请在“工作表”一栏填写要导入的工作表名称（命令行用 --sheet），或删去其余工作表后再导入。"
    ]
    imported(data, sheet=names[1])
    assert figures() == expected_figures(rows)


def test_a_sheet_that_does_not_exist_is_refused():
    errors = refused(corpus.workbook(expected_rows()), sheet="十月")
    assert errors == ["文件中没有名为“十月”的可见工作表（可见的工作表：“Sheet”）。"]


# --- which columns ---------------------------------------------------------------------------------


def test_the_pair_of_headers_twice_is_refused_naming_both_columns():
    rows = [[name, ht, tb, ht + 5, tb + 50] for name, ht, tb in expected_rows()]
    header = ("街镇", "高新技术企业", "科技型企业", "高新技术企业", "科技型企业")
    errors = refused(corpus.workbook(rows, header=header))
    assert "表头“high_tech”" not in "".join(errors)
    assert any("B列“高新技术企业”、D列“高新技术企业”" in e and "无法确定哪一列是本月数据" in e for e in errors)
    assert any("C列“科技型企业”、E列“科技型企业”" in e for e in errors)


def test_the_pair_twice_under_this_months_and_the_targets_headers_reads_this_months():
    rows = expected_rows()
    wide = [[name, ht + 5, tb + 50, ht, tb] for name, ht, tb in rows]  # targets first, actuals second
    data = corpus.two_row_header(
        wide,
        upper=("街镇", "2027年目标", None, "2026年10月实有", None),
        lower=(None, "高新技术企业", "科技型企业", "高新技术企业", "科技型企业"),
    )
    notes = imported(data)
    assert figures() == expected_figures(rows)
    assert any("按表明本月数据的D列读取" in n for n in notes)


def test_headers_with_units_spaces_and_synonyms():
    rows = expected_rows()
    header = ("镇街", "国家高新技术企业（家）", "市级 科技型企业(家)")
    imported(corpus.workbook(rows, header=header))
    assert figures() == expected_figures(rows)


def test_a_two_row_merged_header():
    rows = expected_rows()
    data = corpus.two_row_header(
        rows, upper=("街镇", "企业数量（家）", None), lower=(None, "高新技术企业", "科技型企业")
    )
    imported(data)
    assert figures() == expected_figures(rows)


def test_a_two_row_header_with_the_metric_above_and_本月_below():
    rows = expected_rows()
    wide = [[name, ht, ht + 3, tb, tb + 30] for name, ht, tb in rows]
    data = corpus.two_row_header(
        wide,
        upper=("街镇", "高新技术企业", None, "科技型企业", None),
        lower=(None, "本月实有", "目标", "本月实有", "目标"),
    )
    imported(data)
    assert figures() == expected_figures(rows)


# --- which rows ------------------------------------------------------------------------------------


def test_names_as_offices_write_them_are_matched_and_shown():
    rows = expected_rows()
    written = {
        "天生街道": "天生",
        "澄江镇": "澄江镇人民政府",
        "朝阳街道": "朝阳街道办事处",
        "水土街道": "水土镇",
        "东阳街道": "东阳\u200b街道",
        "北温泉街道": " 北温泉\u3000街道 ",
    }
    data = corpus.workbook([[written.get(name, name), ht, tb] for name, ht, tb in rows])
    notes = imported(data)
    assert figures() == expected_figures(rows)
    assert any("原表“天生” → 天生街道" in n for n in notes)
    assert any("原表“水土镇” → 水土街道" in n for n in notes)
    assert any("原表“澄江镇人民政府” → 澄江镇" in n for n in notes)
    assert any("原表“东阳街道（含空格或不可见字符）” → 东阳街道" in n for n in notes)


def test_unknown_names_are_shown_without_invisible_characters():
    rows = expected_rows()
    rows[0][0] = "天\u200b堂"
    errors = refused(corpus.workbook(rows))
    assert any("未知街镇“天堂”" in e for e in errors), errors


def test_an_ambiguous_name_is_refused():
    subs = [SimpleNamespace(pk=1, name="东阳街道"), SimpleNamespace(pk=2, name="东阳镇")]
    data = corpus.workbook([["东阳", 1, 1], ["东阳镇", 2, 2]])
    parsed = parse_counts("a.xlsx", data, OCT, subs, partial=True)
    assert parsed.errors == ["工作表“Sheet”第2行 A列（街镇）：“东阳”可能指东阳街道、东阳镇，无法确定，请填写街镇全称。"]


def test_a_gbk_csv_with_old_or_wrong_suffixes_is_read_when_each_names_one_unit():
    """街道 and 镇 swapped or missing (施家梁街道 for 施家梁镇, 天生镇 for 天生街道), a former name
    (水土镇): each names exactly one unit of October's map."""
    from tests.support import csv_bytes

    rows = expected_rows()
    written = {
        "施家梁镇": "施家梁街道",
        "天生街道": "天生镇",
        "水土街道": "水土镇",
        "澄江镇": "澄江街道",
        "金刀峡镇": "金刀峡乡",
    }
    data = csv_bytes([[written.get(name, name), ht, tb] for name, ht, tb in rows], encoding="gbk")
    notes = imported(data, name="旧名称.csv")
    assert figures() == expected_figures(rows)
    suffix = "（名称后缀与街镇全称不符，按唯一对应的街镇读取）"
    row_of = {name: i + 2 for i, (name, _, _) in enumerate(rows)}
    assert f"第{row_of['施家梁镇']}行：原表“施家梁街道” → 施家梁镇{suffix}。" in notes
    assert f"第{row_of['天生街道']}行：原表“天生镇” → 天生街道{suffix}。" in notes
    assert f"第{row_of['澄江镇']}行：原表“澄江街道” → 澄江镇{suffix}。" in notes
    assert f"第{row_of['金刀峡镇']}行：原表“金刀峡乡” → 金刀峡镇{suffix}。" in notes
    assert f"第{row_of['水土街道']}行：原表“水土镇” → 水土街道。" in notes  # a former name, no guess


def test_a_wrong_suffix_that_could_mean_two_units_is_refused():
    subs = [SimpleNamespace(pk=1, name="东阳街道"), SimpleNamespace(pk=2, name="东阳镇")]
    data = corpus.workbook([["东阳乡", 1, 1]])
    parsed = parse_counts("a.xlsx", data, OCT, subs, partial=True)
    assert parsed.errors == [
        "工作表“Sheet”第2行 A列（街镇）：“东阳乡”可能指东阳街道、东阳镇，无法确定，请填写街镇全称。"
    ]


def test_an_unknown_name_with_a_suffix_is_still_refused_with_its_place():
    rows = expected_rows()
    rows[3][0] = "北碚镇"
    errors = refused(corpus.workbook(rows))
    assert errors[0] == "工作表“Sheet”第5行 A列（街镇）：未知街镇“北碚镇”。"


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("水土街道", "水土街道"),
        ("水土镇", "水土街道"),
        ("水土乡", "水土街道"),
        ("施家梁街道", "施家梁镇"),
        ("施家梁镇人民政府", "施家梁镇"),
        ("童家溪街道", "童家溪镇"),
    ],
)
def test_a_unit_that_has_left_is_refused_with_its_reason_whatever_its_suffix(map_2025_11, written, unit):
    """After 2025-10 水土街道, 施家梁镇 and 童家溪镇 are not units of the map: a wrong suffix does
    not make their names mean another unit, and the refusal says why, where."""
    from targets.territory import map_of
    from tests.support import csv_bytes

    rows = [[sub.name, 20 + i, 300 + i] for i, sub in enumerate(map_of(OCT).members)]
    rows[5][0] = written
    errors = refused(csv_bytes(rows, encoding="gbk"), name="十月.csv")
    assert errors[0] == f"第7行 A列（街镇）：{unit}已于2025年11月划出北碚区（划入两江新区）。", errors


def test_group_and_subtotal_rows_are_skipped_and_listed():
    rows = expected_rows()
    with_groups = [["A类镇街", None, None], *rows[:9], ["小计", 999, 9999], ["B类镇街", None, None], *rows[9:]]
    with_groups += [["合 计", 9999, 99999], ["全区合计", 9999, 99999]]
    notes = imported(corpus.workbook(with_groups))
    assert figures() == expected_figures(rows)
    assert any(n.startswith("已跳过5个分组或合计行：第2行“A类镇街”、第12行“小计”") and "“合计”" in n for n in notes)


# --- which numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,234", 1234), ("1 234", 1234), ("1，234", 1234), ("１２３", 123), ("12.0", 12), (15.0, 15), ("\u200b42", 42)],
)
def test_numbers_as_offices_type_them(typed, value):
    rows = expected_rows()
    rows[0][2] = typed
    imported(corpus.workbook(rows))
    assert figures()[("天生街道", "tech_based")] == value


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("5,11", "“5,11”的千位分隔符位置不对"),
        ("1,2345", "“1,2345”的千位分隔符位置不对"),
        ("12.5", "“12.5”是小数"),
        ("十二", "“十二”不是数字"),
        ("#DIV/0!", "“#DIV/0!”不是数字"),
    ],
)
def test_numbers_that_could_mean_two_things_are_refused(typed, reason):
    rows = expected_rows()
    rows[0][2] = typed
    errors = refused(corpus.workbook(rows))
    assert errors == [f"工作表“Sheet”第2行 C列（科技型企业）：{reason}" + errors[0].split(reason)[1]]


def test_date_formatted_counts_are_read_as_numbers_with_a_warning():
    rows = expected_rows()
    notes = imported(corpus.date_formatted(rows, column=1))
    assert figures() == expected_figures(rows)
    assert any("B列（高新技术企业）：单元格格式为日期（显示为 1900-01-20），已按数字 20 读取" in n for n in notes), (
        notes
    )


@pytest.mark.parametrize("partial", [False, True])
def test_formulas_without_computed_values_are_refused_never_skipped(partial):
    errors = refused(corpus.formulas_without_values(expected_rows()), partial=partial)
    assert f"工作表“Sheet”第2行 B列（高新技术企业）：{UNCOMPUTED_FORMULA_MESSAGE}。" in errors
    assert len(errors) == 34


def test_the_error_list_is_capped_at_200_with_a_count():
    lines = ["街镇,高新技术企业,科技型企业", *(f"不存在{i},1,1" for i in range(50_000))]
    errors = refused(("\r\n".join(lines)).encode(), name="big.csv")
    assert len(errors) == 201
    assert errors[-1] == "……共 50001 个问题，以上只列出前 200 个，请改正后重新导入。"


# --- which formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ";"), ("utf-8-sig", "\t"), ("gbk", ";"), ("gb18030", ",")]
)
def test_csv_encodings_and_separators(encoding, delimiter):
    rows = expected_rows()
    imported(corpus.csv_text(rows, delimiter=delimiter).encode(encoding), name="counts.csv")
    assert figures() == expected_figures(rows)


def test_excel_unicode_text():
    rows = expected_rows()
    imported(corpus.excel_unicode_text(rows), name="counts.txt")
    assert figures() == expected_figures(rows)


def test_xlsm_with_macros_declared():
    rows = expected_rows()
    imported(corpus.as_xlsm(corpus.workbook(rows)), name="counts.xlsm")
    assert figures() == expected_figures(rows)


@needs_soffice
@pytest.mark.parametrize(("target", "name"), [("xls", "counts.xls"), ("ods", "counts.ods"), ("xls", "counts.et")])
def test_libreoffice_resaves(target, name):
    """.xls and .ods as LibreOffice writes them (a WPS .et is the same binary format), with a
    hidden backup sheet first, a date-formatted count and a subtotal row."""
    rows = expected_rows()
    backup = [[n, 1, 2] for n, _, _ in rows]
    source = corpus.hidden_backup_first([*rows, ["合计", 1, 1]], backup)
    notes = imported(corpus.soffice_convert(source, ".xlsx", target), name=name)
    assert figures() == expected_figures(rows)
    assert "已跳过隐藏的工作表：“备份（上月）”。" in notes


@needs_soffice
def test_libreoffice_date_formatted_xls():
    rows = expected_rows()
    data = corpus.soffice_convert(corpus.date_formatted(rows, column=2), ".xlsx", "xls")
    notes = imported(data, name="counts.xls")
    assert figures() == expected_figures(rows)
    assert any("单元格格式为日期" in n for n in notes)


# --- hostile files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("declared_huge.xlsx", "超过 200000 行上限"),
        ("far_row.xlsx", "超过 200000 行上限"),
        ("zip_bomb.xlsx", "压缩比异常"),
        ("malformed.xlsx", "文件已损坏或不完整"),
        ("bad_shared_string.xlsx", "文件已损坏或不完整"),
        ("bad_number.xlsx", "文件已损坏或不完整"),
        ("billion_laughs.xlsx", "文件已损坏或不完整"),
        ("encrypted.xlsx", "文件设有打开密码"),
    ],
)
def test_hostile_files_are_refused_and_write_nothing(name, message):
    errors = refused(corpus.HOSTILE[name](), name=name)
    assert len(errors) == 1 and message in errors[0], errors


def test_a_truncated_file_is_refused():
    errors = refused(corpus.truncated(corpus.workbook(expected_rows())))
    assert errors == ["文件已损坏或不完整，无法作为表格读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"]


@needs_soffice
def test_a_sparse_xls_claiming_a_whole_sheet_is_refused_within_the_childs_limits():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["IV65536"] = "街镇", 1
    errors = refused(corpus.soffice_convert(corpus.save(wb), ".xlsx", "xls"), name="sparse.xls")
    assert len(errors) == 1 and ("超出读取限制" in errors[0] or "超过" in errors[0]), errors


def test_hostile_files_cost_bounded_memory_and_time():
    """Each hostile file read in a fresh process: peak memory under 300 MB, under 10 s."""
    script = Path(__file__).with_name("measure_hostile.py")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True, cwd=Path.cwd()
    )
    measured = json.loads(result.stdout)
    assert set(measured) == set(corpus.HOSTILE)
    for name, (peak_mb, seconds, refused_with) in measured.items():
        assert refused_with, name
        assert peak_mb < 300, (name, peak_mb)
        assert seconds < 10, (name, seconds)


def test_the_command_names_the_sheet_and_takes_sheet(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    rows = expected_rows()
    path = tmp_path / "两个月.xlsx"
    path.write_bytes(corpus.one_sheet_per_month({"甲": rows, "乙": rows}, active="乙"))
    with pytest.raises(CommandError):
        call_command("import_counts", str(path), "--month", "2026-10", "--confirm")
    assert "都有表头：“甲”、“乙”" in capsys.readouterr().err
    call_command("import_counts", str(path), "--month", "2026-10", "--confirm", "--sheet", "乙")
    assert "读取的工作表：“乙”。" in capsys.readouterr().out
    assert figures() == expected_figures(rows)


def test_a_single_column_headed_as_a_target_is_not_read_as_this_months():
    rows = expected_rows()
    wide = [[name, ht + 5, tb] for name, ht, tb in rows]
    data = corpus.two_row_header(wide, upper=("街镇", "2027年目标", "科技型企业"), lower=(None, "高新技术企业", None))
    errors = refused(data)
    assert errors == [
        "B列表头“2027年目标 高新技术企业”含“目标”，看来不是本月数据，未读取。"
        "请把本月的“高新技术企业”放在这一列或修改表头后再导入。"
    ]
