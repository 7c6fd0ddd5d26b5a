"""The 赛马 ranking: each sub-district's rank in its class and in the district for a month, from
plain values (the plan's figures and the logged counts), no ORM.

One entry point, `rank_month`, ranks a month for the month's progress (`progress.district_progress`)
and for the rank history (`progress.rank_history`) alike. `RULE_VERSION` names the rule in the
cache: it is a digest of this module and of the metrics a rank is decided by, so a deployment that
changes how ranks are decided never reads ranks kept under the old rule.
"""

import hashlib
import inspect
from pathlib import Path

from . import metrics
from .choices import METRICS
from .months import Month


def rank_month(figures, counts, subs, month):
    """{metric: (ranks, reported)} of `month`: ranks {sub_id: (rank in class, rank overall)} for
    every sub-district of `subs`, None for one that did not report; reported the frozenset of the
    sub-districts with a count that month.

    `figures` is {(sub_id, metric, year): plan figure}, `counts` {(sub_id, metric, Month): count}
    holding the month's counts and last December's. Ranks order by the judged rate, ties broken
    by 年度目标完成率 (`metrics.rank_key`); equal lines share a rank.
    """
    categories = {sub.pk: sub.category for sub in subs}
    out = {}
    for metric in METRICS:
        keys = {sub.pk: judged_rank_key(figures, counts, sub.pk, metric, month) for sub in subs}
        reported = frozenset(sub.pk for sub in subs if counts.get((sub.pk, metric, month)) is not None)
        out[metric] = (ranks_in_class_and_overall(keys, categories), reported)
    return out


def judged_rank_key(figures, counts, sub_id, metric, month):
    """What one sub-district's rank in `month` orders by: the judged rate of its count against this
    year's target from its base (last December's count, else last year's figure), then its
    年度目标完成率. None when it has no rate (no rank)."""
    target = figures.get((sub_id, metric, month.year))
    actual = counts.get((sub_id, metric, month))
    december = counts.get((sub_id, metric, Month(month.year - 1, 12)))
    base = metrics.base_for(december, figures.get((sub_id, metric, month.year - 1)))
    rate = metrics.judged_rate(actual, base, target, metrics.time_progress(month.month))
    return metrics.rank_key(rate, metrics.completion(actual, target))


def ranks_in_class_and_overall(keys, categories):
    """{sub_id: (rank in class, rank overall)} from {sub_id: rank key} and {sub_id: class}."""
    overall = metrics.competition_ranks(keys)
    by_class = {}
    for pk, key in keys.items():
        by_class.setdefault(categories[pk], {})[pk] = key
    in_class = {}
    for values in by_class.values():
        in_class.update(metrics.competition_ranks(values))
    return {pk: (in_class[pk], overall[pk]) for pk in keys}


def comparable_previous_ranks(ranks, previous, categories):
    """{sub_id: (last month's rank in class, last month's rank overall)}, each None unless it
    compares like with like: the same sub-districts ranked in both months within the ranking (the
    class, or the whole district) it is a rank of. `ranks` and `previous` are `rank_month`'s ranks
    of this month and of last month (the caller keeps both months in one plan year)."""
    ranked_now = {pk for pk, (_, overall) in ranks.items() if overall is not None}
    ranked_before = {pk for pk, (_, overall) in previous.items() if overall is not None}
    same_class = {}
    for category in set(categories.values()):
        members = {pk for pk in ranks if categories[pk] == category}
        same_class[category] = ranked_now & members == ranked_before & members
    same_overall = ranked_now == ranked_before
    return {
        pk: (in_class if same_class[categories[pk]] else None, overall if same_overall else None)
        for pk, (in_class, overall) in previous.items()
    }


def _rule_version():
    """A digest of what decides a rank: this module and the metrics it ranks by."""
    decided_by = (
        metrics.base_for,
        metrics.judged_rate,
        metrics.increment_scale,
        metrics.time_progress,
        metrics.completion,
        metrics.rank_key,
        metrics.competition_ranks,
    )
    sources = [Path(__file__).read_text(encoding="utf-8"), *(inspect.getsource(f) for f in decided_by)]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:12]


RULE_VERSION = _rule_version()  # computed once per process
