"""Demo accounts (and, once counts exist, demo data) for a newcomer's first look."""

import datetime as dt
import hashlib
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.services import save_account
from assessment.catalogue import default_items
from assessment.figures import assessable_years
from assessment.models import AssessmentResult, AssessmentScheme
from assessment.services import publish as publish_result
from assessment.services import save_scheme
from bulletins.models import Bulletin, BulletinVersion
from bulletins.services import publish
from enterprises.importers import run_import
from enterprises.models import AttributionFlag, Enterprise, HighTechRecognition
from enterprises.validity import anniversary, high_tech_valid_on
from outreach.models import Problem, Visit
from targets import freshness
from targets.choices import CountSource, Metric
from targets.models import (
    Indicator,
    IndicatorValue,
    MonthLock,
    MonthlyCount,
    PlanFigure,
    PlanRow,
    PlanVersion,
    SubDistrict,
    plain_number,
)
from targets.months import Month, month_range
from targets.progress import district_size, reporting_by_month
from tasks.models import TaskContribution, TaskReport
from tasks.services import record_indicator_value

from .enterprises import firms_with_certificates, write_rows
from .models import DemoDataset
from .outreach import seed_demo_outreach
from .pipeline import seed_demo_pipeline
from .reports import seed_demo_contributions, seed_demo_reports

DEMO_PASSWORD = "beibei-demo-2027"  # noqa: S105 - printed to the newcomer on purpose

DEMO_ACCOUNTS = [
    ("bureau", "bureau", None, None),
    ("leader", "leader", None, None),
    ("tiansheng", "subdistrict", "tiansheng", None),
    ("shuitu", "subdistrict", "shuitu", None),
    ("jindaoxia", "subdistrict", "jindaoxia", None),
    ("dawan", "subdistrict", "dawan", None),  # a town that joined in 2025-11
    ("jingxinwei", "unit", None, "区经济信息委"),
    ("kejiju", "unit", None, "区科技局"),
]


@transaction.atomic
def seed_demo():
    if not SubDistrict.objects.exists():
        raise LookupError("尚未载入计划数据，请先运行 python manage.py load_plan")
    units = set(SubDistrict.objects.values_list("slug", flat=True))
    users = [
        save_account(username, role, sub, unit, DEMO_PASSWORD, is_demo=True)[0]
        for username, role, sub, unit in DEMO_ACCOUNTS
        if sub is None or sub in units  # a new town's official where the map has it
    ]
    seed_demo_counts()
    bureau = next(user for user in users if user.role == "bureau")
    by_unit = {user.unit.name: user for user in users if user.unit_id}
    by_subdistrict = {user.subdistrict_id: user for user in users if user.subdistrict_id}
    seed_demo_reports(by_unit, fallback=bureau)
    seed_demo_contributions(by_unit, by_subdistrict, fallback=bureau)
    seed_demo_schemes(bureau)
    seed_demo_results(bureau)
    seed_demo_indicators(bureau)
    seed_demo_enterprises()
    seed_demo_pipeline(Month.current().previous(), bureau, HIGH_TECH_BATCHES)
    seed_demo_outreach(users)
    seed_demo_bulletins(bureau)
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


# The rhythm of real counts (issue 17). High-tech certificates arrive in a few recognition
# batches, most in the last quarter: (month, day, share of the year's new certificates in %).
HIGH_TECH_BATCHES = ((7, 20, 15), (10, 25, 25), (11, 28, 35), (12, 20, 25))
# A certificate lapses three years after issue unless renewed; this share of them is renewed
# (decided per certificate from a hash, so the demo is deterministic).
RENEWAL_PERCENT = 60
# Tech-based firms are evaluated in batches through the year: (month, share of the year's increase in %).
TECH_BASED_BATCHES = ((3, 20), (6, 25), (9, 25), (12, 30))


