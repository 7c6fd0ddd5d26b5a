"""Workbooks the platform writes print as government paper: one number format, A4 as wide as the
page with the header repeated on every page, columns as wide as their text (beibei_dashboard.office)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.styles import Alignment

from beibei_dashboard.office import (
    break_before_blocks,
    fit_height,
    number_format,
    print_a4,
    printable_table,
    saved_bytes,
    text_width,
)


def test_one_number_format_by_kind_and_value():
    assert number_format(1209) == "0"  # no thousands separator
    assert number_format(12.0) == "0"
    assert number_format(Decimal("0.978"), "pct") == "0.0%"
    assert number_format(6.25) == "0.0#"
    assert number_format(True) is None and number_format("12") is None and number_format(None) is None


def test_widths_and_heights_of_text():
    assert text_width("A类12") == pytest.approx(1.1 + 2 + 2.2)
    sheet = openpyxl.Workbook().active
    sheet.column_dimensions["A"].width = 40
    sheet["A1"] = "北" * 50  # 100 units in a column with room for 39: three lines of 11 pt
    sheet["A1"].alignment = sheet["A2"].alignment = Alignment(wrap_text=True)
    fit_height(sheet, 1)
    assert sheet.row_dimensions[1].height == pytest.approx(3 * 11 * 1.4 + 4)
    sheet["A2"] = "一\n二"  # two lines however short
    fit_height(sheet, 2)
    assert sheet.row_dimensions[2].height == pytest.approx(2 * 11 * 1.4 + 4)
    sheet["A3"] = "北" * 50  # not wrapped: it runs on over the cells beside it, on one line
    sheet["A3"].alignment = Alignment()
    fit_height(sheet, 3)
    assert sheet.row_dimensions[3].height == pytest.approx(1 * 11 * 1.4 + 4)


def test_a_plain_table_is_made_ready_to_print():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["街镇", "高新技术企业·2027年目标数", "说明"])
    sheet.append(["北温泉街道", 1209, "北" * 60])
    sheet.append(["天生街道", 16, ""])
    sheet["B3"].number_format = "#,##0"
    out = openpyxl.load_workbook(io.BytesIO(printable_table(saved_bytes(workbook)))).active
    assert out["A1"].font.bold and out["A1"].fill.fgColor.rgb.endswith("EEF1F4")
    assert out.print_title_rows == "$1:$1" and out.freeze_panes == "A2"
    assert (out.page_setup.fitToWidth, out.page_setup.fitToHeight) == (1, 0)
    assert out.sheet_properties.pageSetUpPr.fitToPage and str(out.page_setup.paperSize) == out.PAPERSIZE_A4
    # widths: 北温泉街道 10 + 2; the header wraps over up to three lines: (2×10 + 1.1×5) / 3 + 2 = 10.5
    # and 1209 is 4.4 + 2; the long text is capped at 40 and wraps
    widths = [out.column_dimensions[c].width for c in "ABC"]
    assert widths == [12, 10.5, 40]
    assert out.page_setup.orientation == "portrait"  # 62.5 units fit A4 portrait
    assert out["B2"].number_format == "0" and out["B3"].number_format == "0"
    assert out["C2"].alignment.wrap_text


@pytest.mark.django_db
def test_the_plan_export_prints_on_one_landscape_page_width(login, bureau):
    content = login(bureau).get("/plan/?export=xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "北碚区高科双企目标任务分解表"  # not "Export Data"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1" and sheet["A1"].font.bold
    numbers = {c.number_format for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, int)}
    assert numbers == {"0"}
    assert sheet.cell(sheet.max_row, sheet.max_column).value == 5631  # the figures themselves unchanged


@pytest.mark.django_db
def test_the_count_template_writes_counts_in_the_one_format(login, bureau):
    sheet = openpyxl.load_workbook(io.BytesIO(login(bureau).get("/counts/2026-10/template.xlsx").content)).active
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$3:$3"
    assert {c.number_format for row in sheet.iter_rows(min_row=4) for c in row if isinstance(c.value, int)} <= {"0"}


def test_a_block_whose_first_rows_would_not_fit_the_page_starts_the_next():
    sheet = openpyxl.Workbook().active
    sheet.column_dimensions["A"].width = 20  # 105 pt: no shrinking to the page's width
    sheet.append(["标题"])
    sheet.row_dimensions[1].height = 24
    for row in range(2, 31):
        sheet.cell(row, 1, f"第{row}行")
        sheet.row_dimensions[row].height = 25
    print_a4(sheet, landscape=True, title_rows="1:1")
    # 595 − 2 × 0.75 × 72 = 487 pt a landscape page. Row 5: 24 + 3 × 25 = 99 used, + 5 × 25 fits.
    # Row 18: 24 + 16 × 25 = 424 used, + 125 = 549 does not: a break after row 17.
    break_before_blocks(sheet, {5, 18})
    assert [b.id for b in sheet.row_breaks.brk] == [17]


def test_a_date_in_a_workbook_stays_a_date_written_as_the_pages_write_it():
    import datetime as dt

    from beibei_dashboard.office import DATE_FORMAT, MOMENT_FORMAT, number_format

    assert number_format(dt.date(2026, 11, 15)) == DATE_FORMAT == 'yyyy"年"m"月"d"日"'
    assert number_format(dt.datetime(2026, 11, 15)) == DATE_FORMAT  # a date that tablib made a datetime
    assert number_format(dt.datetime(2026, 11, 15, 14, 30)) == MOMENT_FORMAT
    assert number_format("2026-11-15") is None
