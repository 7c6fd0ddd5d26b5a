"""Demo accounts (and, once counts exist, demo data) for a newcomer's first look."""

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.services import save_account
from bulletins.models import Bulletin, BulletinVersion
from bulletins.services import publish
from enterprises.importers import run_import
from enterprises.models import Enterprise, HighTechRecognition
from targets import freshness
from targets.choices import CountSource, Metric
from targets.models import MonthLock, MonthlyCount, PlanFigure, SubDistrict
from targets.months import Month, month_range
from tasks.models import TaskReport

from .enterprises import firms_matching, write_rows
from .models import DemoDataset
from .reports import seed_demo_reports

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
    by_unit = {user.unit.name: user for user in users if user.unit_id}
    seed_demo_reports(by_unit, fallback=next(user for user in users if user.role == "bureau"))
    seed_demo_enterprises()
    seed_demo_bulletins(next(user for user in users if user.role == "bureau"))
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


DEMO_BULLETIN_REASON = "演示数据：按月发布的历史通报"
# A month's bulletin comes out early the next month, once every sub-district has reported.
PUBLISH_DAY, PUBLISH_HOUR = 10, 10


def seed_demo_bulletins(publisher, until=None):
    """Publish the bulletin of every past month whose counts are complete and that has none
    yet, backdated to the 10th of the next month, so that every role reads real bulletins."""
    until = until or Month.current().previous()
    subs = SubDistrict.objects.count()
    expected = subs * len(Metric.values)
    logged = {
        Month.of(row["month"]): row["n"]
        for row in MonthlyCount.objects.filter(month__lte=until.date).values("month").annotate(n=Count("id"))
    }
    done = {Month.of(m) for m in Bulletin.objects.filter(versions__isnull=False).values_list("month", flat=True)}
    published = []
    for month in month_range(Month.first(), until):
        if month in done or logged.get(month) != expected:
            continue
        day = month.next()
        at = timezone.make_aware(dt.datetime(day.year, day.month, PUBLISH_DAY, PUBLISH_HOUR))
        published.append(publish(month, publisher, DEMO_BULLETIN_REASON, now=min(at, timezone.now())))
    return published


# Differences planted between the demo registry and the logged counts, for reconciliation.
REGISTRY_OFFSETS = {"天生街道": (1, 0), "水土街道": (0, -2)}


def seed_demo_enterprises(month=None):
    """A registry whose firms match last month's logged counts, but for two planted differences."""
    if Enterprise.objects.exists():
        return 0
    month = month or Month.current().previous()
    month_end = month.next().date - dt.timedelta(days=1)
    logged = MonthlyCount.objects.filter(month=month.date).values_list("subdistrict__name", "metric", "value")
    counts = {}
    for name, metric, value in logged:
        counts.setdefault(name, {})[metric] = value
    wanted = {}
    for name, by_metric in counts.items():
        extra_ht, extra_tb = REGISTRY_OFFSETS.get(name, (0, 0))
        wanted[name] = (by_metric.get("high_tech", 0) + extra_ht, by_metric.get("tech_based", 0) + extra_tb)
    models = (Enterprise, HighTechRecognition)
    before = [model.history.aggregate(last=Max("history_id"))["last"] or 0 for model in models]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "演示企业名录.xlsx"
        write_rows(path, firms_matching(wanted, month_end))
        created = run_import(path.read_bytes(), path.name).created
    # The demo registry stands for the state at the end of `month`: its history says so, so
    # that the registry's indicators (targets.goals) have a value for that month.
    as_of = timezone.make_aware(dt.datetime.combine(month_end, dt.time(18, 0)))
    for model, last in zip(models, before, strict=True):
        model.history.filter(history_id__gt=last).update(history_date=as_of)
    return created


@transaction.atomic
def clear_demo():
    """Remove what seed_demo added; whatever users entered themselves stays."""
    demo_versions = BulletinVersion.objects.filter(reason=DEMO_BULLETIN_REASON)
    months = list(demo_versions.values_list("bulletin__month", flat=True))
    demo_versions.delete()
    Bulletin.objects.filter(month__in=months, versions__isnull=True).delete()
    MonthLock.objects.filter(month__in=months).exclude(month__in=Bulletin.objects.values("month")).delete()
    TaskReport.objects.filter(submitted_by__is_demo=True, done__startswith="（演示）").delete()
    demo_firms = Enterprise.history.filter(history_type="+", history_change_reason__contains="演示企业名录")
    Enterprise.objects.filter(pk__in=demo_firms.values("id")).delete()
    MonthlyCount.objects.filter(source=CountSource.DEMO).delete()
    MonthlyCount.history.filter(source=CountSource.DEMO).delete()
    User.objects.filter(is_demo=True).delete()
    DemoDataset.objects.all().delete()