def _split(total, weights):
    """`total` in whole parts proportional to `weights` (largest remainders)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _percent(*parts):
    return int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:4], "big") % 100


def _month_end(month):
    return month.next().date - dt.timedelta(days=1)


def _batches(year, total, end):
    """The issue dates of `total` new certificates of `year`, spread over the batches, up to `end`."""
    shares = [share for _, _, share in HIGH_TECH_BATCHES]
    out = []
    for (month, day, _), n in zip(HIGH_TECH_BATCHES, _split(total, shares), strict=True):
        if dt.date(year, month, day) <= end:
            out += [dt.date(year, month, day)] * n
    return out


def high_tech_certificates(figures, pace, slug, until):
    """Each demo firm's certificates (a list of issue dates) of one sub-district, as they stand at
    the end of `until`: the stock of December 2022 issued in the batches of 2020–2022, then each
    year the certificates issued three years before lapse unless renewed (on their anniversary),
    and new ones arrive in the year's batches: the demo's year-end growth plus an ordinary year's
    lapses, so that December falls short of the demo's curve in a year of many lapses."""

    end = _month_end(until)
    firms = []
    for year, n in zip((2020, 2021, 2022), _split(figures[2022], [1, 1, 1]), strict=True):
        firms += [[day] for day in _batches(year, n, end)]
    for year in range(2023, min(until.year, 2027) + 1):
        year_end = demo_value(figures, year, 12, pace, _jitter(slug, Metric.HIGH_TECH, Month(year, 12)))
        stock = count_valid(firms, dt.date(year - 1, 12, 31))
        lapsing = 0
        for index, certificates in enumerate(firms):
            last = certificates[-1]
            if last.year != year - 3:
                continue
            if _percent(slug, index, year) < RENEWAL_PERCENT:
                if anniversary(last) <= end:
                    certificates.append(anniversary(last))
            else:
                lapsing += 1
        # Recognitions follow the plan's growth plus the lapses of an ordinary year (a third of the
        # stock expires, most of it renewed), not this year's: a wave of lapses shows in December.
        usual = round(stock * (100 - RENEWAL_PERCENT) / 100 / 3)
        firms += [[day] for day in _batches(year, max(0, year_end - stock + usual), end)]
    return firms


def count_valid(firms, day):
    """Firms holding a certificate valid on `day`."""

    return sum(1 for certificates in firms if any(high_tech_valid_on(issued, day) for issued in certificates))


def tech_based_value(figures, year, month, pace, slug):
    """A month-end tech-based count: the year's increase arrives in the evaluation batches."""
    start = figures[2022] if year == 2023 else demo_value(
        figures, year - 1, 12, pace, _jitter(slug, Metric.TECH_BASED, Month(year - 1, 12)))  # fmt: skip
    end = demo_value(figures, year, 12, pace, _jitter(slug, Metric.TECH_BASED, Month(year, 12)))
    share = sum(s for m, s in TECH_BASED_BATCHES if m <= month)
    return start + (end - start) * share // 100


def demo_series(row, pace, months):
    """{(metric, Month): count} of one plan row over `months`, with the rhythm above."""
    if not months:
        return {}
    firms = high_tech_certificates(row.figures[Metric.HIGH_TECH], pace, row.subdistrict.slug, months[-1])
    out = {}
    for m in months:
        out[(Metric.HIGH_TECH, m)] = count_valid(firms, _month_end(m))
        out[(Metric.TECH_BASED, m)] = tech_based_value(
            row.figures[Metric.TECH_BASED], m.year, m.month, pace, row.subdistrict.slug
        )
    return out


def demo_rows():
    """[PlanRow] of every unit the district has had: the first plan version's line for its own
    units, the illustrative figures of `fixtures/demo-new-towns.json` (演示) for a unit that
    joined later and has no line in it."""
    first = PlanVersion.objects.order_by("effective").first()
    # the first version's units in its order first (the demo's paces follow it), then the others
    subs = sorted(SubDistrict.objects.all(), key=lambda sub: (sub.category == "", sub.category, sub.seq, sub.pk))
    rows = {row.subdistrict.pk: row for row in PlanFigure.objects.rows_for(subs, first)}
    towns = json.loads(NEW_TOWNS.read_text(encoding="utf-8"))["towns"]
    out = []
    for sub in subs:
        figures = rows[sub.pk].figures
        if not figures[Metric.HIGH_TECH] and sub.slug in towns:
            figures = {metric: {int(y): v for y, v in towns[sub.slug][metric].items()} for metric in Metric.values}
        if figures[Metric.HIGH_TECH]:
            out.append(PlanRow(sub, figures))
    return out


NEW_TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "demo-new-towns.json"


