"""Races end in a message, never a 500: two people making the same first write at the same
moment (a task's report for a period, an indicator's value for a month, an empty cell of the
month's grid, a month's bulletin). Each race is driven with two threads on PostgreSQL, both
paused just before their write until the other has got there too, so the race really happens."""

import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client

from accounts.choices import Role
from beibei_dashboard.races import SAVED_MEANWHILE
from bulletins.models import Bulletin, BulletinVersion
from demo.services import seed_demo_counts
from targets import services as count_services
from targets.models import IndicatorValue, MonthlyCount, SubDistrict
from targets.months import Month
from tasks import services as task_services
from tasks.models import TaskReport
from tasks.plan import load_plan
from tests.support import NOW, make_user

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL's row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(transactional_db):
    """Threads see only committed rows: the plan and the users are committed here."""
    load_plan()
    return {
        "bureau": make_user("bureau_a", Role.BUREAU),
        "bureau2": make_user("bureau_b", Role.BUREAU),
        "unit": make_user("jxw_a", Role.UNIT, unit="区经济信息委"),
    }


def pause_before(monkeypatch, owner, name):
    """Make each thread's first call of `owner.name` wait until both threads have reached it."""
    barrier = threading.Barrier(2, timeout=20)
    original = getattr(owner, name)
    seen = threading.local()

    def paused(*args, **kwargs):
        if not getattr(seen, "done", False):
            seen.done = True
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, paused)


def run_together(*calls):
    """Run each call in its own thread (own database connection); their results, in order."""
    results = [None] * len(calls)

    def run(i, call):
        try:
            with time_machine.travel(NOW, tick=True):
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def post(user, url, data):
    def call():
        c = Client()
        c.force_login(user)
        return c.post(url, data)

    return call


def test_two_first_reports_of_a_period(world, monkeypatch):
    pause_before(monkeypatch, task_services, "with_history")
    fields = {"period": "2026-10", "status": "normal", "problems": "", "next_steps": ""}
    a = post(world["unit"], "/tasks/2/reports/new/", {**fields, "done": "经信委写的进展"})
    b = post(world["bureau"], "/tasks/2/reports/new/", {**fields, "done": "科技局写的进展"})
    results = run_together(a, b)
    assert sorted(r.status_code for r in results) == [200, 302], results
    assert TaskReport.objects.filter(task__number=2, period="2026-10").count() == 1
    loser = next(r for r in results if r.status_code == 200).content.decode()
    assert SAVED_MEANWHILE in loser
    assert "经信委写的进展" in loser or "科技局写的进展" in loser  # their text is still in the form


def test_two_first_values_of_an_indicator(world, monkeypatch):
    from targets.models import Indicator

    indicator = Indicator.objects.filter(metric="").first()
    pause_before(monkeypatch, task_services, "with_history")
    data = {"indicator": indicator.code, "month": "2026-10", "note": ""}
    a = post(world["bureau"], "/indicators/record/", {**data, "value": "111"})
    b = post(world["bureau2"], "/indicators/record/", {**data, "value": "222"})
    results = run_together(a, b)
    assert sorted(r.status_code for r in results) == [200, 302], results
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1
    loser = next(r for r in results if r.status_code == 200).content.decode()
    assert SAVED_MEANWHILE in loser and ('value="111"' in loser or 'value="222"' in loser)


def test_two_first_saves_of_an_empty_cell(world, monkeypatch):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    pause_before(monkeypatch, count_services, "change_reason")
    month = Month(2026, 10)

    def save(value, user):
        return lambda: count_services.save_month(month, {(tiansheng.pk, "high_tech"): (value, "")}, user)

    results = run_together(save(11, world["bureau"]), save(12, world["bureau2"]))
    rejected = [r for r in results if isinstance(r, count_services.CountsRejected)]
    assert len(rejected) == 1, results
    assert rejected[0].errors == [f"天生街道高新技术企业：{SAVED_MEANWHILE}"]
    assert MonthlyCount.objects.filter(subdistrict=tiansheng, month=month.date).count() == 1


def test_two_first_publications_of_a_bulletin(world, monkeypatch):
    with time_machine.travel(NOW, tick=False):
        seed_demo_counts(until=Month(2026, 10))
    pause_before(monkeypatch, Month, "is_future")
    a = post(world["bureau"], "/bulletin/2026-10/publish/", {"reason": "", "confirm": "on"})
    b = post(world["bureau2"], "/bulletin/2026-10/publish/", {"reason": "", "confirm": "on"})
    results = run_together(a, b)
    assert [r.status_code for r in results] == [302, 302], results
    assert Bulletin.objects.count() == 1 and BulletinVersion.objects.count() == 1
