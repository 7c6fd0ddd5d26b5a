"""The dashboard and sub-district pages through the test client, for every role."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.services import seed_demo_counts
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from tests.support import loads_from_outside

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def test_dashboard_for_bureau_and_leadership(login, bureau, leader):
    seed_demo_counts()
    for user in (bureau, leader):
        response = login(user).get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "全区“高科双企”双倍增进度（2026年10月）" in html  # the latest logged month
        assert "vendor/plotly-basic-4.1.1.min.js" in html and not loads_from_outside(html)
        assert 'id="chart-high_tech-data"' in html and 'id="chart-tech_based-data"' in html
        # the first screen: both metrics' league of all 17, every cell a status word linked to its page
        for metric in ("high_tech", "tech_based"):
            assert f'id="league-{metric}"' in html and f'id="standing-{metric}"' in html
        assert html.count('class="status-cell"><a class="badge status-') == 34
        assert html.count('href="/subdistricts/tiansheng/?month=2026-10"') >= 2
        assert "超过470家" in html


def test_dashboard_figures_come_from_the_data(login, leader):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    MonthlyCount.objects.create(subdistrict=tiansheng, month=Month(2026, 10).date, metric="high_tech", value=17)
    response = login(leader).get("/?month=2026-10")
    progress = response.context["progress"]
    assert progress.total["high_tech"].actual == 17
    assert progress.reported == {"high_tech": 1, "tech_based": 0}
    assert "高新技术企业 1/17 个街镇已填报" in response.content.decode()


def test_dashboard_month_selection(login, leader):
    assert login(leader).get("/?month=2025-03").context["month"] == Month(2025, 3)
    for bad in ("2026-12", "2022-12", "2025-13", "x"):
        assert login(leader).get(f"/?month={bad}").status_code == 404


def test_officials_land_on_their_own_page(client, official):
    response = client.post(
        "/accounts/login/", {"username": "tiansheng_user", "password": "a-long-test-password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/subdistricts/tiansheng/"
    assert "天生街道" in response.content.decode()


def test_another_subdistricts_page_answers_403(login, official, other_official, unit_user):
    assert login(official).get("/subdistricts/tiansheng/").status_code == 200
    assert login(official).get("/subdistricts/shuitu/").status_code == 403
    assert login(official).get("/subdistricts/shuitu/?export=xlsx").status_code == 403
    assert login(other_official).get("/subdistricts/tiansheng/").status_code == 403
    assert login(unit_user).get("/subdistricts/tiansheng/").status_code == 403
    assert login(unit_user).get("/").url.startswith("/tasks/")


def test_subdistrict_page_shows_rank_gap_pace_and_corrections(login, bureau, official):
    seed_demo_counts()
    response = login(official).get("/subdistricts/tiansheng/?month=2026-10")
    assert response.status_code == 200
    row = response.context["row"]
    ht = row.metrics["high_tech"]
    assert ht.target == 16 and ht.target_2027 == 18
    assert ht.gap_2027 == max(0, 18 - ht.actual)
    assert ht.rank_overall is not None and ht.rank_in_class is not None
    html = response.content.decode()
    assert "同类排名" in html and "每月须增" in html and "近期修改记录" in html
    assert len(response.context["table"].rows) == 46  # 2023-01 .. 2026-10


def test_subdistrict_export_has_only_that_subdistrict(login, official):
    seed_demo_counts()
    response = login(official).get("/subdistricts/tiansheng/?month=2026-10&export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("月份", "高新技术企业", "高企目标曲线")
    assert len(rows) == 1 + 46
    expected = MonthlyCount.objects.get(
        subdistrict__slug="tiansheng", metric="high_tech", month=Month(2026, 10).date
    ).value
    assert rows[1][0] == "2026-10" and rows[1][1] == expected


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/?month=2026-10", "/subdistricts/tiansheng/?month=2026-10", "/api/v1/progress?month=2026-10"]
)
def test_pages_cost_the_same_queries_with_more_months(login, leader, url):
    c = login(leader)
    for month in (Month(2026, 9), Month(2026, 10)):  # two months: the rank history ranks one from its counts
        MonthlyCount.objects.create(
            subdistrict=SubDistrict.objects.get(slug="tiansheng"), month=month.date, metric="high_tech", value=1
        )
    sparse = _queries(c, url)
    seed_demo_counts()
    assert _queries(c, url) == sparse
    # the forecast adds four (the counts of its months not yet read, the registry's version read
    # with the others, certificates, firms); the sub-district page's rank history two more (plan
    # figures, the counts of the months to rank: each month's versions come with the data's),
    # its month picker one, its own series one, and its newest changes the fingerprint of their
    # history and the changes themselves; the map of the month one more than the sub-districts
    # alone were (the units and the lines of the plan's versions)
    assert sparse <= (22 if "subdistricts" in url else 18)  # +2: the forecast reads the 认定进程


def test_pages_cost_the_same_queries_with_more_subdistricts(login, leader):
    from targets.models import District, PlanFigure, PlanLine, PlanVersion

    c = login(leader)
    seed_demo_counts()
    before = {url: _queries(c, url) for url in ("/?month=2026-10", "/api/v1/progress?month=2026-10")}
    district = District.objects.get(slug="beibei")
    extra = SubDistrict.objects.bulk_create(
        SubDistrict(district=district, name=f"测试镇{i}", slug=f"test-{i}", category="B", seq=10 + i) for i in range(30)
    )
    version = PlanVersion.objects.get()
    PlanLine.objects.bulk_create(PlanLine(version=version, subdistrict=sub, category="B", seq=sub.seq) for sub in extra)
    PlanFigure.objects.bulk_create(
        PlanFigure(version=version, subdistrict=sub, metric=metric, year=year, value=5 + year - 2022)
        for sub in extra
        for metric in ("high_tech", "tech_based")
        for year in range(2022, 2028)
    )
    seed_demo_counts()
    after = {url: _queries(c, url) for url in before}
    assert after == before
