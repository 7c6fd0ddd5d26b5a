"""Issue 28 on a 390 px phone: the key pages of every kind of user fit the screen (a wide table
scrolls inside itself or becomes cards), the task list reads across, and no chart's labels run
into each other or out of their chart. The same pages at 1440 px keep their tables.
Screenshots go to tests/screenshots/.
"""

import pytest

from demo.services import seed_demo
from targets.progress import default_month
from tasks.plan import load_plan
from tests.browser.test_first_look import DESKTOP, PHONE, charts_unclipped, no_horizontal_overflow
from tests.support import charts_drawn, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    load_plan()
    seed_demo()
    return default_month()


def labels_apart(page):
    """No two axis labels or bar texts of one chart overlap."""
    overlaps = page.evaluate(
        """() => {
            const out = [];
            document.querySelectorAll('[data-chart]').forEach(chart => {
                const boxes = [...chart.querySelectorAll('.xtick text, .ytick text, g.bars text')]
                    .filter(t => t.textContent.trim())
                    .map(t => [t.textContent, t.getBoundingClientRect()])
                    .filter(([, r]) => r.width > 0);
                boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
                    const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
                    const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
                    if (x > 1 && y > 1) out.push(chart.id + ': "' + a + '" over "' + b + '"');
                }));
            });
            return out;
        }"""
    )
    assert overlaps == []


def test_key_pages_fit_a_phone(demo, watched):
    page = watched.page
    page.set_viewport_size(PHONE)
    pages = {
        "leader": ["/", "/tasks/", f"/bulletin/{demo}/", "/enterprises/", "/warnings/", "/warnings/accuracy/"],
        "tiansheng": ["/subdistricts/tiansheng/", "/tasks/overdue/", "/enterprises/check/"],
        "kejiju": ["/plan/", "/assessment/"],
    }
    for username, paths in pages.items():
        log_in(watched, username)
        for path in paths:
            watched.goto(path)
            if page.locator("[data-chart]").count():
                charts_drawn(watched, 1)
                charts_unclipped(page)
                labels_apart(page)
            no_horizontal_overflow(page)
            watched.screenshot(f"phone-{username}{path.replace('/', '-').rstrip('-')}")
        page.context.clear_cookies()
    watched.assert_clean()


def test_task_list_reads_across_on_a_phone_and_stays_a_table_on_a_desktop(demo, watched):
    page = watched.page
    page.set_viewport_size(PHONE)
    log_in(watched, "leader")
    watched.goto("/tasks/")
    charts_drawn(watched, 1)
    title = page.locator("table.task-table td[data-label='任务']").first
    # a card: the task's name beside its label on one line, most of the screen wide
    assert title.bounding_box()["width"] >= 300
    assert title.bounding_box()["height"] < 60, title.inner_text()
    assert not page.locator("table.task-table thead").first.is_visible()
    labels_apart(page)
    no_horizontal_overflow(page)
    page.set_viewport_size(DESKTOP)
    page.reload()
    charts_drawn(watched, 1)
    assert page.locator("table.task-table thead").first.is_visible()
    no_horizontal_overflow(page)
    watched.screenshot("tasks-1440")
    watched.assert_clean()
