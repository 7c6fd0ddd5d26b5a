"""One district per deployment (`DISTRICT_SLUG`): other districts' rows in the same database
never reach a query of the application, whichever model it starts from."""

import datetime as dt

import pytest
from django.core.management import call_command

from enterprises.importers import ImportRefused, run_import
from enterprises.models import Enterprise, HighTechRecognition
from targets.api import plan_rows_and_totals
from targets.models import MonthlyCount, PlanFigure, SubDistrict
from tests.support import OTHER_DISTRICTS, code, make_other_districts, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 15, 10, tzinfo=dt.UTC), tick=False)
    return make_other_districts()


def test_every_default_manager_and_history_sees_the_deployments_district_only(others):
    assert SubDistrict.objects.count() == 17 and SubDistrict._base_manager.count() == 17 + 6
    assert set(SubDistrict.objects.values_list("district__slug", flat=True)) == {"beibei"}
    assert PlanFigure.objects.count() == 17 * 2 * 6
    assert not MonthlyCount.objects.exists() and MonthlyCount._base_manager.count() == 6 * 2 * 10
    assert not MonthlyCount.history.exists()
    assert not Enterprise.objects.exists() and not Enterprise.history.exists()
    assert not HighTechRecognition.objects.exists() and not HighTechRecognition.history.exists()
    # Reverse relations use the scoped manager too; following a foreign key still works.
    other = MonthlyCount._base_manager.first()
    assert other.subdistrict.district.slug in {slug for _, slug in OTHER_DISTRICTS}


def test_another_deployment_sees_its_own_district(others, settings):
    settings.DISTRICT_SLUG = "leak-yi"
    assert list(SubDistrict.objects.values_list("slug", flat=True)) == ["leak-yi-01", "leak-yi-02"]
    assert MonthlyCount.objects.count() == 2 * 2 * 10
    assert Enterprise.objects.count() == 2


def test_switching_deployments_back_and_forth_keeps_each_ones_rows(others, settings):
    """The district's subqueries are built once per district and process, never reused for another."""
    for slug, expected in (("leak-yi", 2), ("beibei", 17), ("leak-yi", 2), ("beibei", 17)):
        settings.DISTRICT_SLUG = slug
        assert SubDistrict.objects.count() == expected
        assert PlanFigure.objects.count() == expected * 2 * 6
        assert {c.subdistrict.district.slug for c in MonthlyCount.objects.select_related("subdistrict__district")} <= {
            slug
        }


def test_the_dashboard_names_its_own_districts_number_of_sub_districts(others, settings, login, leader):
    settings.DISTRICT_SLUG = "leak-yi"
    html = login(leader).get("/?month=2026-10").content.decode()
    assert "高新技术企业：2个街镇（滞后在前）" in html and "17个街镇" not in html


def test_plan_totals_are_beibeis(others, bureau):
    """The plan's 合计 for 2027 is the attachment's 573 high-tech firms, not the city's."""
    rows, totals = plan_rows_and_totals(bureau)
    assert len(rows) == 17
    assert totals["high_tech"][2027] == 573


def test_enterprise_import_matches_names_within_the_district(others):
    """Another district has a 天生街道 too: the firm goes to Beibei's."""
    run_import(xlsx([("重庆天生传感技术有限公司", code(1), "天生街道", "", 2024)]), "firms.xlsx")
    assert Enterprise.objects.get().subdistrict.slug == "tiansheng"


def test_enterprise_import_refuses_another_districts_credit_code_and_writes_nothing(others):
    taken = Enterprise._base_manager.order_by("pk").first()
    before = (taken.name, taken.subdistrict_id)
    rows = [
        ("重庆天生传感技术有限公司", code(1), "天生街道", "", 2024),
        ("冒名企业", taken.credit_code, "水土街道", "", 2024),
    ]
    with pytest.raises(ImportRefused) as info:
        run_import(xlsx(rows), "firms.xlsx")
    assert [str(p) for p in info.value.problems] == [
        f"工作表“企业名录”第3行B（统一社会信用代码）列：统一社会信用代码“{taken.credit_code}”"
        "已登记在其他区县的企业名录中，不能导入本区"
    ]
    taken.refresh_from_db()
    assert (taken.name, taken.subdistrict_id) == before
    assert not Enterprise.objects.exists()


def test_create_account_cannot_bind_an_official_to_another_district(others):
    with pytest.raises(Exception, match="leak-jia-01"):
        call_command("create_account", "intruder", "--role", "subdistrict", "--subdistrict", "leak-jia-01")