def seed_demo_counts(until=None):
    """Fill demo counts from 2023-01 through last month for every cell that has none yet, for the
    units of each month's map only (a unit that left has no count after it left, one that joined
    none before)."""
    until = until or Month.current().previous()
    months = [m for m in month_range(Month.first(), until) if m.year <= 2027]
    existing = set(MonthlyCount.objects.values_list("subdistrict_id", "metric", "month"))
    new = []
    for index, row in enumerate(demo_rows()):
        member = [m for m in months if row.subdistrict.is_member(m)]
        series = {key: v for key, v in demo_series(row, PACE[index % len(PACE)], months).items() if key[1] in member}
        for (metric, m), value in series.items():
            if (row.subdistrict.pk, metric, m.date) in existing:
                continue
            new.append(
                MonthlyCount(
                    subdistrict=row.subdistrict, month=m.date, metric=metric, value=value, source=CountSource.DEMO
                )
            )
    bulk_create_with_history(new, MonthlyCount, batch_size=500, default_change_reason="演示数据")
    freshness.bump()  # bulk_create sends no post_save
    return len(new)


DEMO_SCHEME_REASON = "演示数据：设立考核方案"


def seed_demo_schemes(bureau, today=None):
    """The assessment scheme (the default items, version 1) of every year of the plan begun by
    `today` that has none, set up by the bureau at the start of its year."""
    today = today or timezone.localdate()
    created = []
    for year in assessable_years(today):
        if AssessmentScheme.objects.filter(year=year).exists():
            continue
        scheme = save_scheme(year=year, items=default_items(), note="", user=bureau, reason=DEMO_SCHEME_REASON)
        at = min(timezone.make_aware(dt.datetime(year, 1, 15, 10)), timezone.now())
        AssessmentScheme.objects.filter(pk=scheme.pk).update(updated_at=at)
        scheme.history.update(history_date=at)
        created.append(scheme)
    return created


# The district's annual statistics the bureau records by hand (December of each year):
# {indicator code: ({year: value}, source)}, moving towards the plan's 2027 goals.
DEMO_INDICATORS = {
    "emerging_industry_share": ({2023: "38.2", 2024: "40.5", 2025: "42.1"}, "区统计局年报：占比{value}%，全市第3位"),
    "rd_institution_coverage": ({2023: "62.5", 2024: "71.3", 2025: "78.6"}, "区经济信息委年度统计"),
    "rd_spending_share": ({2023: "3.12", 2024: "3.35", 2025: "3.52"}, "区统计局研发经费投入统计公报"),
    "rd_spending_rank": ({2023: "3", 2024: "3", 2025: "2"}, "市统计局研发经费投入统计公报：全市第{value}位"),
    "invention_patents_per_10k": ({2023: "28.6", 2024: "33.1", 2025: "37.9"}, "区市场监管局（知识产权局）年度统计"),
}


def seed_demo_indicators(bureau, today=None):
    """The bureau's records of the annual indicators for every December past by `today` that has none."""
    today = today or timezone.localdate()
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=DEMO_INDICATORS)}
    existing = set(IndicatorValue.objects.values_list("indicator__code", "month"))
    created = 0
    for code, (values, source) in DEMO_INDICATORS.items():
        for year, value in values.items():
            month = Month(year, 12)
            if code not in indicators or (code, month.date) in existing or month.next().date > today:
                continue
            note = f"（演示）{source.format(value=plain_number(Decimal(value)))}"
            indicator = indicators[code]
            record_indicator_value(indicator=indicator, month=month, value=Decimal(value), note=note, user=bureau)
            created += 1
    return created


# A year's result is published once its December's counts and reports are in.
RESULT_DAY = (2, 20)


def seed_demo_results(bureau, today=None):
    """Publish the assessment result of every year of the plan over by `today` that has none,
    backdated to 20 February of the next year (when the year's figures were in)."""
    today = today or timezone.localdate()
    published = []
    for year in assessable_years(today):
        day = dt.date(year + 1, *RESULT_DAY)
        if day > today or AssessmentResult.objects.filter(year=year).exists():
            continue
        result = publish_result(year=year, user=bureau, today=day)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))
        AssessmentResult.objects.filter(pk=result.pk).update(published_at=at)
        published.append(result)
    return published


DEMO_BULLETIN_REASON = "演示数据：按月发布的历史通报"
# A month's bulletin comes out early the next month, once every sub-district has reported.
PUBLISH_DAY, PUBLISH_HOUR = 10, 10


