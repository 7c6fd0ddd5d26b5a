"""An independent reading of the plan document, for tests that check the fixture against it."""

import re
from pathlib import Path

DOCUMENT = (
    Path(__file__).resolve().parent.parent / "fixtures" / "source" / "beibei-double-doubling-plan-2025-revision.txt"
)
YEARS = (2022, 2023, 2024, 2025, 2026, 2027)


def text():
    return DOCUMENT.read_text(encoding="utf-8")


def _attachment_cells():
    table = text().split("高新技术企业和科技型企业培育目标任务分解表")[-1]
    return [cell.strip() for cell in table.split("\n") if cell.strip()]


def _figures(numbers):
    """14 cells: per metric 2022 actual, 2027 target, then 2023..2027 targets."""
    out = {}
    for metric, chunk in (("high_tech", numbers[:7]), ("tech_based", numbers[7:])):
        assert chunk[1] == chunk[6], "the document's two 2027 columns disagree"
        out[metric] = dict(zip(YEARS, [chunk[0], *chunk[2:]], strict=True))
    return out


def attachment_rows():
    """{name: (category, seq, {metric: {year: value}})} for the 17 sub-districts."""
    cells, rows, category = _attachment_cells(), {}, None
    for i, cell in enumerate(cells):
        if cell in ("A", "B"):
            category = cell
        if re.fullmatch(r"\S+(街道|镇)", cell) and cells[i - 1].isdigit():
            rows[cell] = (category, int(cells[i - 1]), _figures([int(c) for c in cells[i + 1 : i + 15]]))
    return rows


def attachment_total():
    cells = _attachment_cells()
    i = cells.index("合计")
    return _figures([int(c) for c in cells[i + 1 : i + 15]])


def task_units():
    """{number: (lead units, responsible units)} for tasks 1–19, read from the text."""
    out = {}
    for match in re.finditer(r"^(\d+)\. .*（牵头单位：(.+?)；责任单位：(.+?)）$", text(), re.M):
        out[int(match.group(1))] = (match.group(2).split("、"), match.group(3).split("、"))
    return out


CHAPTERS = {"二": ("二、目标要求", "重点任务\n"), "三": ("重点任务\n", "四、组织实施"), "四": ("四、组织实施", None)}


def section_text(source):
    """The text of a section the fixture cites: "二（三）" (a paragraph of 二、目标要求),
    "三（三）12" (task 12 of 三、重点任务, in its group （三）), "四（二）"."""
    match = re.fullmatch(r"([二三四])(（[一二三四五六七八九]）)?(\d+)?", source)
    assert match, f"unknown section {source!r}"
    chapter, paragraph, number = match.groups()
    start, end = CHAPTERS[chapter]
    body = text().split(start, 1)[1]
    body = body.split(end, 1)[0] if end else body
    if paragraph:
        parts = re.split(r"^(?=（[一二三四五六七八九]）)", body, flags=re.M)
        body = next(p for p in parts if p.startswith(paragraph))
    if number:
        body = next(line for line in body.splitlines() if line.startswith(f"{number}. "))
    return body


def task_paragraph(number):
    """The paragraph of task `number` (1–19) of 三、重点任务."""
    return section_text(f"三{number}")
