"""Demo accounts (and, once counts exist, demo data) for a newcomer's first look."""

from django.db import transaction

from accounts.models import User
from accounts.services import save_account

from .models import DemoDataset, SubDistrict

DEMO_PASSWORD = "beibei-demo-2027"  # noqa: S105 - printed to the newcomer on purpose

DEMO_ACCOUNTS = [
    ("bureau", "bureau", None, None),
    ("leader", "leader", None, None),
    ("tiansheng", "subdistrict", "tiansheng", None),
    ("shuitu", "subdistrict", "shuitu", None),
    ("jindaoxia", "subdistrict", "jindaoxia", None),
    ("jingxinwei", "unit", None, "区经济信息委"),
    ("kejiju", "unit", None, "区科技局"),
]


@transaction.atomic
def seed_demo():
    if not SubDistrict.objects.exists():
        raise LookupError("尚未载入计划数据，请先运行 python manage.py load_plan")
    users = [
        save_account(username, role, sub, unit, DEMO_PASSWORD, is_demo=True)[0]
        for username, role, sub, unit in DEMO_ACCOUNTS
    ]
    if not DemoDataset.objects.exists():
        DemoDataset.objects.create()
    return users


@transaction.atomic
def clear_demo():
    User.objects.filter(is_demo=True).delete()
    DemoDataset.objects.all().delete()