def seed_demo_bulletins(publisher, until=None):
    """Publish the bulletin of every past month whose counts are complete and that has none
    yet, backdated to the 10th of the next month, so that every role reads real bulletins."""
    until = until or Month.current().previous()
    reporting = reporting_by_month(until)
    done = {Month.of(m) for m in Bulletin.objects.filter(versions__isnull=False).values_list("month", flat=True)}
    published = []
    for month in month_range(Month.first(), until):
        if month in done or reporting.get(month) != district_size(month):
            continue
        day = month.next()
        at = timezone.make_aware(dt.datetime(day.year, day.month, PUBLISH_DAY, PUBLISH_HOUR))
        published.append(publish(month, publisher, DEMO_BULLETIN_REASON, now=min(at, timezone.now())))
    return published


# Differences planted between the demo registry and the logged counts, for reconciliation.
REGISTRY_OFFSETS = {"天生街道": (1, 0), "水土街道": (0, -2)}


def seed_demo_enterprises(month=None):
    """A registry whose firms match `month`'s (default last month's) logged counts, but for two
    planted differences, with the certificates behind the demo's counts: the same batches,
    renewals and lapses (each renewal is imported as a later file, as a real registry grows)."""
    if Enterprise.objects.exists():
        return 0
    month = month or Month.current().previous()
    end = _month_end(month)
    logged = {
        (sub_id, metric): value
        for sub_id, metric, value in MonthlyCount.objects.filter(month=month.date).values_list(
            "subdistrict_id", "metric", "value"
        )
    }
    wanted = {}
    for index, row in enumerate(demo_rows()):
        sub = row.subdistrict
        if (sub.pk, Metric.HIGH_TECH) not in logged:
            continue
        firms = high_tech_certificates(row.figures[Metric.HIGH_TECH], PACE[index % len(PACE)], sub.slug, month)
        firms = [certificates for certificates in firms if certificates[0] <= end]
        # A logged count that is not the demo's own (a user's entry) is matched with more or fewer
        # current certificates, so that the registry still agrees with the counts.
        valid = [c for c in firms if count_valid([c], end)]
        lapsed = [c for c in firms if not count_valid([c], end)]
        extra_ht, extra_tb = REGISTRY_OFFSETS.get(sub.name, (0, 0))
        target = logged[(sub.pk, Metric.HIGH_TECH)] + extra_ht
        valid = valid[:target] + [[end - dt.timedelta(days=30 + i)] for i in range(target - len(valid))]
        wanted[sub.name] = (valid + lapsed, logged.get((sub.pk, Metric.TECH_BASED), 0) + extra_tb)
    rounds = list(firms_with_certificates(wanted, month.year))
    created = 0
    models = (Enterprise, HighTechRecognition)
    before = [model.history.aggregate(last=Max("history_id"))["last"] or 0 for model in models]
    with tempfile.TemporaryDirectory() as folder:
        for number, rows in enumerate(rounds, start=1):
            path = Path(folder) / (
                "演示企业名录.xlsx" if number == 1 else f"演示企业名录（重新认定第{number - 1}批）.xlsx"
            )
            write_rows(path, rows)
            created += run_import(path.read_bytes(), path.name).created
    # The demo registry stands for the state at the end of `month`: its history says so, so
    # that the registry's indicators (targets.goals) have a value for that month.
    as_of = timezone.make_aware(dt.datetime.combine(end, dt.time(18, 0)))
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
    # contributions and 属地核实 flags made with the demo accounts go with those accounts
    TaskContribution.objects.filter(submitted_by__is_demo=True).delete()
    AssessmentResult.objects.filter(published_by__is_demo=True).delete()
    IndicatorValue.objects.filter(recorded_by__is_demo=True, note__startswith="（演示）").delete()
    # a demo scheme nobody has revised since
    demo_schemes = AssessmentScheme.history.filter(history_type="+", history_change_reason=DEMO_SCHEME_REASON)
    AssessmentScheme.objects.filter(pk__in=demo_schemes.values("id"), version=1).delete()
    AttributionFlag.objects.filter(raised_by__is_demo=True).delete()
    # visits and problems logged with the demo accounts (their firms and accounts go next)
    Problem.objects.filter(raised_by__is_demo=True).delete()
    Visit.objects.filter(recorded_by__is_demo=True).delete()
    demo_firms = Enterprise.history.filter(history_type="+", history_change_reason__contains="演示企业名录")
    Enterprise.objects.filter(pk__in=demo_firms.values("id")).delete()
    MonthlyCount.objects.filter(source=CountSource.DEMO).delete()
    MonthlyCount.history.filter(source=CountSource.DEMO).delete()
    User.objects.filter(is_demo=True).delete()
    DemoDataset.objects.all().delete()
