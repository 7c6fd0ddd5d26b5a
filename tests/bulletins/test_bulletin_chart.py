"""The bulletin's bar chart of 新增完成率 (on the page and in the Word file)."""

from bulletins.charts import bulletin_chart


def _row(name, seq, rank, rate, status, label):
    return {"name": name, "seq": seq, "rank_overall": rank, "increment_completion_pct": rate,
            "completion_pct": 90.0, "status": status, "status_label": label}  # fmt: skip


def test_a_bar_below_zero_carries_its_words_right_of_the_zero_line():
    rows = [
        _row("天生街道", 1, 1, 100.0, "done", "已完成年度目标"),
        _row("水土街道", 2, 2, 50.0, "red", "滞后"),
        _row("童家溪镇", 3, 3, -33.3, "red", "滞后"),
        _row("金刀峡镇", 4, None, None, "missing", "未填报"),
    ]
    figures = {"time_progress_pct": 83.3, "metrics": {"high_tech": {"classes": {"A": {"rows": rows}}}}}
    figure = bulletin_chart(figures, "high_tech")
    (bars,) = figure["data"]
    assert bars["y"] == ["天生街道", "水土街道", "童家溪镇", "金刀峡镇"]
    assert bars["text"] == ["100.0%　已完成年度目标", "50.0%　滞后", "", "未填报"]
    (below,) = [a for a in figure["layout"]["annotations"] if a.get("yref") == "y"]
    assert (below["x"], below["y"], below["xanchor"], below["text"]) == (0, "童家溪镇", "left", "-33.3%　滞后")
    low, high = figure["layout"]["xaxis"]["range"]
    assert low < -33.3 and high > 100


def _pages(ws):
    """[[row, ...] per printed page] of rows 3 on, as Excel and LibreOffice lay them out: rows
    1–2 repeat on every page, a row never splits, a manual break starts a page."""
    from bulletins.xlsx_export import A4_PRINTABLE_HEIGHT

    repeat = ws.row_dimensions[1].height + ws.row_dimensions[2].height
    breaks = {b.id for b in ws.row_breaks.brk}
    pages, used = [[]], repeat
    for row in range(3, ws.max_row + 1):
        height = ws.row_dimensions[row].height
        if used + height > A4_PRINTABLE_HEIGHT or (row - 1) in breaks:
            pages.append([])
            used = repeat
        pages[-1].append(row)
        used += height
    return pages


def test_a_heading_of_the_printed_text_is_never_a_pages_last_line():
    from openpyxl import Workbook

    from bulletins.xlsx_export import _flow

    ws = Workbook().active
    for row, height in ((1, 28), (2, 20), (3, 22)):
        ws.cell(row=row, column=1, value="标题")
        ws.row_dimensions[row].height = height
    paragraph = "北碚区高新技术企业" * 29  # 261 characters: ten lines, 180 points
    items = [("一、总体进展", True), (paragraph, False), (paragraph, False), (paragraph, False),
             ("二、赛马比拼", True), (paragraph, False), ("三、进度滞后的街镇", True), ("短段落", False)]  # fmt: skip
    _flow(ws, items, repeated_rows=(1, 2))
    headings = {r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).font.b}
    assert [ws.cell(row=r, column=1).value for r in sorted(headings)] == [
        "一、总体进展",
        "二、赛马比拼",
        "三、进度滞后的街镇",
    ]
    # 二、赛马比拼 fits under the three paragraphs, its paragraph does not: both go to page 2
    assert [b.id for b in ws.row_breaks.brk] == [7]
    pages = _pages(ws)
    assert len(pages) == 2 and pages[1][0] == 8
    assert all(page[-1] not in headings for page in pages)
