"""Spreadsheets the bureau downloads: rows first, then the xlsx."""

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from beibei_dashboard.office import BOX, HEAD_FILL, append_rows, format_numbers, print_a4, saved_bytes

from .choices import Metric

INPUT_FILL = PatternFill("solid", fgColor="FFF9E6")


def template_rows(plan):
    """One row per sub-district: name, this month's stored values, last logged values, and each
    metric's note (one column per metric, so that a note is read for its own count only)."""
    by_sub = {}
    for cell in plan.cells:
        by_sub.setdefault(cell.subdistrict, {})[cell.metric] = cell
    for sub, cells in by_sub.items():
        ht, tb = cells[Metric.HIGH_TECH], cells[Metric.TECH_BASED]
        yield [
            sub.get_category_display(),
            sub.seq,
            sub.name,
            ht.old,
            tb.old,
            ht.previous,
            tb.previous,
            ht.note,
            tb.note,
        ]


TEMPLATE_HEADERS = [
    "类型",
    "序号",
    "街镇",
    "高新技术企业",
    "科技型企业",
    "上月高新技术企业",
    "上月科技型企业",
    "高新技术企业备注",
    "科技型企业备注",
]


def count_template(plan):
    """The month's import template as xlsx bytes, with number validation on the input cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "月度数据"
    month = plan.month
    ws["A1"] = f"北碚区“高科双企”月度数据填报表（{month.label}）"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_HEADERS))
    ws["A2"] = (
        "填写各街镇月末存量（家），整数；“上月”两列仅供参考，导入时不读取。"
        "较上月下降或增长超过20%须在该指标的备注中说明；数值未变的，备注不导入。"
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(TEMPLATE_HEADERS))
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[2].height = 32
    ws.append(TEMPLATE_HEADERS)
    for cell in ws[3]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center")
    rows = list(template_rows(plan))
    append_rows(ws, rows)
    last = 3 + len(rows)
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(settings.MAX_PLAUSIBLE_COUNT),
        showErrorMessage=True,
        errorTitle="数值无效",
        error=f"请填写 0 到 {settings.MAX_PLAUSIBLE_COUNT} 之间的整数。",
    )
    ws.add_data_validation(validation)
    validation.add(f"D4:E{last}")
    for row in ws.iter_rows(min_row=4, max_row=last):
        for cell in row:
            cell.border = BOX
        row[3].fill = row[4].fill = INPUT_FILL
    for letter, width in zip("ABCDEFGHI", [10, 6, 14, 14, 14, 18, 18, 30, 30], strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "D4"
    format_numbers(ws)
    print_a4(ws, title_rows="3:3")
    return saved_bytes(wb)
