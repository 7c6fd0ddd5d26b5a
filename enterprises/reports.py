"""The rows each registry page needs, in a fixed number of queries whatever the data size.

Every function takes the user (for scope) and plain values, and returns small dataclasses;
counting is done by the database (aggregate queries), never by loading firms into Python.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from beibei_dashboard.templatetags.dates import as_chinese
from targets import territory
from targets.choices import PLAN_YEARS, Metric
from targets.metrics import sum_defined
from targets.models import MonthlyCount, PlanFigure, SubDistrict
from targets.months import Month

from . import metrics, validity
from .choices import FlagState, Industry
from .models import AttributionFlag, Enterprise, HighTechRecognition, tech_based_q


def visible_subdistricts(user, month=None):
    """The units of `month`'s map (default: this month's) that `user` may read, in the map's
    order. A unit that has left (水土街道 from November 2025) is not among them: its firms go with
    it, out of the district's counts; they stay readable in the list when asked for by name."""
    area = territory.map_of(month or Month.current())
    allowed = set(SubDistrict.objects.visible_to(user).values_list("pk", flat=True))
    return [sub for sub in area.members if sub.pk in allowed]


@dataclass
class ProfileRow:
    """One sub-district of the profile: firms by industry, flags, and the 培优库 pipeline."""

    subdistrict: SubDistrict
    total: int = 0
    by_industry: dict = field(default_factory=dict)
    above_scale: int = 0
    specialized: int = 0
    little_giant: int = 0
    cultivation_pool: int = 0
    high_tech: int = 0
    tech_based: int = 0
    pool_not_high_tech: int = 0
    pool_tech_based: int = 0
    target: int | None = None

    @property
    def gap(self):
        return metrics.gap_to_target(self.high_tech, self.target)

    @property
    def pool_short(self):
        """The 培优库 holds fewer candidates than the firms still needed this year."""
        return bool(self.gap) and self.gap > self.pool_not_high_tech

    @property
    def industry_shares(self):
        """[(industry label, firms, % of the sub-district's firms)] for the table beside the chart."""
        return [
            (label, self.by_industry.get(value, 0), metrics.share(self.by_industry.get(value, 0), self.total))
            for value, label in Industry.choices
        ]

    @property
    def industry_counts(self):
        return [self.by_industry.get(value, 0) for value in Industry.values]


def target_year(day):
    """The plan year whose target the profile compares with: this year, within 2023–2027."""
    return min(max(day.year, PLAN_YEARS[0]), PLAN_YEARS[-1])


def profile(user, day):
    """[ProfileRow] per visible sub-district plus a 合计 row, on `day`; four queries."""
    subs = visible_subdistricts(user, Month.of(day))
    rows = {sub.pk: ProfileRow(sub, by_industry=dict.fromkeys(Industry.values, 0)) for sub in subs}
    firms = Enterprise.objects.filter(subdistrict__in=subs)
    for sub_id, industry, n in (
        firms.order_by()
        .values("subdistrict_id", "industry")
        .annotate(n=Count("pk"))
        .values_list("subdistrict_id", "industry", "n")
    ):
        rows[sub_id].by_industry[industry] = n
    high_tech = Q(high_tech_until__gte=day)
    not_high_tech = Q(high_tech_until__isnull=True) | Q(high_tech_until__lt=day)  # NOT would drop NULLs
    counts = (
        firms.with_high_tech_until(day)
        .order_by()
        .values("subdistrict_id")
        .annotate(
            n_total=Count("pk"),
            n_above_scale=Count("pk", filter=Q(above_scale=True)),
            n_specialized=Count("pk", filter=Q(specialized=True)),
            n_little_giant=Count("pk", filter=Q(little_giant=True)),
            n_cultivation_pool=Count("pk", filter=Q(cultivation_pool=True)),
            n_high_tech=Count("pk", filter=high_tech),
            n_tech_based=Count("pk", filter=tech_based_q(day)),
            n_pool_not_high_tech=Count("pk", filter=Q(cultivation_pool=True) & not_high_tech),
            n_pool_tech_based=Count("pk", filter=Q(cultivation_pool=True) & not_high_tech & tech_based_q(day)),
        )
    )
    for item in counts:
        row = rows[item.pop("subdistrict_id")]
        for name, value in item.items():
            setattr(row, name.removeprefix("n_"), value)
    year = target_year(day)
    for plan_row in PlanFigure.objects.rows_for(subs, territory.version_in_force(Month.current())):
        rows[plan_row.subdistrict.pk].target = plan_row.figures[Metric.HIGH_TECH].get(year)
    out = list(rows.values())
    return out, _profile_total(out, len(subs) > 1)


