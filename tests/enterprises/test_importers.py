import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo import enterprises as generator
from enterprises import columns, importers, validity
from enterprises.importers import ImportRefused, run_import
from enterprises.models import Enterprise, HighTechRecognition
from tests.support import HEADERS, code, firm_csv, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Every test runs on 1 July 2025."""
    time_machine.move_to(dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC), tick=False)


GOOD = [
    ("重庆天生传感技术有限公司", code(1), "天生街道", dt.datetime(2024, 2, 29), 2023),
    ("重庆水土新材料有限公司", code(2), "水土街道", "2023/05/06", ""),
    ("北碚缙云软件有限公司", code(3), "天生街道", "", "2024年"),
]


def refused(data, name="firms.xlsx"):
    with pytest.raises(ImportRefused) as info:
        run_import(data, name)
    assert Enterprise.objects.count() == 0 and HighTechRecognition.objects.count() == 0
    return [str(p) for p in info.value.problems]


def test_good_file_imports_firms_and_certificates():
    summary = run_import(xlsx(GOOD), "firms.xlsx")
    assert (summary.created, summary.updated, summary.recognitions_added) == (3, 0, 2)
    first = Enterprise.objects.get(credit_code=code(1))
    assert first.subdistrict.slug == "tiansheng" and first.tech_registered_year == 2023
    recognition = first.recognitions.get()
    assert recognition.issue_date == dt.date(2024, 2, 29) and recognition.valid_until == dt.date(2027, 2, 28)
    assert Enterprise.objects.get(credit_code=code(2)).recognitions.get().issue_date == dt.date(2023, 5, 6)
    assert Enterprise.objects.get(credit_code=code(3)).tech_registered_year == 2024
    history = first.history.get()
    assert history.history_type == "+" and history.history_change_reason == "表格导入：firms.xlsx"
    assert recognition.history.count() == 1


def test_reimport_updates_without_duplicating():
    run_import(xlsx(GOOD), "a.xlsx")
    changed = [("重庆天生传感技术股份有限公司", *GOOD[0][1:]), GOOD[1], (*GOOD[2][:3], "2025-01-02", "2024")]
    summary = run_import(xlsx(changed), "b.xlsx")
    assert (summary.created, summary.updated, summary.unchanged, summary.recognitions_added) == (0, 1, 2, 1)
    assert Enterprise.objects.count() == 3
    assert HighTechRecognition.objects.count() == 3  # the same issue date is not added twice
    first = Enterprise.objects.get(credit_code=code(1))
    assert first.name == "重庆天生传感技术股份有限公司"
    latest = first.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == "表格导入：b.xlsx"
    assert first.history.count() == 2


def test_optional_columns_are_read():
    headers = [
        *HEADERS,
        "高新技术企业证书编号",
        "所属产业",
        "规上",
        "专精特新",
        "“小巨人”",
        "培优库",
        "科技型企业退库日期",
    ]
    row = (*GOOD[0], "GR202450000001", "智能传感器", "是", "否", "否", "是", "2025-03-01")
    run_import(xlsx([row], headers), "f.xlsx")
    firm = Enterprise.objects.get()
    assert firm.industry == "sensors" and firm.above_scale and firm.cultivation_pool and not firm.specialized
    assert firm.tech_left_on == dt.date(2025, 3, 1)
    assert firm.recognitions.get().certificate_no == "GR202450000001"


def test_every_column_of_the_template_is_read():
    """高价值发明专利, 单项冠军 and 拟上市储备库 (the registry's indicators for tasks 13 and 17)
    were once dropped from the file silently: every column the template writes is read."""
    assert set(columns.SYNONYMS) == set(columns.HEADERS.values())
    headers = [*HEADERS, "高价值发明专利", "单项冠军", "拟上市储备库"]
    run_import(xlsx([(*GOOD[0], "是", "否", "是"), (*GOOD[1], "否", "是", "否")], headers), "f.xlsx")
    first, second = Enterprise.objects.get(credit_code=code(1)), Enterprise.objects.get(credit_code=code(2))
    assert (first.high_value_patent, first.single_champion, first.ipo_reserve) == (True, False, True)
    assert (second.high_value_patent, second.single_champion, second.ipo_reserve) == (False, True, False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_and_gbk(encoding):
    rows = [(name, c, sub, "2024-02-29" if i == 0 else "", year) for i, (name, c, sub, _, year) in enumerate(GOOD)]
    data = firm_csv(rows, encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    summary = run_import(data, "名录.csv")
    assert summary.created == 3
    assert set(Enterprise.objects.values_list("name", flat=True)) == {r[0] for r in GOOD}


def test_wrong_check_digit_names_row_and_column():
    bad = code(4)[:17] + ("0" if code(4)[17] != "0" else "1")
    messages = refused(xlsx([*GOOD, ("坏代码有限公司", bad, "天生街道", "", 2023)]))
    assert messages == [
        f"工作表“企业名录”第5行B（统一社会信用代码）列：统一社会信用代码“{bad}”校验位错误（第18位应为 {code(4)[17]}）"
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("甲公司", "91500109123", "天生街道", "", 2023), "第2行B（统一社会信用代码）列：统一社会信用代码应为18位"),
        (("甲公司", code(9), "南岸区", "", 2023), "第2行C（所属街镇）列：所属街镇“南岸区”不是本区的街镇"),
        (
            ("甲公司", code(9), "天生街道", "2023-02-30", 2023),
            "第2行D（高新技术企业发证日期）列：日期“2023-02-30”不存在",
        ),
        (("甲公司", code(9), "天生街道", "明年", 2023), "第2行D（高新技术企业发证日期）列：“明年”不是日期"),
        (
            ("甲公司", code(9), "天生街道", "1999-12-31", ""),
            "第2行D（高新技术企业发证日期）列：发证日期 1999-12-31 超出范围",
        ),
        (("甲公司", code(9), "天生街道", "", 1999), "第2行E（科技型企业入库年份）列：入库年份 1999 超出范围"),
        (("甲公司", code(9), "天生街道", "", 2026), "第2行E（科技型企业入库年份）列：入库年份 2026 超出范围"),
        (("", code(9), "天生街道", "", 2023), "第2行A（企业名称）列：企业名称不能为空"),
    ],
)
def test_each_refusal_names_row_and_column_and_writes_nothing(row, expected):
    messages = refused(xlsx([row]))
    assert len(messages) == 1 and expected in messages[0], messages


def test_the_same_code_twice_is_refused():
    messages = refused(xlsx([GOOD[0], GOOD[1], ("另一家", code(1), "水土街道", "", 2023)]))
    assert messages == [f"工作表“企业名录”第4行B（统一社会信用代码）列：统一社会信用代码“{code(1)}”与第2行重复"]


def test_one_bad_row_in_the_last_line_writes_nothing_and_all_problems_are_listed():
    rows = [(f"企业{n}", code(n), "天生街道", "", 2023) for n in range(10, 60)]
    rows.append(("最后一家", code(60), "不存在镇", "2024-13-01", 2023))
    messages = refused(xlsx(rows))
    assert [m.split("列")[0] for m in messages] == [
        "工作表“企业名录”第52行C（所属街镇）",
        "工作表“企业名录”第52行D（高新技术企业发证日期）",
    ]


def test_missing_header():
    messages = refused(xlsx([GOOD[0][:4]], headers=HEADERS[:4]))
    assert messages == ["工作表“企业名录”第1行：缺少表头：科技型企业入库年份（表头可带单位或括号说明）"]


def test_empty_file_and_header_only():
    assert "文件为空" in refused(b"", "a.csv")[0]
    assert "没有数据行" in refused(xlsx([]))[0]


def test_not_a_spreadsheet():
    assert "文件已损坏" in refused(b"PK\x03\x04garbage", "a.xlsx")[0]
    assert "只能导入 Excel（.xlsx、.xlsm、.xls）" in refused(b"hello", "a.pdf")[0]
    assert "文件已损坏" in refused(b"\xd0\xcf\x11\xe0", "a.xls")[0]


def test_over_20_mb_is_refused_before_reading():
    assert "文件超过 20 MB" in refused(b"x" * (importers.MAX_BYTES + 1), "big.csv")[0]


def test_command_imports_and_reports_in_chinese(tmp_path, capsys):
    path = tmp_path / "firms.xlsx"
    path.write_bytes(xlsx(GOOD))
    call_command("import_enterprises", str(path))
    assert "导入完成：共 3 行，新增企业 3 家" in capsys.readouterr().out


def test_command_refuses_bad_file_without_traceback(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(firm_csv([("甲", code(1)[:17] + "Y", "天生街道", "", 2023)], encoding="gbk"))
    with pytest.raises(CommandError, match="文件有 1 处错误，未导入任何数据"):
        call_command("import_enterprises", str(path))
    assert "第2行B（统一社会信用代码）列：" in capsys.readouterr().err
    assert Enterprise.objects.count() == 0


def test_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_enterprises", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "文件已损坏" in result.stderr and "Traceback" not in result.stderr


def test_generator_is_deterministic_with_valid_unique_codes(tmp_path):
    a = list(generator.firms(300, seed=5, today=dt.date(2025, 7, 1)))
    b = list(generator.firms(300, seed=5, today=dt.date(2025, 7, 1)))
    assert a == b
    codes = [row["统一社会信用代码"] for row in a]
    assert len(set(codes)) == 300 and all(validity.is_valid_credit_code(c) for c in codes)
    assert len({row["企业名称"] for row in a}) == 300
    path = tmp_path / "g.xlsx"
    call_command("generate_enterprises", "--count", "300", "--seed", "5", "--output", str(path))
    summary = run_import(path.read_bytes(), path.name)
    assert summary.created == 300


# --- files as offices send them (issue 13) ---------------------------------------------------------


def test_a_hidden_first_sheet_is_skipped():
    from openpyxl import Workbook

    from tests.spreadsheet_corpus import save

    wb = Workbook()
    backup = wb.active
    backup.title = "旧名录"
    backup.append(HEADERS)
    backup.append(["旧企业有限公司", code(9), "天生街道", "", 2020])
    backup.sheet_state = "hidden"
    current = wb.create_sheet("名录")
    current.append(HEADERS)
    for row in GOOD:
        current.append(list(row))
    wb.active = 1
    summary = run_import(save(wb), "firms.xlsx")
    assert summary.created == 3 and summary.sheet == "名录"
    assert "已跳过隐藏的工作表：“旧名录”。" in summary.notes
    assert not Enterprise.objects.filter(credit_code=code(9)).exists()


def test_headers_with_synonyms_below_a_title_and_aliases_for_subdistricts():
    from openpyxl import Workbook

    from tests.spreadsheet_corpus import save

    wb = Workbook()
    ws = wb.active
    ws.append(["2025年北碚区高新技术企业名录"])
    ws.append(["企业全称", "社会信用代码", "镇街", "发证日期（年月日）", "入库年份"])
    ws.append(["重庆天生传感技术有限公司", code(1), "天生", dt.datetime(2024, 2, 29), "２０２３"])
    ws.append(["重庆水土新材料有限公司", code(2), "水土镇", "2023/05/06", ""])
    summary = run_import(save(wb), "firms.xlsx")
    assert summary.created == 2
    assert Enterprise.objects.get(credit_code=code(1)).tech_registered_year == 2023
    assert Enterprise.objects.get(credit_code=code(2)).subdistrict.slug == "shuitu"
    assert "原表“水土镇” → 水土街道（第4行，共 1 行）。" in summary.notes


def test_formulas_without_values_are_refused():
    rows = [(*GOOD[0][:4], "=2020+3")]
    messages = refused(xlsx(rows))
    assert any("该单元格为公式但未保存计算结果" in m for m in messages), messages


def test_problems_are_capped_at_200_with_the_total():
    rows = [(f"企业{i}", "bad", "天生街道", "", "") for i in range(300)]
    with pytest.raises(ImportRefused) as info:
        run_import(xlsx(rows), "firms.xlsx")
    assert info.value.total == 300 and len(info.value.problems) == 201
    assert str(info.value.problems[-1]) == "……共 300 处错误，以上只列出前 200 处。"


@pytest.mark.parametrize("name", ["declared_huge.xlsx", "zip_bomb.xlsx", "malformed.xlsx", "encrypted.xlsx"])
def test_hostile_files_are_refused(name):
    from tests.spreadsheet_corpus import HOSTILE

    messages = refused(HOSTILE[name](), name)
    assert len(messages) == 1 and ("超过" in messages[0] or "压缩比" in messages[0] or "文件" in messages[0])
