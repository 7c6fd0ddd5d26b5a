"""Indicator values the registry holds, as of each month's end (规上高企, 小巨人, …).

`targets` must not import `enterprises`, so the registry plugs these into `targets.goals` from
`EnterprisesConfig.ready` (`register()` below); every page that judges a goal then shows them.

"As of a month's end" is read from the registry's own history (django-simple-history): the
flags each firm had at that moment, and its high-tech certificate valid on that day. A month
before the registry held any record has no value (never a 0), so a registry loaded in November
says nothing about October unless its records say so.

The values are the district's on the map of each month (`targets.territory`): a firm counts in
a month only while its sub-district is a member of the district then. The firms of a unit that
left (水土街道 from November 2025) go with it: counted up to October 2025, not after; the firms
of a unit that joined count from its first month.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from targets import territory
from targets.goals import register_indicator_source
from targets.months import Month, month_range

from . import metrics
from .models import Enterprise, HighTechRecognition

SOURCE = "企业名录（按各月末名录状态计算）"
FLAG_NAMES = ("above_scale", "little_giant", "high_value_patent", "single_champion", "ipo_reserve")


@dataclass(frozen=True)
class FirmState:
    above_scale: bool
    little_giant: bool
    high_value_patent: bool
    single_champion: bool
    ipo_reserve: bool


def month_end(month):
    """The last day of `month`."""
    return month.next().date - dt.timedelta(days=1)


def _start_of(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _replay(events, end, pointer, state, apply):
    while pointer < len(events) and events[pointer][1] < end:
        apply(state, events[pointer])
        pointer += 1
    return pointer


def _apply_firm(state, event):
    firm, _, kind, subdistrict_id, *flags = event
    if kind == "-":
        state.pop(firm, None)
    else:
        state[firm] = (subdistrict_id, FirmState(*flags))


def _members_of(month, changed):
    """A test on a sub-district id: is it a member of the district in `month`? Only the units
    whose membership has a start or an end (`territory.changed_units`) can fail it."""
    outside = {pk for pk, unit in changed.items() if not unit.is_member(month)}
    return lambda subdistrict_id: subdistrict_id not in outside


def _apply_certificate(state, event):
    pk, _, kind, firm, issued, valid_until = event
    if kind == "-":
        state.pop(pk, None)
    else:
        state[pk] = (firm, issued, valid_until)


def registry_states(until, memo=None):
    """{Month: ({firm id: FirmState}, {firm ids with a valid high-tech certificate})} for every
    month from the registry's first record through `until`, both read from the registry's
    history as it stood at each month's end; two queries, once per `memo`. A firm whose
    sub-district is not a member of the district in a month is not in that month's state."""
    if memo is not None:
        key = ("registry_states", until)
        if key not in memo:
            memo[key] = registry_states(until)
        return memo[key]
    cutoff = _start_of(until.next().date)
    firms = list(
        Enterprise.history.filter(history_date__lt=cutoff)
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "history_type", "subdistrict_id", *FLAG_NAMES)
    )
    if not firms:
        return {}
    certificates = list(
        HighTechRecognition.history.filter(history_date__lt=cutoff)
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "history_type", "enterprise_id", "issue_date", "valid_until")
    )
    first = Month.of(timezone.localtime(firms[0][1]).date())
    changed = territory.changed_units()
    state, held, out, i, j = {}, {}, {}, 0, 0
    for month in month_range(first, until):
        end = _start_of(month.next().date)
        i = _replay(firms, end, i, state, _apply_firm)
        j = _replay(certificates, end, j, held, _apply_certificate)
        day = month_end(month)
        member = _members_of(month, changed)
        counted = {firm: flags for firm, (sub_id, flags) in state.items() if member(sub_id)}
        valid = {firm for firm, issued, last in held.values() if firm in counted and issued <= day <= last}
        out[month] = (counted, valid)
    return out


def above_scale_high_tech(until, memo=None):
    """规模以上高新技术企业: firms flagged 规上 holding a certificate valid at the month's end."""
    return {
        m: sum(1 for f in valid if firms[f].above_scale) for m, (firms, valid) in registry_states(until, memo).items()
    }


def little_giants(until, memo=None):
    """专精特新“小巨人”企业 in the registry at each month's end."""
    return {
        m: sum(1 for s in firms.values() if s.little_giant) for m, (firms, _) in registry_states(until, memo).items()
    }


def ipo_reserve(until, memo=None):
    """Firms in the 市级拟上市企业储备库 at each month's end (task 13)."""
    return {
        m: sum(1 for s in firms.values() if s.ipo_reserve) for m, (firms, _) in registry_states(until, memo).items()
    }


def single_champions(until, memo=None):
    """制造业单项冠军 firms at each month's end (task 5 names them, with no number)."""
    return {
        m: sum(1 for s in firms.values() if s.single_champion) for m, (firms, _) in registry_states(until, memo).items()
    }


def high_value_patent_coverage(until, memo=None):
    """Task 17: the share (%) of valid high-tech firms holding a high-value invention patent."""
    out = {}
    for month, (firms, valid) in registry_states(until, memo).items():
        coverage = metrics.share(sum(1 for f in valid if firms[f].high_value_patent), len(valid))
        if coverage is not None:
            out[month] = coverage
    return out


SOURCES = {
    "above_scale_high_tech": above_scale_high_tech,
    "little_giants": little_giants,
    "ipo_reserve": ipo_reserve,
    "single_champions": single_champions,
    "high_value_patent_coverage": high_value_patent_coverage,
}


def register():
    """Called once from EnterprisesConfig.ready."""
    for code, values in SOURCES.items():
        register_indicator_source(code, SOURCE, values)