def _profile_total(rows, meaningful):
    if not meaningful:
        return None
    total = ProfileRow(SubDistrict(name="合计"), by_industry=dict.fromkeys(Industry.values, 0), target=0)
    for row in rows:
        for name in (
            "total", "above_scale", "specialized", "little_giant", "cultivation_pool",
            "high_tech", "tech_based", "pool_not_high_tech", "pool_tech_based",
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for industry, n in row.by_industry.items():
            total.by_industry[industry] += n
        total.target = None if total.target is None or row.target is None else total.target + row.target
    return total


@dataclass
class OutlookCell:
    expiring: int
    not_renewed: int
    target: int | None


@dataclass
class OutlookRow:
    """A sub-district's certificates expiring per plan year, beside that year's target."""

    subdistrict: SubDistrict
    cells: list  # [OutlookCell] in PLAN_YEARS order

    @property
    def by_year(self):
        return list(zip(PLAN_YEARS, self.cells, strict=True))


def expiry_outlook(user):
    """[OutlookRow] per visible sub-district and the district total row; three queries.

    A certificate expires in the year of its last valid day; "not renewed" counts those whose
    firm has no later certificate (it drops out of the count unless re-recognised).
    """
    subs = visible_subdistricts(user)
    expiry = HighTechRecognition.objects.expiry_by_subdistrict_year(subs, PLAN_YEARS)
    plan = {
        row.subdistrict.pk: row.figures[Metric.HIGH_TECH]
        for row in PlanFigure.objects.rows_for(subs, territory.version_in_force(Month.current()))
    }
    rows = []
    for sub in subs:
        cells = [OutlookCell(*expiry.get((sub.pk, year), (0, 0)), plan[sub.pk].get(year)) for year in PLAN_YEARS]
        rows.append(OutlookRow(sub, cells))
    total = OutlookRow(
        SubDistrict(name="合计"),
        [
            OutlookCell(
                sum(r.cells[i].expiring for r in rows),
                sum(r.cells[i].not_renewed for r in rows),
                sum_defined(r.cells[i].target for r in rows),
            )
            for i in range(len(PLAN_YEARS))
        ],
    )
    return rows, total if len(subs) > 1 else None


@dataclass
class ReconcileRow:
    """A sub-district on a month's last day: registry counts beside the logged counts."""

    subdistrict: SubDistrict
    registry: dict  # metric -> int
    logged: dict  # metric -> int or None (未填报)

    def difference(self, metric):
        return metrics.difference(self.registry[metric], self.logged[metric])

    @property
    def cells(self):
        """Per metric: registry, logged, difference and the list filter that finds the firms."""
        return [
            ReconcileCell(self.registry[metric], self.logged[metric], self.difference(metric), FILTERS[metric])
            for metric in Metric.values
        ]


@dataclass
class ReconcileCell:
    registry: int
    logged: int | None
    difference: int | None
    filter: str


FILTERS = {Metric.HIGH_TECH: "high_tech_on", Metric.TECH_BASED: "tech_based_on"}


def reconciliation(user, month):
    """[ReconcileRow] for `month` (registry counted on its last day), over the units of `month`'s
    map only: the registry's firms of a unit that had left by then are not compared with
    anything; three queries."""
    subs = visible_subdistricts(user, month)
    day = validity.last_day_of_month(month.year, month.month)
    counts = Enterprise.objects.counts_by_subdistrict(subs, day)
    logged = MonthlyCount.objects.filter(subdistrict__in=subs).value_map([month])
    rows = [
        ReconcileRow(
            c.subdistrict,
            {Metric.HIGH_TECH: c.high_tech, Metric.TECH_BASED: c.tech_based},
            {metric: logged.get((c.subdistrict.pk, metric, month)) for metric in Metric.values},
        )
        for c in counts
    ]
    return rows, day


def summary_payload(user, day):
    """The JSON of /api/v1/enterprises/summary, scoped to `user`."""
    counts = Enterprise.objects.counts_by_subdistrict(visible_subdistricts(user, Month.of(day)), day)
    return {
        "as_of": day.isoformat(),
        "subdistricts": [
            {
                "slug": c.subdistrict.slug,
                "name": c.subdistrict.name,
                "high_tech": c.high_tech,
                "tech_based": c.tech_based,
                "high_tech_expiring_this_year": c.high_tech_expiring_this_year,
            }
            for c in counts
        ],
    }


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: object
    kind: str
    what: str
    changes: list  # [(field label, old, new)]
    reason: str


HISTORY_KIND = {"+": "新增", "~": "修改", "-": "删除"}


def _entries(records, what):
    """History records (newest first) -> HistoryEntry with the fields each one changed."""
    records = list(records)
    out = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at", "valid_until"])
            for change in delta.changes:
                label = record.instance._meta.get_field(change.field).verbose_name
                changes.append((label, change.old, change.new))
        out.append(
            HistoryEntry(
                record.history_date,
                record.history_user,
                HISTORY_KIND.get(record.history_type, record.history_type),
                what(record),
                changes,
                record.history_change_reason or "",
            )
        )
    return out


def enterprise_history(enterprise):
    """Every change to the firm and its certificates, newest first."""
    firm = _entries(enterprise.history.select_related("history_user"), lambda r: "企业信息")
    certificates = []
    by_certificate = {}
    for record in HighTechRecognition.history.filter(enterprise_id=enterprise.pk).select_related("history_user"):
        by_certificate.setdefault(record.id, []).append(record)
    for records in by_certificate.values():
        certificates += _entries(records, lambda r: f"高新技术企业证书（{as_chinese(r.issue_date)}）")
    return sorted(firm + certificates, key=lambda entry: entry.when, reverse=True)


@dataclass
class AttributionChange:
    when: dt.datetime
    who: object
    before: str | None
    after: str
    reason: str


def attribution_history(enterprise):
    """Every sub-district the firm has been attributed to, oldest first; two queries."""
    records = list(enterprise.history.order_by("history_date", "history_id").select_related("history_user"))
    names = dict(SubDistrict.objects.filter(pk__in={r.subdistrict_id for r in records}).values_list("pk", "name"))
    out, current = [], None
    for record in records:
        if record.subdistrict_id != current:
            before = names.get(current) if current is not None else None
            after = names.get(record.subdistrict_id, "")
            out.append(AttributionChange(record.history_date, record.history_user, before, after,
                                         record.history_change_reason or ""))  # fmt: skip
            current = record.subdistrict_id
    return out


def attribution_changes(user, month):
    """Accepted 属地核实 flags resolved since `month` began that `user` may read.

    The registry counts a firm where it is attributed now, so every move accepted since the start
    of the month also moves that month's registry figures: the reconciliation lists them all.
    """
    start = timezone.make_aware(dt.datetime(month.year, month.month, 1))
    return list(
        AttributionFlag.objects.visible_to(user)
        .filter(state=FlagState.ACCEPTED, resolved_at__gte=start)
        .select_related("subdistrict", "destination", "enterprise__subdistrict")
        .order_by("resolved_at")
    )
