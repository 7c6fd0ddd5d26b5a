"""The pages as a browser shows them: login, the charts drawn, the print view, the count grid.

live_server empties the database after each test, so each test loads the plan and the demo
data itself (`demo`). Screenshots go to tests/screenshots/ (git-ignored).
"""

import pytest

from demo.services import seed_demo
from targets.months import Month
from targets.progress import latest_logged_month
from tasks.plan import load_plan
from tests.support import charts_drawn, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    load_plan()
    seed_demo()
    return latest_logged_month()


def test_login_dashboard_and_subdistrict_page(demo, watched):
    log_in(watched, "leader")
    assert watched.page.url.rstrip("/") == watched.base_url  # leadership starts on the dashboard
    charts_drawn(watched, 2)
    watched.screenshot("dashboard")
    watched.goto("/subdistricts/tiansheng/")
    charts_drawn(watched, 2)
    assert "天生街道" in watched.page.inner_text("h1")
    watched.screenshot("subdistrict-tiansheng")
    watched.assert_clean()


def test_task_indicator_and_registry_charts(demo, watched):
    """Drawn from JSON like the others (they were inline scripts, which the policy blocks)."""
    log_in(watched, "leader")
    for path, at_least in [("/tasks/", 1), ("/indicators/", 1), ("/enterprises/profile/", 2)]:
        watched.goto(path)
        charts_drawn(watched, at_least)
    watched.screenshot("enterprise-profile")
    watched.assert_clean()


def test_official_lands_on_their_own_page(demo, watched):
    log_in(watched, "tiansheng")
    assert watched.page.url.endswith("/subdistricts/tiansheng/")
    charts_drawn(watched, 2)
    watched.assert_clean()


def test_bulletin_and_its_print_view(demo, watched, tmp_path):
    log_in(watched, "leader")
    watched.goto(f"/bulletin/{demo}/")
    page = watched.page
    charts_drawn(watched, 1)
    watched.screenshot("bulletin")
    page.emulate_media(media="print")
    assert page.locator("[data-drawn='1'] svg.main-svg").first.is_visible()
    watched.screenshot("bulletin-print")
    pdf = tmp_path / "bulletin.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 20_000
    watched.assert_clean()


def test_count_grid_takes_a_block_pasted_from_a_spreadsheet(demo, watched):
    log_in(watched, "bureau")
    watched.goto(f"/counts/{Month.current().previous()}/")
    page = watched.page
    filled = page.evaluate(
        """() => {
            const inputs = [...document.querySelectorAll('#count-grid td.input input[type=text]')];
            const data = new DataTransfer();
            data.setData('text/plain', '天生街道\\t321\\t4321\\n朝阳街道\\t12\\t345\\n');
            inputs[0].dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
            return inputs.slice(0, 5).map(input => input.value);
        }"""
    )
    assert filled[:4] == ["321", "4321", "12", "345"]
    watched.screenshot("count-grid-pasted")
    watched.assert_clean()


def test_plan_revision_preview_and_the_plan_after_it(demo, watched):
    from targets.example_revision import EXAMPLE_PATH

    log_in(watched, "bureau")
    watched.goto("/plan/revisions/import/")
    page = watched.page
    page.set_input_files("input[name=file]", str(EXAMPLE_PATH))
    page.fill("input[name=number]", "北碚示例〔2025〕1号")
    page.fill("input[name=issued]", "2025-12-20")
    page.select_option("select[name=effective]", "2026-01")
    page.check("input[name=is_example]")
    # the demo has published the bulletins of 2026: a revision that judges them afresh says why
    page.fill("textarea[name=reason]", "区划调整后重新分解目标（示例）")
    page.click("button.primary:has-text('上传并预览')")
    page.wait_for_load_state()
    assert "核对方案修订" in page.inner_text("h1"), page.content()
    assert "大湾镇" in page.inner_text(".revision-effect")
    watched.screenshot("plan-revision-preview")
    page.click("button.primary:has-text('确认导入')")
    page.wait_for_load_state()
    assert "/plan/?month=2026-01" in page.url
    assert "北碚示例〔2025〕1号（示例，非正式文件）" in page.inner_text(".plan-version")
    watched.screenshot("plan-after-revision")
    watched.assert_clean()


def test_a_form_sent_twice_in_a_hurry_saves_once(demo, watched):
    """A second click on 保存 while the first POST is on its way (a slow intranet) is ignored
    (static/js/forms.js): the page's second and third submit events are cancelled, and a real
    send saves one visit."""
    from enterprises.models import Enterprise
    from outreach.models import Visit

    firm = Enterprise.objects.filter(subdistrict__slug="tiansheng").order_by("pk").first()
    before = Visit.objects.filter(enterprise=firm).count()
    log_in(watched, "tiansheng")
    page = watched.page
    page.goto(f"{watched.base_url}/outreach/firms/{firm.pk}/visits/new/")
    page.fill("input[name=visitors]", "王明")
    page.fill("textarea[name=findings]", "企业反映研发场地紧张")
    # a listener after the page's own records whether the guard had cancelled each send, and
    # keeps the page here (no navigation) so that three sends can be tried
    cancelled = page.evaluate(
        """() => {
            const form = document.querySelector('main form[method=post]');
            const seen = [];
            const hold = (event) => { seen.push(event.defaultPrevented); event.preventDefault(); };
            form.addEventListener('submit', hold);
            form.requestSubmit(); form.requestSubmit(); form.requestSubmit();
            form.removeEventListener('submit', hold);
            form.removeAttribute('data-sending');
            return seen;
        }"""
    )
    assert cancelled == [False, True, True]
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"**/outreach/firms/{firm.pk}/")
    assert Visit.objects.filter(enterprise=firm).count() == before + 1
    watched.assert_clean()
