"""Demo data a bureau would recognise (issue 28): whole platforms and firms, task values that
differ, the year's assessment scheme set up and reporting that makes its scores spread."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from assessment import figures, services
from assessment.models import AssessmentResult, AssessmentScheme
from demo.reports import COUNT_UNITS, demo_target_value
from demo.services import clear_demo, seed_demo
from targets.models import IndicatorValue
from targets.months import Month
from tasks.models import KeyTask, TaskContribution, TaskReport, TaskTargetValue
from tasks.status import task_status_rows
from tests.support import SHANGHAI

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 8, 10, tzinfo=SHANGHAI)


@pytest.fixture
def seeded(map_2025_11):
    with time_machine.travel(TODAY, tick=False):
        seed_demo()
        yield


def test_target_values_by_hand():
    """November 2026 is month 47 of the 60 from 2023-01 to 2027-12."""
    platforms = SimpleNamespace(value=Decimal(18), baseline=Decimal(0), unit="个", position=1)
    # task 6 runs at 1.06, this target 3 points faster: 18 × 47/60 × 1.09 = 15.369 → 15 platforms
    assert demo_target_value(platforms, 6, Month(2026, 11)) == Decimal(15)
    output = SimpleNamespace(value=Decimal(300), baseline=Decimal(0), unit="亿元", position=2)
    # task 7 at 0.93, this target 2 points slower: 300 × 47/60 × 0.91 = 213.85 亿元
    assert demo_target_value(output, 7, Month(2026, 11)) == Decimal("213.85")
    firms = SimpleNamespace(value=Decimal(50), baseline=Decimal(0), unit="家", position=1)
    # task 9 lags at 0.66 + 0.03: 50 × 12/60 × 0.69 = 6.9 → 7 firms at the end of 2023; never above the target
    assert demo_target_value(firms, 9, Month(2023, 12)) == Decimal(7)
    assert demo_target_value(platforms, 8, Month(2027, 12)) == Decimal(18)


def test_things_counted_are_whole_and_tasks_move_at_different_paces(seeded):
    values = TaskTargetValue.objects.select_related("target")
    counted = [v.value for v in values if v.target.unit in COUNT_UNITS]
    assert counted and all(v == v.to_integral_value() for v in counted)
    with time_machine.travel(TODAY, tick=False):
        rows = task_status_rows(KeyTask.objects.all())
    judged = [t for row in rows for t in row.targets if t.latest is not None]
    percents = [t.percent for t in judged]
    assert len(judged) == 16  # every quantitative target has a value, from the reports or the registry
    assert len(set(percents)) >= 12, percents  # not every target at one share
    assert min(percents) < 60 < 80 < max(percents)
    assert {t.status for t in judged} >= {"green", "yellow", "red"}  # some ahead, some behind
    ipo = next(t for t in judged if t.target.registry_code == "ipo_reserve")
    assert ipo.latest > 0  # the registry's 拟上市储备库 firms are read (not 0 of 12)
    # the two lead units late with their last reports are overdue, no other
    assert sorted(row.task.number for row in rows if row.assessment.overdue) == [3, 17]


def test_every_year_begun_has_a_scheme_of_version_1(seeded):
    schemes = AssessmentScheme.objects.order_by("year")
    assert [(s.year, s.version) for s in schemes] == [(2023, 1), (2024, 1), (2025, 1), (2026, 1)]
    assert schemes.get(year=2026).updated_at.date() == dt.date(2026, 1, 15)


def test_the_years_over_have_their_result_published_and_officials_read_theirs(seeded, client):
    results = AssessmentResult.objects.order_by("year")
    assert [(r.year, r.number, r.published_at.date()) for r in results] == [
        (2023, 1, dt.date(2024, 2, 20)),
        (2024, 1, dt.date(2025, 2, 20)),
        (2025, 1, dt.date(2026, 2, 20)),
    ]
    assert [(r.figures["counts_month"], r.figures["reports_month"]) for r in results][-1] == (
        "2025年12月",
        "2025年12月",
    )
    with time_machine.travel(TODAY, tick=False):
        client.post("/accounts/login/", {"username": "tiansheng", "password": "beibei-demo-2027"})
        page = client.get("/assessment/2025/").content.decode()
    tiansheng = next(row for rows in results.last().figures["subdistricts"].values() for row in rows
                     if row["slug"] == "tiansheng")  # fmt: skip
    assert "尚未发布" not in page and "天生街道" in page and f"{tiansheng['total']:g}" in page
    assert "朝阳街道" not in page


def test_the_years_scores_spread_as_a_districts_would(seeded, client):
    with time_machine.travel(TODAY, tick=False):
        data = figures.results(services.scheme_for(2026))
        client.post("/accounts/login/", {"username": "bureau", "password": "beibei-demo-2027"})
        page = client.get("/assessment/2026/").content.decode()
    assert data["scheme_version"] == 1 and "考核方案第1版" in page and "第0版" not in page
    assert data["reports_month"] == "2026年10月"  # January–October: 10 months
    units = {row["name"]: row for row in data["units"]}
    totals = [row["total"] for row in units.values()]
    assert min(totals) >= 50 and max(totals) == 100 and len(set(totals)) >= 8

    def rate(row, code):
        return next(i["rate"] for i in row["items"] if i["code"] == code)

    leads = [row for row in units.values() if any(i["code"] == "report_timeliness" for i in row["items"])]
    timeliness = [rate(row, "report_timeliness") for row in leads]
    assert all(t > 0 for t in timeliness) and min(timeliness) < 80 and max(timeliness) > 90
    # 区招商投资促进局 leads task 3 only, often late, and has not reported October
    assert rate(units["区招商投资促进局"], "report_coverage") < 100
    subs = [row for rows in data["subdistricts"].values() for row in rows] + data["pending"]
    participation = [rate(row, "participation") for row in subs]
    assert len(subs) == 17 and all(p > 50 for p in participation) and len(set(participation)) > 3


def test_reports_are_backdated_and_mostly_on_time(seeded):
    reports = TaskReport.objects.filter(period__startswith="2026")
    assert reports.filter(submitted_at__gt=TODAY).count() == 0
    assert TaskReport.objects.filter(period="2023-01").count() >= 17  # the plan's first month too
    on_time = [r for r in reports if r.submitted_at.date() <= (Month.parse(r.period).next().date.replace(day=10))]
    assert 0.8 < len(on_time) / reports.count() < 0.98
    contribution = TaskContribution.objects.filter(period="2026-10", subdistrict__slug="dawan").first()
    assert contribution is not None
    # the history says when and by whom each was filed, not when the demo was loaded
    report = reports.filter(task__number=6, period="2026-03").get()
    value = report.values.first()
    for row, history in ((report, report.history.get()), (contribution, contribution.history.get())):
        assert (history.history_date, history.history_user) == (row.submitted_at, row.submitted_by)
    assert value.history.get().history_date == report.submitted_at
    assert report.submitted_by.username == "kejiju"  # task 6 is led by 区科技局 and 区发展改革委


def test_the_bureaus_annual_indicators_are_recorded(seeded, client):
    values = IndicatorValue.objects.filter(indicator__code="rd_spending_share").order_by("month")
    assert [(v.month, v.value) for v in values] == [
        (dt.date(2023, 12, 1), Decimal("3.12")),
        (dt.date(2024, 12, 1), Decimal("3.35")),
        (dt.date(2025, 12, 1), Decimal("3.52")),
    ]
    assert IndicatorValue.objects.get(indicator__code="rd_spending_rank", month=dt.date(2025, 12, 1)).note == (
        "（演示）市统计局研发经费投入统计公报：全市第2位"
    )
    with time_machine.travel(TODAY, tick=False):
        client.post("/accounts/login/", {"username": "leader", "password": "beibei-demo-2027"})
        page = client.get("/indicators/").content.decode()
    assert "暂无完整数据" not in page and "37.9" in page


def test_seeding_twice_adds_nothing_and_clear_removes_it(seeded):
    models = (TaskReport, TaskContribution, AssessmentScheme, AssessmentResult, IndicatorValue)
    counts = [model.objects.count() for model in models]
    with time_machine.travel(TODAY, tick=False):
        seed_demo()
    assert [model.objects.count() for model in models] == counts
    clear_demo()
    assert not any(model.objects.exists() for model in models)
