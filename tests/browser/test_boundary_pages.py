"""Recording a change of the map as a browser shows it: the form, the preview, the list."""

import pytest

from accounts.choices import Role
from accounts.models import User
from demo.services import DEMO_PASSWORD
from targets.models import SubDistrict
from tasks.plan import load_plan
from tests.support import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(transactional_db):
    load_plan()
    User.objects.create_user(username="bureau", password=DEMO_PASSWORD, role=Role.BUREAU)


def test_a_merge_previewed_and_confirmed(plan, watched):
    page = watched.page
    log_in(watched, "bureau")
    watched.goto("/plan/changes/new/")
    page.select_option("select[name=kind]", "merge")
    for name in ("柳荫镇", "三圣镇"):
        page.check(f"input[name=units][value='{SubDistrict.objects.get(name=name).pk}']")
    page.fill("input[name=names]", "柳圣镇")
    page.fill("input[name=title]", "柳荫镇、三圣镇合并（测试）")
    page.fill("input[name=authority]", "测试文件")
    page.fill("input[name=announced]", "2026-11-10")
    page.select_option("select[name=effective]", "2027-01")
    watched.screenshot("boundary-change-form")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert "2027年1月至2027年12月各月应报街镇由 17 个变为 16 个" in page.content()
    watched.screenshot("boundary-change-preview")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert page.url.endswith("/plan/changes/")
    assert "2027年1月并入柳圣镇" in page.content()
    watched.screenshot("boundary-change-list")
    watched.assert_clean()
