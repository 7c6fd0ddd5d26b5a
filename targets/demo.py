"""Demo accounts (and, once counts exist, demo data) for a newcomer's first look."""

import hashlib

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.services import save_account

from . import freshness
from .choices import CountSource, Metric
from .models import DemoDataset, MonthlyCount, PlanFigure, SubDistrict
from .months import Month, month_range

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
    seed_demo_counts()
    if not DemoDataset.objects.exists():
        DemoDataset.objects.create()
    return users


# How fast each sub-district moves against its plan, by its place in the attachment: most near
# 1.0, a few clearly ahead or behind, so that the first look shows every status colour.
PACE = [1.08, 0.97, 1.02, 0.78, 1.12, 0.99, 1.04, 0.86, 1.0, 0.93, 1.15, 0.7, 1.06, 0.9, 1.0, 1.1, 0.82]


def _jitter(*parts):
    """A deterministic small number in {-1, 0, 0, 1} from the cell's identity."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return (0, -1, 0, 1)[digest[0] % 4]


def demo_value(figures, year, month, pace, jitter):
    """A plausible end-of-month count: the plan's linear curve from 2022, scaled by `pace`."""
    start, end = figures[year - 1], figures[year]
    curve = start + (end - start) * month / 12
    base = figures[2022]
    # Small sub-districts move a firm at a time: no month-to-month noise below 30 firms.
    return max(0, round(base + (curve - base) * pace) + (jitter if curve >= 30 else 0))


def seed_demo_counts(until=None):
    """Fill demo counts from 2023-01 through last month for every cell that has none yet."""
    until = until or Month.current().previous()
    months = month_range(Month.first(), until)
    subs = list(SubDistrict.objects.in_plan_order())
    rows = PlanFigure.objects.rows_for(subs)
    existing = set(MonthlyCount.objects.values_list("subdistrict_id", "metric", "month"))
    new = []
    for index, row in enumerate(rows):
        pace = PACE[index % len(PACE)]
        for metric in Metric.values:
            figures = row.figures[metric]
            for m in months:
                if (row.subdistrict.pk, metric, m.date) in existing or m.year > 2027:
                    continue
                value = demo_value(figures, m.year, m.month, pace, _jitter(row.subdistrict.slug, metric, m))
                new.append(
                    MonthlyCount(
                        subdistrict=row.subdistrict, month=m.date, metric=metric, value=value, source=CountSource.DEMO
                    )
                )
    bulk_create_with_history(new, MonthlyCount, batch_size=500, default_change_reason="演示数据")
    freshness.bump()  # bulk_create sends no post_save
    return len(new)


@transaction.atomic
def clear_demo():
    MonthlyCount.objects.filter(source=CountSource.DEMO).delete()
    MonthlyCount.history.filter(source=CountSource.DEMO).delete()
    User.objects.filter(is_demo=True).delete()
    DemoDataset.objects.all().delete()
