"""The demo publishes its past months' bulletins, so every role reads real bulletins at once."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from bulletins.models import Bulletin, BulletinVersion
from demo.services import DEMO_BULLETIN_REASON, clear_demo, seed_demo
from targets.models import MonthLock
from targets.months import Month

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    with time_machine.travel(dt.datetime(2023, 6, 25, 15, 9, tzinfo=dt.UTC), tick=False):
        seed_demo()
        yield


def test_every_past_month_is_published_once_backdated(seeded):
    months = [Month.of(m) for m in Bulletin.objects.order_by("month").values_list("month", flat=True)]
    assert months == [Month(2023, m) for m in range(1, 6)]  # January to May; June is still running
    versions = BulletinVersion.objects.order_by("bulletin__month")
    assert [v.number for v in versions] == [1] * 5
    assert [timezone.localtime(v.published_at).date() for v in versions] == [dt.date(2023, m, 10) for m in range(2, 7)]
    assert versions.first().figures["date"] == "2023-02-10"
    assert MonthLock.objects.count() == 5
    seed_demo()  # again: nothing published twice
    assert BulletinVersion.objects.count() == 5


def test_officials_and_units_see_published_bulletins_newest_first(seeded, client):
    for username in ("tiansheng", "kejiju", "leader"):
        client.post("/accounts/login/", {"username": username, "password": "beibei-demo-2027"})
        html = client.get("/bulletin/").content.decode()
        assert "暂无已发布的月通报" not in html
        assert html.index("2023年5月") < html.index("2023年4月")
        assert "/bulletin/2023-06/" not in html  # the running month, with no bulletin, is not offered
        client.post("/accounts/logout/")


def test_clear_removes_the_demo_bulletins_and_their_locks(seeded):
    clear_demo()
    assert not BulletinVersion.objects.filter(reason=DEMO_BULLETIN_REASON).exists()
    assert not Bulletin.objects.exists()
    assert not MonthLock.objects.exists()
