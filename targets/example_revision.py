"""The example revision file (fixtures/example-revision.xlsx), built from the shipped data so
that a newcomer can try the revision import: the 12 units that continue after the change of
November 2025 with their figures of 46号, and the five towns that joined with the illustrative
(演示) figures of fixtures/demo-new-towns.json, as an office would type the attachment in Excel
(merged 类型 cells, a merged header over three rows, a 合计 row). It is an example, not an
official document, and says so in its title row. Rebuild it with
`python manage.py build_example_revision`.
"""

import io
import json
from pathlib import Path

import openpyxl
from django.conf import settings
from openpyxl.styles import Alignment, Font

from .choices import PLAN_YEARS, Metric

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
EXAMPLE_PATH = FIXTURES / "example-revision.xlsx"
TITLE = "示例修订（演示用，非正式文件）：高新技术企业和科技型企业培育目标任务分解表"
SHEET = "示例修订"
METRICS = (Metric.HIGH_TECH, Metric.TECH_BASED)


def _by_year(figures):
    return {metric: {int(year): value for year, value in figures[metric].items()} for metric in Metric.values}


def example_lines():
    """[(category, seq, name, {metric: {year: value}})] of the example, A then B."""
    plan = json.loads((FIXTURES / "plan.json").read_text(encoding="utf-8"))
    change = json.loads((FIXTURES / "boundary-2025-11.json").read_text(encoding="utf-8"))
    towns = json.loads((FIXTURES / "demo-new-towns.json").read_text(encoding="utf-8"))["towns"]
    gone = {row["slug"] for row in change["left"]}
    lines = {"A": [], "B": []}
    for row in sorted(plan["subdistricts"], key=lambda r: (r["category"], r["seq"])):
        if row["slug"] not in gone:
            lines[row["category"]].append(
                (row["name"], {m: {int(y): v for y, v in row[m].items()} for m in Metric.values})
            )
    for row in change["joined"]:  # the new towns are small rural towns: class B
        figures = towns[row["slug"]]
        lines["B"].append((row["name"], _by_year(figures)))
    return [(cat, seq, name, figs) for cat in ("A", "B") for seq, (name, figs) in enumerate(lines[cat], start=1)]


def build_example():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    width = 3 + 7 * len(METRICS)
    ws.cell(1, 1, TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for column, text in enumerate(("类型", "序号", "街镇"), start=1):
        ws.cell(2, column, text)
        ws.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)
    for index, metric in enumerate(METRICS):
        first = 4 + 7 * index
        ws.cell(2, first, metric.label)
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 6)
        ws.cell(3, first, "2022年实际数")
        ws.merge_cells(start_row=3, start_column=first, end_row=4, end_column=first)
        ws.cell(3, first + 1, "2027年目标数")
        ws.merge_cells(start_row=3, start_column=first + 1, end_row=4, end_column=first + 1)
        ws.cell(3, first + 2, "年度")
        ws.merge_cells(start_row=3, start_column=first + 2, end_row=3, end_column=first + 6)
        for offset, year in enumerate(PLAN_YEARS):
            ws.cell(4, first + 2 + offset, f"{year}年目标数")
    lines = example_lines()
    row = 5
    for category in ("A", "B"):
        own = [line for line in lines if line[0] == category]
        ws.cell(row, 1, f"{category}类镇街")
        ws.merge_cells(start_row=row, start_column=1, end_row=row + len(own) - 1, end_column=1)
        for _, seq, name, figures in own:
            ws.cell(row, 2, seq)
            ws.cell(row, 3, name)
            for index, metric in enumerate(METRICS):
                years = [2022, 2027, *PLAN_YEARS]
                for offset, year in enumerate(years):
                    ws.cell(row, 4 + 7 * index + offset, figures[metric.value][year])
            row += 1
    ws.cell(row, 1, "合计")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    for index, metric in enumerate(METRICS):
        for offset, year in enumerate([2022, 2027, *PLAN_YEARS]):
            ws.cell(row, 4 + 7 * index + offset, sum(line[3][metric.value][year] for line in lines))
    for cells in ws.iter_rows(min_row=2, max_row=row):
        for cell in cells:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.column_dimensions["C"].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
