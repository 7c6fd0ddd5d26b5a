"""Issue 15 as a new user meets it in Chromium: the leader's first screen at 1440×900 and on a
phone, one click from a red cell to the reasons, the official's phone page, the bulletin in grey
print, and every download under its Chinese name. Screenshots go to tests/screenshots/.
"""

import pytest

from demo.services import seed_demo
from targets import metrics
from targets.months import Month
from targets.progress import default_month, district_progress
from tasks.plan import load_plan
from tests.support import SCREENSHOTS, charts_drawn, log_in

pytestmark = pytest.mark.browser

DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
LAGGING = (metrics.STATUS_RED, metrics.STATUS_YELLOW)


@pytest.fixture
def demo(transactional_db):
    load_plan()
    seed_demo()
    return default_month()


def no_horizontal_overflow(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: the page is {width[0]} px wide in a {width[1]} px window"


def in_first_viewport(page, locator):
    height = page.viewport_size["height"]
    page.evaluate("window.scrollTo(0, 0)")
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
            locator.nth(i).inner_text(),
            box,
        )


def first_screen(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def lagging_names(month):
    """{(metric, status): {names}} from the data, not from the page."""
    out = {}
    for row in district_progress(month).rows:
        for metric, m in row.metrics.items():
            if m.status in LAGGING:
                out.setdefault((metric, m.status), set()).add(row.subdistrict.name)
    return out


def charts_unclipped(page):
    """No chart text outside its chart's box, and no rotated axis labels."""
    problems = page.evaluate(
        """() => {
            const out = [];
            document.querySelectorAll('[data-chart]').forEach(chart => {
                const box = chart.getBoundingClientRect();
                chart.querySelectorAll('svg text').forEach(t => {
                    const r = t.getBoundingClientRect();
                    if (!t.textContent.trim() || r.width === 0) return;
                    if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                        out.push(chart.id + ': "' + t.textContent + '" outside its chart');
                });
                chart.querySelectorAll('.xtick text, .ytick text').forEach(t => {
                    if ((t.getAttribute('transform') || '').includes('rotate')) out.push(chart.id + ': rotated "' + t.textContent + '"');
                });
            });
            return out;
        }"""
    )
    assert problems == []


def test_leader_sees_who_lags_at_once_and_gets_from_red_to_reasons(demo, watched):
    page = watched.page
    page.set_viewport_size(DESKTOP)
    log_in(watched, "leader")
    expected = lagging_names(demo)
    assert any(status == metrics.STATUS_RED for _, status in expected)  # the demo has someone lagging
    for (metric, status), names in expected.items():
        cells = page.locator(f"#league-{metric} tr.status-{status}")
        assert {cells.nth(i).locator("td.name a").inner_text() for i in range(cells.count())} == names
        assert set(cells.locator("a.badge").all_inner_texts()) == {metrics.STATUS_LABELS[status]}
        in_first_viewport(page, cells)
    in_first_viewport(page, page.locator("#standing-high_tech .big, #standing-tech_based .big"))
    no_horizontal_overflow(page)
    first_screen(page, "dashboard-1440x900")

    page.set_viewport_size(PHONE)
    page.reload()
    attention = page.locator("p.attention a")
    assert set(attention.all_inner_texts()) == set().union(*expected.values())
    in_first_viewport(page, attention)
    no_horizontal_overflow(page)
    first_screen(page, "dashboard-390")

    # one click from a red cell to the rank history, one more to the month's breakdown
    page.set_viewport_size(DESKTOP)
    page.reload()
    red = page.locator("#league-high_tech tr.status-red").first
    name = red.locator("td.name a").inner_text()
    red.locator("a.badge").click()
    page.wait_for_load_state()
    assert name in page.inner_text("h1")
    charts_drawn(watched, 4)
    assert page.locator("#rank-high_tech-history .chart-reading").inner_text().startswith("高新技术企业：")
    page.locator("a", has_text="变化明细（新认定").click()
    page.wait_for_load_state()
    assert f"{name} {demo.label}变化明细" in page.inner_text("h1")
    assert page.locator("table.change-breakdown").count() == 2
    watched.assert_clean()


def test_official_phone_page(demo, watched):
    page = watched.page
    page.set_viewport_size(PHONE)
    log_in(watched, "tiansheng")
    assert page.url.endswith("/subdistricts/tiansheng/")
    charts_drawn(watched, 4)
    header = page.locator("header.site").bounding_box()
    assert header["height"] <= 60  # a compact header, not a fifth of the screen
    in_first_viewport(page, page.locator(".headline-kpis .kpi").first.locator(".badge, .big"))
    charts_unclipped(page)
    no_horizontal_overflow(page)
    watched.screenshot("subdistrict-tiansheng-390")
    assert page.locator("table.recent-months tbody tr").count() == 6
    page.locator("details.more-months summary").click()
    assert page.locator("details.more-months table.month-table tbody tr").count() > 6
    page.locator("header.site .nav-narrow summary").click()
    assert page.locator("header.site .nav-narrow nav a", has_text="月通报").is_visible()
    no_horizontal_overflow(page)
    assert page.locator("ul.change-cards li").count() >= 1
    page.set_viewport_size(DESKTOP)
    page.reload()
    charts_drawn(watched, 4)
    charts_unclipped(page)
    no_horizontal_overflow(page)
    watched.screenshot("subdistrict-tiansheng-1440")
    watched.assert_clean()


def test_bulletin_charts_read_in_grey_print(demo, watched):
    page = watched.page
    log_in(watched, "leader")
    watched.goto(f"/bulletin/{demo}/")
    charts_drawn(watched, 2)
    charts_unclipped(page)
    page.emulate_media(media="print")
    page.add_style_tag(content="html { filter: grayscale(1); }")
    page.evaluate("document.querySelectorAll('[data-drawn]').forEach(el => window.Plotly.Plots.resize(el))")
    for metric in ("high_tech", "tech_based"):
        chart = page.locator(f"#chart-{metric}")
        assert chart.bounding_box()["height"] >= 24 * 17  # one readable row a sub-district
        # statuses apart without colour: a pattern per status and the status word on each bar
        assert chart.locator("pattern").count() >= 2
        words = " ".join(chart.locator("g.bars text").all_text_contents())
        assert "滞后" in words and "已完成年度目标" in words
    watched.screenshot("bulletin-grey-print")
    page.locator("#chart-tech_based").screenshot(path=str(SCREENSHOTS / "bulletin-chart-grey.png"))
    watched.assert_clean()


def test_every_download_keeps_its_chinese_name(demo, watched):
    page = watched.page
    log_in(watched, "bureau")
    month = demo
    downloads = [
        (f"/subdistricts/tiansheng/?month={month}&export=xlsx", "天生街道月度数据.xlsx"),
        ("/plan/?export=xlsx", "北碚区高科双企目标任务分解表.xlsx"),
        ("/tasks/?export=xlsx", "重点任务推进情况.xlsx"),
        ("/tasks/overdue/?export=xlsx", "重点任务逾期督办清单.xlsx"),
        ("/enterprises/?export=xlsx", "企业名录.xlsx"),
        (f"/counts/{month}/template.xlsx", f"高科双企月度数据_{month}.xlsx"),
        (f"/bulletin/{month}.xlsx", f"北碚区高科双企月通报{month}.xlsx"),
        (f"/bulletin/{month}.docx", f"北碚区高科双企月通报{month}.docx"),
        (f"/bulletin/{Month.current()}.xlsx", f"北碚区高科双企月通报{Month.current()}（草稿）.xlsx"),
    ]
    watched.goto("/plan/")
    for url, name in downloads:
        assert watched.errors == [], (url, watched.errors)
        with page.expect_download(timeout=90_000) as info:  # the registry has ~5,500 firms
            page.evaluate(
                "url => { const a = document.createElement('a'); a.href = url; document.body.append(a); a.click(); a.remove(); }",
                url,
            )
        assert info.value.suggested_filename == name, url
    watched.assert_clean()
