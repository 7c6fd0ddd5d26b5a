"""Indicators from the registry as of each month's end (issue 12, item 5)."""

import datetime as dt
from fractions import Fraction

import pytest
import time_machine
from django.utils import timezone

from demo.services import seed_demo_counts, seed_demo_enterprises
from enterprises import indicators
from enterprises.models import Enterprise
from targets.goals import judge_goals
from targets.models import Indicator
from targets.months import Month
from tasks.models import KeyTask
from tasks.status import task_status_rows
from tests.support import firm

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def test_registry_values_by_hand_as_of_each_months_end():
    with time_machine.travel(at(2026, 9, 10), tick=False):
        firm(1, above_scale=True, issue_dates=[dt.date(2025, 3, 1)])  # 规上高企 from September
        firm(2, above_scale=True)  # 规上, no certificate: not counted
        firm(3, little_giant=True, issue_dates=[dt.date(2026, 9, 20)])
    with time_machine.travel(at(2026, 10, 5), tick=False):
        third = Enterprise.objects.get(name="测试企业3有限公司")
        third.above_scale = True  # becomes 规上 in October
        third.save()
        firm(4, little_giant=True)
    with time_machine.travel(at(2026, 11, 2), tick=False):
        first = Enterprise.objects.get(name="测试企业1有限公司")
        first.delete()  # leaves the registry in November
        values = indicators.above_scale_high_tech(Month(2026, 11))
        giants = indicators.little_giants(Month(2026, 11))
    # September: firm 1 (规上, valid) = 1; firm 3's certificate (20 Sep) is valid at the month's end but
    # it is not 规上 yet. October: firms 1 and 3. November: firm 3 only.
    assert values == {Month(2026, 9): 1, Month(2026, 10): 2, Month(2026, 11): 1}
    assert giants == {Month(2026, 9): 1, Month(2026, 10): 2, Month(2026, 11): 2}
    assert Month(2026, 8) not in values  # before the registry held anything: no value, not 0


def test_the_indicator_pages_show_registry_values(login, leader):
    with time_machine.travel(at(2026, 11, 15), tick=False):
        seed_demo_counts()
        seed_demo_enterprises(Month(2026, 10))
        day = dt.date(2026, 10, 31)
        above = Enterprise.objects.filter(above_scale=True).high_tech_on(day).count()
        giants = Enterprise.objects.filter(little_giant=True).count()
        rows = {r.indicator.code: r for r in judge_goals(Month(2026, 10))}
        assert (rows["above_scale_high_tech"].value, rows["above_scale_high_tech"].as_of) == (above, Month(2026, 10))
        assert rows["little_giants"].value == giants
        assert rows["above_scale_high_tech"].source_text.startswith("企业名录")
        page = login(leader).get("/indicators/")
        by_code = {r.indicator.code: r for r in page.context["rows"]}
        assert by_code["above_scale_high_tech"].value == above
        assert "企业名录（按各月末名录状态计算）" in page.content.decode()
        api = {i["code"]: i for i in login(leader).get("/api/v1/indicators").json()["indicators"]}
        assert api["little_giants"]["judged"]["value"] == giants
    assert above > 0 and giants > 0


def test_a_recorded_value_stands_beside_the_registry_labelled(login, bureau):
    with time_machine.travel(at(2026, 10, 5), tick=False):
        firm(1, little_giant=True)
    with time_machine.travel(at(2026, 11, 15), tick=False):
        c = login(bureau)
        c.post(
            "/indicators/record/",
            {"indicator": "little_giants", "month": "2026-10", "value": "21", "note": "市经信委公布"},
        )
        rows = {
            r.indicator.code: r for r in judge_goals(Month(2026, 10), Indicator.objects.filter(code="little_giants"))
        }
    row = rows["little_giants"]
    assert row.value == 21 and row.latest[2] == "区科技局录入：市经信委公布"
    assert "部分月份为区科技局录入" in row.source_text


def test_task_targets_taken_from_the_registry():
    with time_machine.travel(at(2026, 11, 15), tick=False):
        seed_demo_counts()
        seed_demo_enterprises(Month(2026, 10))
        rows = {r.task.number: r for r in task_status_rows(KeyTask.objects.filter(number__in=[13, 17]))}
    day = dt.date(2026, 10, 31)
    high_tech = Enterprise.objects.high_tech_on(day)
    coverage = round(100 * high_tech.filter(high_value_patent=True).count() / high_tech.count(), 1)
    seventeen = rows[17].targets[0]
    assert (float(seventeen.latest), str(seventeen.period)) == (coverage, "2026-10")
    # 全覆盖 by 2027 from 0 at the end of 2022: 46 of 60 months gone
    assert seventeen.time_progress == Fraction(46, 60)
    thirteen = rows[13].targets[0]
    assert thirteen.latest == Enterprise.objects.filter(ipo_reserve=True).count()
