"""The pipeline of a year, per sub-district and for the district (issue 29), read in a fixed
number of queries whatever the number of firms: this year's attempts (one aggregate), earlier
years' outcomes (one aggregate), the certificates ending this year with their renewals (one
query), the firms to visit (one query), and the year's progress from `targets.progress` (the
gap to target, as the dashboard and the sub-district page show it).

The numbers are `pipeline_metrics`'s; this module only reads and assembles them.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Subquery

from targets import territory
from targets.choices import Metric
from targets.months import Month
from targets.progress import district_progress

from . import forecast
from . import pipeline_metrics as pm
from .choices import FILED_STAGES, OPEN_STAGES, Programme, Stage
from .models import Enterprise, HighTechRecognition, RecognitionAttempt

LABELS = {stage: label for stage, label in Stage.choices}
HT_OPEN = OPEN_STAGES[Programme.HIGH_TECH]
TB_OPEN = OPEN_STAGES[Programme.TECH_BASED]
HT_STAGES = (*HT_OPEN, Stage.RECOGNISED, Stage.FAILED)
TB_STAGES = (*TB_OPEN, Stage.REGISTERED, Stage.REJECTED)
RENEWAL_KEYS, RENEWAL_LABELS = pm.RENEWAL_KEYS, pm.RENEWAL_LABELS


@dataclass
class PipelineLine:
    """One sub-district's (or the district's) pipeline of a year."""

    name: str
    slug: str = ""
    category: str = ""
    actual: int | None = None  # high-tech firms at the month's count
    target: int | None = None
    gap: int | None = None  # the year's target less the count; 0 when reached; None without a target
    tech_actual: int | None = None
    tech_target: int | None = None
    tech_gap: int | None = None
    new: dict = field(default_factory=dict)  # {stage: firms} of this year's new high-tech attempts
    renewal_stages: dict = field(default_factory=dict)  # {stage: firms} of this year's renewal attempts
    tech: dict = field(default_factory=dict)  # {stage: firms} of this year's tech-based evaluations
    renewals: dict = field(default_factory=dict)  # {key of RENEWAL_KEYS: certificates ending this year}
    filed: pm.Expectation = None  # expected recognitions of the firms that have filed (已申报, 评审/公示)
    early: pm.Expectation = None  # of those not yet filed (培育, 拟申报): told, not counted
    tech_expected: pm.Expectation = None
    warning: str = ""
    since: int = 0  # new certificates issued after the day the counts stand for: the gap is older than them

    @property
    def new_rows(self):
        return [(LABELS[stage], self.new.get(stage, 0)) for stage in HT_STAGES]

    @property
    def tech_rows(self):
        return [(LABELS[stage], self.tech.get(stage, 0)) for stage in TB_STAGES]

    @property
    def renewal_rows(self):
        return [(RENEWAL_LABELS[key], self.renewals.get(key, 0)) for key in RENEWAL_KEYS]

    @property
    def renewals_due(self):
        return sum(self.renewals.values())

    @property
    def renewals_at_risk(self):
        """Certificates still counted that will lapse unless renewed: not filed, or failed."""
        return sum(self.renewals.get(key, 0) for key in pm.AT_RISK)


@dataclass
class Pipeline:
    year: int
    month: object  # targets.months.Month of the counts the gaps are read from
    rates: dict  # {"new": {stage: Rate}, "renewal": ..., "tech_based": ...}
    lines: list  # [PipelineLine] of the sub-districts asked for, in plan order
    total: PipelineLine  # the district: every unit of the map, whoever reads it
    area: object = None  # targets.territory.MonthMap of the month
    reporting: str = ""  # "3/17 个街镇已填报" when the month is partial: the district's gap is the reporters'

    @property
    def rate_rows(self):
        """[(label, Rate)] of the high-tech new recognitions' stages, then tech-based's."""
        rows = [(f"高企新认定·{LABELS[s]}", self.rates["new"][s]) for s in HT_OPEN]
        rows += [(f"高企重新认定·{LABELS[s]}", self.rates["renewal"][s]) for s in HT_OPEN[1:]]
        rows += [(f"科技型企业·{LABELS[s]}", self.rates["tech_based"][s]) for s in TB_OPEN]
        return rows


def _rates(year):
    """The district's own pass rates from every attempt of the years before `year`; one query."""
    earlier = {"new": [], "renewal": [], "tech_based": []}
    rows = (
        RecognitionAttempt.objects.filter(year__lt=year)
        .order_by()
        .values("programme", "renewal", "stage", "failed_stage")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = "tech_based" if row["programme"] == Programme.TECH_BASED else ("renewal" if row["renewal"] else "new")
        earlier[key].extend([(row["stage"], row["failed_stage"])] * row["n"])
    return {
        "new": pm.pass_rates(Programme.HIGH_TECH, earlier["new"]),
        "renewal": pm.pass_rates(Programme.HIGH_TECH, earlier["renewal"]),
        "tech_based": pm.pass_rates(Programme.TECH_BASED, earlier["tech_based"]),
    }


def _stage_counts(year, subs):
    """{sub_id: {"new"|"renewal"|"tech_based": {stage: n}}}; one query."""
    out = {sub.pk: {"new": {}, "renewal": {}, "tech_based": {}} for sub in subs}
    rows = (
        RecognitionAttempt.objects.filter(year=year, enterprise__subdistrict__in=subs)
        .order_by()
        .values("programme", "renewal", "stage", sub_id=F("enterprise__subdistrict_id"))
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = "tech_based" if row["programme"] == Programme.TECH_BASED else ("renewal" if row["renewal"] else "new")
        out[row["sub_id"]][key][row["stage"]] = row["n"]
    return out


def certificates_ending(year, firms):
    """The certificates of `firms` whose last valid day falls in `year`, each annotated with
    `renewed` (the firm has a newer certificate) and `renewal_stage` (its renewal attempt's
    stage, None without one), with firm and sub-district; one query."""
    later = HighTechRecognition.objects.filter(enterprise=OuterRef("enterprise"), issue_date__gt=OuterRef("issue_date"))
    attempt = RecognitionAttempt.objects.filter(renews=OuterRef("pk"), year=year).values("stage")[:1]
    return (
        HighTechRecognition.objects.filter(enterprise__in=firms, valid_until__year=year)
        .annotate(renewed=Exists(later), renewal_stage=Subquery(attempt))
        .select_related("enterprise__subdistrict")
        .order_by("valid_until", "enterprise__name")
    )


def counts_day(month):
    """The day the counts of `month` stand for: its last day. A certificate whose last valid day
    is before it has already left the count."""
    return month.next().date - dt.timedelta(days=1)


def _recognised_since(year, subs, day):
    """{sub_id: new certificates of `year` issued after `day`} (a list imported in December after
    November's counts): the count the gap is read from does not hold them yet; one query."""
    rows = (
        RecognitionAttempt.objects.filter(
            year=year,
            programme=Programme.HIGH_TECH,
            renewal=False,
            stage=Stage.RECOGNISED,
            certificate__issue_date__gt=day,
            enterprise__subdistrict__in=subs,
        )
        .order_by()
        .values(sub_id=F("enterprise__subdistrict_id"))
        .annotate(n=Count("pk"))
    )
    return {row["sub_id"]: row["n"] for row in rows}


def _renewal_counts(year, subs, day):
    out = {sub.pk: {} for sub in subs}
    for cert in certificates_ending(year, Enterprise.objects.filter(subdistrict__in=subs)):
        key, _label = pm.renewal_state(cert.renewal_stage, cert.renewed, cert.valid_until < day)
        counts = out[cert.enterprise.subdistrict_id]
        counts[key] = counts.get(key, 0) + 1
    return out


def _progress(year):
    """(month, {sub_id or None: (metric lines)}) of the year's counts: the month a forecast for
    `year` is made from (the latest logged month, or December of an earlier year)."""
    month = forecast.as_of_for(year)
    if month.year != year:
        return month, {}
    progress = district_progress(month)
    lines = {row.subdistrict.pk: row.metrics for row in progress.rows}
    lines[None] = progress.total
    lines["reporting"] = "" if progress.complete else progress.reporting_label
    return month, lines


def _fill(line, counts, renewals, rates, metrics, warn=True, since=0, month=None):
    line.new, line.renewal_stages, line.tech = counts["new"], counts["renewal"], counts["tech_based"]
    line.since = since
    line.renewals = renewals
    filed = FILED_STAGES[Programme.HIGH_TECH]
    line.filed = pm.expectation(line.new, {s: r for s, r in rates["new"].items() if s in filed}, LABELS)
    line.early = pm.expectation(line.new, {s: r for s, r in rates["new"].items() if s not in filed}, LABELS)
    line.tech_expected = pm.expectation(line.tech, rates["tech_based"], LABELS)
    if metrics:
        ht, tb = metrics[Metric.HIGH_TECH], metrics[Metric.TECH_BASED]
        line.actual, line.target = ht.actual, ht.target
        line.gap = _gap(ht.actual, ht.target)
        line.tech_actual, line.tech_target = tb.actual, tb.target
        line.tech_gap = _gap(tb.actual, tb.target)
    if warn:
        line.warning = pm.warning_line(
            line.name, line.gap, line.filed, line.early, line.renewals_at_risk, since=since, month=month
        )
    return line


def _gap(actual, target):
    if actual is None or target is None:
        return None
    return max(target - actual, 0)


def _sum(dicts):
    out = {}
    for d in dicts:
        for key, n in d.items():
            out[key] = out.get(key, 0) + n
    return out


def year_pipeline(year, subdistricts=None):
    """The `Pipeline` of `year`: a line for each of `subdistricts` (default: every unit of the
    month's map) and the district's line over every unit of the map. ValueError (in Chinese) for
    a year outside the plan."""
    month, progress = _progress(year)
    area = territory.map_of(month if month.year == year else _december(year))
    members = list(area.members)
    rates = _rates(year)
    counts = _stage_counts(year, members)
    renewals = _renewal_counts(year, members, counts_day(month))
    since = _recognised_since(year, members, counts_day(month))
    wanted = {sub.pk for sub in (subdistricts if subdistricts is not None else members)}
    lines = [
        _fill(
            PipelineLine(sub.name, sub.slug, sub.category),
            counts[sub.pk],
            renewals[sub.pk],
            rates,
            progress.get(sub.pk),
            since=since.get(sub.pk, 0),
            month=month,
        )
        for sub in members
        if sub.pk in wanted
    ]
    total_counts = {key: _sum(counts[sub.pk][key] for sub in members) for key in ("new", "renewal", "tech_based")}
    # The district's gap is over the units with targets (原方案口径) and, in a partial month, over
    # those that reported, while its firms are every unit's: the two are compared (预警) only
    # when they are the same units.
    total = _fill(
        PipelineLine("全区"),
        total_counts,
        _sum(renewals.values()),
        rates,
        progress.get(None),
        warn=area.is_whole and not progress.get("reporting"),
        since=sum(since.values()),
        month=month,
    )
    return Pipeline(year, month, rates, lines, total, area, progress.get("reporting", ""))


def _december(year):
    return Month(year, 12)


@dataclass
class FirmToVisit:
    enterprise_id: int
    name: str
    subdistrict: str
    why: str
    attempt_id: int | None = None


def firms_to_visit(year, firms, day):
    """The firms of `firms` whose path this year needs a visit: certificates ending this year
    with no renewal filed, and firms still at 拟申报 or in the 培优库 (their application not yet
    filed); two queries."""
    out = []
    for cert in certificates_ending(year, firms):
        key, label = pm.renewal_state(cert.renewal_stage, cert.renewed, cert.valid_until < day)
        if key in pm.AT_RISK:
            out.append(
                FirmToVisit(
                    cert.enterprise_id,
                    cert.enterprise.name,
                    cert.enterprise.subdistrict.name,
                    f"证书{cert.valid_until.year}年{cert.valid_until.month}月{cert.valid_until.day}日到期：{label}",
                )
            )
    waiting = (
        RecognitionAttempt.objects.filter(
            year=year, enterprise__in=firms, renewal=False, stage__in=[Stage.INTENDING, Stage.CULTIVATING]
        )
        .select_related("enterprise__subdistrict")
        .order_by("-stage", "enterprise__name")
    )
    for attempt in waiting:
        why = "拟申报，尚未提交" if attempt.stage == Stage.INTENDING else "培优库企业，尚未确定申报"
        out.append(
            FirmToVisit(
                attempt.enterprise_id, attempt.enterprise.name, attempt.enterprise.subdistrict.name, why, attempt.pk
            )
        )
    return out


@dataclass
class RenewalRow:
    certificate: HighTechRecognition
    key: str  # of RENEWAL_KEYS
    label: str


def renewal_rows(year, firms, day):
    """[RenewalRow] of `firms`' certificates ending in `year`, as they stand on `day`; one query."""
    return [
        RenewalRow(cert, *pm.renewal_state(cert.renewal_stage, cert.renewed, cert.valid_until < day))
        for cert in certificates_ending(year, firms)
    ]
