"""A month's change explained firm by firm (issue 15, drill-down)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.changes import FirmState, classify, month_changes
from targets.models import SubDistrict
from targets.months import Month
from tests.support import firm, log

HERE, THERE = 1, 2


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (FirmState(HERE, False), FirmState(HERE, True), "新认定"),
        (FirmState(None, False), FirmState(HERE, True), "新认定"),  # entered in the registry this month
        (FirmState(THERE, True), FirmState(HERE, True), "迁入"),
        (FirmState(THERE, False), FirmState(HERE, True), "新认定"),  # moved and recognised: new here
        (FirmState(HERE, True), FirmState(HERE, False), "到期"),
        (FirmState(HERE, True), FirmState(THERE, True), "迁出"),
        (FirmState(HERE, True), FirmState(THERE, False), "到期"),
        (FirmState(HERE, True), FirmState(HERE, True), None),
        (FirmState(THERE, True), FirmState(THERE, False), None),
        (FirmState(HERE, False), FirmState(HERE, False), None),
    ],
)
def test_classify(before, after, expected):
    assert classify(before, after, HERE, "新认定", "到期") == expected


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12)).astimezone(dt.UTC), tick=False)


def move(enterprise, slug, day):
    with at(day):
        enterprise.subdistrict = SubDistrict.objects.get(slug=slug)
        enterprise.save()


@pytest.fixture
def october(db):
    """天生街道 in October 2026: one firm of each kind of change, and one that stays."""
    with at(dt.date(2026, 1, 5)):
        moved_in = firm(3, sub="shuitu", issue_dates=[dt.date(2025, 3, 1)], name="迁入企业")
        moved_out = firm(4, issue_dates=[dt.date(2025, 3, 1)], name="迁出企业")
    firms = {
        "new": firm(1, issue_dates=[dt.date(2026, 10, 15)], name="新认定企业"),
        "expired": firm(2, issue_dates=[dt.date(2023, 10, 10)], name="到期企业"),  # valid to 2026-10-09
        "left": firm(5, tech_year=2020, left_on=dt.date(2026, 10, 12), name="退库企业"),
        "stays": firm(6, issue_dates=[dt.date(2025, 6, 1)], tech_year=2024, name="留存企业"),
        "moved_in": moved_in,
        "moved_out": moved_out,
    }
    move(moved_in, "tiansheng", dt.date(2026, 10, 20))
    move(moved_out, "shuitu", dt.date(2026, 10, 5))
    log("tiansheng", "2026-09", "high_tech", 3)
    log("tiansheng", "2026-10", "high_tech", 4)
    return firms


def names(changes, reason):
    return [f.name for f in changes.firms.get(reason, [])]


def test_month_changes_explain_every_firm(october):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    result = month_changes(tiansheng, Month(2026, 10))
    high_tech = result["high_tech"]
    assert (high_tech.registry_before, high_tech.registry_after) == (3, 3)  # 到期, 迁出, 留存 → 新认定, 迁入, 留存
    assert names(high_tech, "新认定") == ["新认定企业"]
    assert names(high_tech, "迁入") == ["迁入企业"]
    assert names(high_tech, "到期未重新认定") == ["到期企业"]
    assert names(high_tech, "迁出") == ["迁出企业"]
    assert (high_tech.logged_change, high_tech.registry_change, high_tech.unexplained) == (1, 0, 1)
    tech_based = result["tech_based"]
    assert (tech_based.registry_before, tech_based.registry_after) == (2, 1)
    assert names(tech_based, "退库") == ["退库企业"]
    assert tech_based.logged_change is None and tech_based.unexplained is None
    assert [(reason, sign, len(firms)) for reason, sign, firms in tech_based.groups] == [
        ("新入库", "+", 0),
        ("迁入", "+", 0),
        ("退库", "−", 1),
        ("迁出", "−", 0),
    ]
    # 水土 sees the other side of both moves
    shuitu = month_changes(SubDistrict.objects.get(slug="shuitu"), Month(2026, 10))["high_tech"]
    assert names(shuitu, "迁出") == ["迁入企业"] and names(shuitu, "迁入") == ["迁出企业"]


def test_page_lists_the_firms_for_leaders_and_the_own_official_only(october, login, leader, official, other_official):
    url = "/enterprises/changes/tiansheng/2026-10/"
    html = login(leader).get(url).content.decode()
    for name in ("新认定企业", "到期企业", "迁入企业", "迁出企业", "退库企业", "到期未重新认定", "名录未能解释"):
        assert name in html
    assert "留存企业" not in html
    assert login(official).get(url).status_code == 200
    assert login(other_official).get(url).status_code == 403
    assert login(leader).get("/enterprises/changes/tiansheng/2031-01/").status_code == 404


def test_sub_district_page_links_to_the_breakdown(october, login, leader):
    html = login(leader).get("/subdistricts/tiansheng/?month=2026-10").content.decode()
    assert 'href="/enterprises/changes/tiansheng/2026-10/"' in html


def test_page_costs_the_same_queries_with_more_firms(october, login, leader):
    c = login(leader)
    url = "/enterprises/changes/tiansheng/2026-10/"

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(20, 40):
        firm(n, issue_dates=[dt.date(2026, 10, 2)], tech_year=2026)
    assert queries() == few
