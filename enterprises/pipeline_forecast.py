"""The pipeline (认定进程) as the year-end forecast reads it (issue 29, item 4): each sub-district's
`targets.forecast_pipeline.PipelineFacts` of a year, now or as it stood at a past month's end.

The numbers are `pipeline_metrics`'s, computed from the same attempts as the pipeline page
(`pipeline_report`): the district's own pass rate of each filed stage over the attempts of the
years before, the firms of this year at a filed stage, and where each certificate ending this
year stands (`renewal_state`). Only the reading differs:

- `current_facts` (the forecast of the latest month): the attempts as they stand, as the pipeline
  page shows them; two queries.
- `Snapshots` (the backtest): the attempts as the history tables show them at each month's end
  (the latest history row of each attempt dated by then; an attempt created later does not
  exist yet, an outcome decided later is not known), and the certificates issued by then; two
  queries for every month tried. No later outcome leaks into a past month's forecast.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone

from targets import freshness
from targets.forecast_pipeline import PipelineFacts

from . import pipeline_metrics as pm
from .choices import FILED_STAGES, Programme, Stage
from .models import Enterprise, HighTechRecognition, RecognitionAttempt

LABELS = {stage: label for stage, label in Stage.choices}
FILED = FILED_STAGES[Programme.HIGH_TECH]
FIELDS = ("id", "enterprise__subdistrict_id", "year", "renewal", "stage", "failed_stage", "renews_id")


@dataclass(frozen=True)
class Attempt:
    id: int
    sub_id: int
    year: int
    renewal: bool
    stage: str
    failed_stage: str
    renews_id: int | None


@dataclass(frozen=True)
class Certificate:
    id: int
    enterprise_id: int
    sub_id: int
    issue_date: dt.date
    valid_until: dt.date


def facts(attempts, certificates, subs, year, day):
    """{sub_id: PipelineFacts} of the sub-districts among `subs` (ids) holding a high-tech
    attempt of `year`, as of `day` (the last day of the counts' month).

    `attempts`: every high-tech Attempt of the district known then (rates from the years before
    `year`); `certificates`: the firms' certificates known then (one counted on `day` was issued
    by it; it is renewed when a newer one is in the list)."""
    earlier = {False: [], True: []}
    for a in attempts:
        if a.year < year:
            earlier[a.renewal].append((a.stage, a.failed_stage))
    new_rates = {s: r for s, r in pm.pass_rates(Programme.HIGH_TECH, earlier[False]).items() if s in FILED}
    renewal_rates = {s: r for s, r in pm.pass_rates(Programme.HIGH_TECH, earlier[True]).items() if s in FILED}
    stages, renewing, present = defaultdict(dict), {}, set()
    for a in attempts:
        sub = a.sub_id
        if a.year != year or sub not in subs:
            continue
        present.add(sub)
        if a.renewal:
            renewing[a.renews_id] = a.stage
        else:
            stages[sub][a.stage] = stages[sub].get(a.stage, 0) + 1
    issued = defaultdict(list)
    for cert in certificates:
        issued[cert.enterprise_id].append(cert.issue_date)
    not_filed, filed = defaultdict(int), defaultdict(dict)
    year_end = dt.date(year, 12, 31)
    for cert in certificates:
        sub = cert.sub_id
        # still counted on `day`, and leaves the count before December's (the registry's `expiring`)
        if sub not in subs or cert.issue_date > day or not day <= cert.valid_until < year_end:
            continue
        renewed = any(d > cert.issue_date for d in issued[cert.enterprise_id])
        stage = renewing.get(cert.id)
        key, _label = pm.renewal_state(stage, renewed, cert.valid_until < day)
        if key in pm.AT_RISK:
            not_filed[sub] += 1
        elif key == "filed":
            filed[sub][stage] = filed[sub].get(stage, 0) + 1
    out = {}
    for sub in present:
        new = pm.expectation(stages[sub], new_rates, LABELS)
        renewal = pm.expectation(filed[sub], renewal_rates, LABELS)
        out[sub] = PipelineFacts(
            in_review=new.count,
            unrated=new.unrated,
            expected=Fraction(new.value),
            rates=pm.filed_rates_text(new.parts) if new.count else "",
            renewals_not_filed=not_filed[sub],
            renewals_filed=renewal.count,
            renewals_unrated=renewal.unrated,
            renewals_expected=Fraction(renewal.value),
            renewal_rates=pm.filed_rates_text(renewal.parts) if renewal.count else "",
        )
    return out


def _certificates(subs, day=None):
    rows = HighTechRecognition.objects.filter(enterprise__subdistrict__in=subs)
    if day is not None:
        rows = rows.filter(issue_date__lte=day)
    fields = ("pk", "enterprise_id", "enterprise__subdistrict_id", "issue_date", "valid_until")
    return [Certificate(*r) for r in rows.values_list(*fields)]


def current_facts(subs, month, day):
    """{sub_id: PipelineFacts} of `month`'s year as the attempts stand now (the pipeline page's
    numbers); two queries."""
    rows = RecognitionAttempt.objects.filter(programme=Programme.HIGH_TECH, year__lte=month.year)
    attempts = [Attempt(*r) for r in rows.values_list(*FIELDS)]
    return facts(attempts, _certificates(subs), {sub.pk for sub in subs}, month.year, day)


class Snapshots:
    """The pipeline as it stood at past months' ends, from the history tables (the backtest)."""

    def __init__(self, subs):
        self.subs = subs
        history = (
            RecognitionAttempt.history.filter(programme=Programme.HIGH_TECH)
            .order_by("history_date", "history_id")
            .values_list("history_date", "history_type", "id", "enterprise_id", *FIELDS[2:])
        )
        self.rows = list(history)  # in date order: the last row of an attempt by a day is its state then
        ids = {row[3] for row in self.rows}
        self.sub_of = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "subdistrict_id")) if ids else {}

    def facts(self, month, day):
        """{sub_id: PipelineFacts} of `month`'s year as known by the end of `day`."""
        until = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        state = {}
        for when, kind, pk, firm, *fields in self.rows:
            if when >= until:
                break
            if kind == "-":
                state.pop(pk, None)
            elif firm in self.sub_of:
                state[pk] = Attempt(pk, self.sub_of[firm], *fields)
        attempts = [a for a in state.values() if a.year <= month.year]
        return facts(attempts, _certificates(self.subs, day), {sub.pk for sub in self.subs}, month.year, day)


def pipeline_facts(subs, month, day, current):
    """`current_facts` (`current`: the month is the one normally reported, or later) or the
    history's snapshot at `day`, kept in the cache under the registry's version (an attempt's
    move changes it)."""

    def compute():
        return current_facts(subs, month, day) if current else Snapshots(subs).facts(month, day)

    ids = freshness.content_key([sub.pk for sub in subs])
    return freshness.cached("pipeline-facts", compute, month, ids, current, version=freshness.registry_version)
