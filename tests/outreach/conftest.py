import datetime as dt

import pytest

from accounts.choices import Role
from outreach import services
from targets.models import SubDistrict
from tasks.models import Unit
from tests.support import firm, make_user


@pytest.fixture
def kejiju_user(db):
    return make_user("kjj_unit", Role.UNIT, unit="区科技局")


@pytest.fixture
def tiansheng_firm(db):
    return firm(1, sub="tiansheng")


@pytest.fixture
def shuitu_firm(db):
    return firm(2, sub="shuitu")


def unit(name):
    return Unit.objects.get(name=name)


def sub(slug):
    return SubDistrict.objects.get(slug=slug)


def raise_at_visit(user, enterprise, *problems, date=dt.date(2026, 10, 20)):
    """A visit on `date` with `problems`: (category, answering Unit or SubDistrict, due date or None)."""
    rows = [
        {
            "category": category,
            "description": f"诉求{n}",
            "answer_unit": who if isinstance(who, Unit) else None,
            "answer_subdistrict": who if isinstance(who, SubDistrict) else None,
            "due_date": due,
        }
        for n, (category, who, due) in enumerate(problems, start=1)
    ]
    return services.log_visit(user, enterprise, date, "张明、李华", "企业研发投入增长。", rows)
