"""The demo's visits and problems: a few dozen visits over 2026, problems in every state, a few
overdue, the demo accounts with something to answer; seeded once, removed by clear_demo."""

import datetime as dt

import pytest

from accounts.models import User
from beibei_dashboard.todo import items_for
from demo.services import clear_demo, seed_demo
from outreach.models import Problem, Visit
from outreach.services import subdistrict_on
from tests.support import pinned

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 15)


def test_the_demo_has_visits_over_2026_and_problems_in_every_state(map_2025_11):
    with pinned():
        seed_demo()
        visits = list(Visit.objects.select_related("enterprise"))
        assert len(visits) == 36
        assert all(dt.date(2026, 1, 1) <= v.date <= TODAY for v in visits)
        assert all(v.subdistrict_id == subdistrict_on(v.enterprise, v.date).pk for v in visits)
        states = {state: Problem.objects.filter(state=state).count() for state in ("pending", "in_progress", "closed")}
        assert all(states.values()), states
        assert 1 <= Problem.objects.overdue(TODAY).count() <= 10
        assert not Problem.objects.filter(state="closed", answer="").exists()
        # the unit accounts and an official have problems waiting in their 待办
        for name in ("jingxinwei", "kejiju", "bureau"):
            groups = {item.group for item in items_for(User.objects.get(username=name))}
            assert groups & {"企业诉求", "诉求督办"}, name
        seed_demo()  # again: nothing added
        assert Visit.objects.count() == 36
        clear_demo()
        assert (Visit.objects.count(), Problem.objects.count()) == (0, 0)
