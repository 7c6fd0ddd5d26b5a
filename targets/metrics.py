"""The numbers of the plan, as pure functions on plain values (no ORM, no request).

`None` stands for "undefined" (a missing count, a target of 0) and is never turned into 0.
"""

import math
from fractions import Fraction

from .choices import ALL_YEARS, Metric


def sum_plan_figures(figure_maps):
    """District totals (合计) of the attachment: {metric: {year: sum}} over sub-districts.

    `figure_maps` is an iterable of {metric: {year: value}}; a missing cell makes that
    column's total None rather than a silently smaller number.
    """
    totals = {metric: {year: 0 for year in ALL_YEARS} for metric in Metric.values}
    for figures in figure_maps:
        for metric in Metric.values:
            for year in ALL_YEARS:
                value = figures.get(metric, {}).get(year)
                if value is None or totals[metric][year] is None:
                    totals[metric][year] = None
                else:
                    totals[metric][year] += value
    return totals


def sum_defined(values):
    """A total (合计) of `values`; None when one is undefined, or there are none (never a silently
    smaller total)."""
    values = list(values)
    return None if not values or any(v is None for v in values) else sum(values)


def sum_known(values):
    """The sum of the defined `values` (an undefined one left out); None when none is defined."""
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def like_for_like_total(lines, summed, all_or_none=()):
    """A total (合计) of some lines of a month, like for like: only the lines that reported (a
    count, `actual`, not None) are added, never a subset's count against everyone's target.

    `lines` are dicts; each field of `summed` is added over the lines that reported (an undefined
    cell left out), each field of `all_or_none` only when every one of them has it (the change
    since last month). Returns (totals, how many lines reported); totals is None when none did.
    """
    reported = [line for line in lines if line["actual"] is not None]
    if not reported:
        return None, 0
    total = {name: sum_known(line[name] for line in reported) for name in ("actual", *summed)}
    total.update({name: sum_defined(line[name] for line in reported) for name in all_or_none})
    return total, len(reported)


def is_complete(reported, expected):
    """A month is complete when every one of the `expected` sub-districts reported both metrics."""
    return expected > 0 and reported == expected


# A month-over-month rise above this share needs a confirmation and a note (counts issue).
LARGE_RISE = 0.20


def change_flag(previous, new):
    """Why a new count needs an explicit confirmation, or None.

    "drop" when it is below the previous count; "rise" when it is more than 20% above it (any
    rise from 0 counts as large). No previous count, no flag.
    """
    if previous is None or new is None:
        return None
    if new < previous:
        return "drop"
    if new > previous and (previous == 0 or (new - previous) / previous > LARGE_RISE):
        return "rise"
    return None


def change(previous, new):
    """new − previous, or None when either is missing."""
    if previous is None or new is None:
        return None
    return new - previous


# --- progress against the plan (progress issue) -------------------------------------------------
# Ratios are computed as exact fractions so that "on schedule" is decided without float noise;
# callers turn them into floats or percentages only for display.

STATUS_DONE, STATUS_GREEN, STATUS_YELLOW, STATUS_RED, STATUS_MISSING = "done", "green", "yellow", "red", "missing"
# a unit of the month without a line in the plan version in force (it joined after the version
# was issued): its counts are shown, it is neither ranked nor coloured
STATUS_PENDING = "pending"
# One set of words for a status, used by badges, legends, tiles, the bulletin, its exports and the
# 口径说明 page alike (an earlier short set said 正常/预警 where the long one said 达到/略低于序时进度).
STATUS_LABELS = {
    STATUS_DONE: "已完成年度目标",
    STATUS_GREEN: "达到序时进度",
    STATUS_YELLOW: "略低于序时进度",
    STATUS_RED: "滞后",
    STATUS_MISSING: "未填报",
    STATUS_PENDING: "目标待分解",
}
STATUS_ORDER = [STATUS_DONE, STATUS_GREEN, STATUS_YELLOW, STATUS_RED, STATUS_MISSING, STATUS_PENDING]


def completion(actual, target):
    """年度目标完成率 = actual / target; None when either is missing or the target is 0."""
    if actual is None or not target:
        return None
    return Fraction(actual, target)


def increment_completion(actual, base, target):
    """新增完成率 = (actual − base) / (target − base); None when target ≤ base or a value is missing."""
    if actual is None or base is None or target is None or target <= base:
        return None
    return Fraction(actual - base, target - base)


def is_hold_year(base, target):
    """The year's target does not exceed the base: nothing new is asked, only to keep it."""
    return base is not None and target is not None and target <= base


# 小基数: a year's increment of fewer than this many firms is judged in firms, not as a share of
# itself, so that one firm more or less does not swing a sub-district from first to last (蔡家岗
# at 91 of 93 from a base of 92 would show −100%, 天府镇 at 7 of 6 from 5, 200%).
SMALL_INCREMENT = 5


def increment_scale(base, target):
    """What a firm more or less moves the judged rate by the inverse of: the year's increment
    (target − base), and at least `SMALL_INCREMENT`. None when a value is missing."""
    if base is None or target is None:
        return None
    return max(target - base, SMALL_INCREMENT)


def is_small_increment(base, target):
    """The year asks fewer than `SMALL_INCREMENT` new firms (a hold year included): its rate is
    judged in firms against 序时进度 (`judged_rate`)."""
    return base is not None and target is not None and target - base < SMALL_INCREMENT


def judged_rate(actual, base, target, progress):
    """The one measure that decides both a status and a rank (赛马 by this year's work): the
    新增完成率, read in firms when the year's increment is small.

    With need = target − base and scale = max(need, `SMALL_INCREMENT`):
    - the year's target reached (actual ≥ target): 1 + (actual − target) / scale;
    - otherwise: 序时进度 + ((actual − base) − need × 序时进度) / scale, i.e. time progress plus the
      firms ahead of (or behind) the point the year's path has reached, over the scale.
    When need ≥ `SMALL_INCREMENT` both are exactly (actual − base) / (target − base). When it is
    smaller (a hold year included), each firm moves the rate by 1/`SMALL_INCREMENT` (20 points)
    instead of 1/need (100 points when one firm is asked), and a sub-district on its path is at
    序时进度 whatever the size of its increment. The rate is ≥ 1 exactly when actual ≥ target, so
    the status (`status`) never ranks a sub-district that missed its target above one that met it.
    None when the actual, the base or the target is missing (未填报, no rank).
    """
    if actual is None or base is None or target is None:
        return None
    need = target - base
    scale = increment_scale(base, target)
    if actual >= target:
        return 1 + Fraction(actual - target, scale)
    return progress + (actual - base - need * progress) / scale


def path_rate(latest, baseline, target):
    """A key task's quantitative target judged on its path (shares and counts alike, no firm
    scale): (latest − baseline) / (target − baseline); when the target does not exceed the
    baseline, 1 when it is held, else the shortfall as a negative share of the target."""
    if latest is None or baseline is None or target is None:
        return None
    if target > baseline:
        return Fraction(latest - baseline) / Fraction(target - baseline)
    if latest >= target:
        return Fraction(1)
    return Fraction(latest - target) / Fraction(target)  # target > latest ≥ 0 here, so target > 0


def time_progress(month):
    """序时进度 of month M: M / 12."""
    return Fraction(month, 12)


def base_for(december_count, previous_plan_figure):
    """The start of year Y: December Y−1's logged count, else the plan's figure for Y−1."""
    return december_count if december_count is not None else previous_plan_figure


def status(rate, progress, yellow_pp=10):
    """done / green / yellow / red / missing, decided by the judged rate alone.

    rate ≥ 1: done (the year's target is reached); ≥ 序时进度: green; within `yellow_pp`
    percentage points below: yellow; below that: red; None: missing. Because the status is a
    non-decreasing step function of the rate and ranks order by the rate first, no sub-district
    ever ranks above one with a better status.
    """
    if rate is None:
        return STATUS_MISSING
    if rate >= 1:
        return STATUS_DONE
    if rate >= progress:
        return STATUS_GREEN
    if rate >= progress - Fraction(yellow_pp, 100):
        return STATUS_YELLOW
    return STATUS_RED


def rank_key(rate, completion_ratio):
    """What a rank orders by, best first: the judged rate, then (tie-break) 年度目标完成率.

    None when the rate is undefined: such a line gets no rank at all. An undefined completion
    (a target of 0) sorts below any defined one.
    """
    if rate is None:
        return None
    return (rate, completion_ratio is not None, completion_ratio if completion_ratio is not None else 0)


def competition_ranks(values):
    """{key: rank} by value, highest first; equal values share a rank (1, 2, 2, 4).

    A None value gets no rank (None): an unreported sub-district is not "last", it is unranked.
    """
    ranked = sorted(((k, v) for k, v in values.items() if v is not None), key=lambda item: item[1], reverse=True)
    out = dict.fromkeys(values)
    rank, previous = 0, None
    for index, (key, value) in enumerate(ranked, start=1):
        if index == 1 or value != previous:  # neighbours compared, never hashed (a Fraction's hash is slow)
            rank, previous = index, value
        out[key] = rank
    return out


def rank_change(previous_rank, rank):
    """Places moved up since last month (positive = up); None unless both ranks exist."""
    if previous_rank is None or rank is None:
        return None
    return previous_rank - rank


LEADING_CUTOFF = 5
CLASS_LEADING_CUTOFF = 3  # the bulletin's 赛马比拼 names this many 居前 per class


def leading(ranked, cutoff=LEADING_CUTOFF):
    """The names "进度靠前" names: every line ranked within the first `cutoff` places among those
    done or on schedule. Ties at the cut-off are all named, so the list can be longer than
    `cutoff`; it is never a random subset of a tie.

    `ranked` is an iterable of (name, rank, status), rank None for unranked lines.
    """
    good = (STATUS_DONE, STATUS_GREEN)
    chosen = [(rank, name) for name, rank, st in ranked if rank is not None and rank <= cutoff and st in good]
    return [name for rank, name in sorted(chosen, key=lambda item: item[0])]


def curve_value(previous_figure, year_figure, month):
    """The plan's monthly target curve: linear within a year from the Y−1 figure to the Y figure."""
    if previous_figure is None or year_figure is None:
        return None
    return previous_figure + Fraction(year_figure - previous_figure) * Fraction(month, 12)


def status_band(base, target, month, yellow_pp=10):
    """(low, high) counts at the end of month `month` (0 = last December) between which a
    sub-district is "略低于序时进度": high is the year's path, base + (target − base) × M/12, where
    the judged rate equals 序时进度; low is `yellow_pp` points of the rate's scale
    (`increment_scale`) below it. None when the target is not above the base (a sub-district
    below such a target is behind whatever the month)."""
    if base is None or target is None or target <= base:
        return None
    high = base + Fraction(target - base) * Fraction(month, 12)
    return high - increment_scale(base, target) * Fraction(yellow_pp, 100), high


def months_left(year, month, until_year):
    """Months from the end of (year, month) to the end of December `until_year`."""
    return (until_year - year) * 12 + (12 - month)


def needed_pace(actual, target, months):
    """Monthly increase still needed to reach `target` in `months` months.

    0 when the target is already reached; None when the value is missing or no month is left
    while a gap remains (the deadline has passed).
    """
    if actual is None or target is None:
        return None
    gap = target - actual
    if gap <= 0:
        return Fraction(0)
    if months <= 0:
        return None
    return Fraction(gap, months)


def whole_firms(value):
    """A number of firms as a whole number, rounded up: a pace of 0.1 a month means one more
    firm a month is needed, and a curve at 7.68 is reached with 8. None stays None."""
    if value is None:
        return None
    return math.ceil(Fraction(value))


def gap(actual, target):
    """How many enterprises are still missing to reach the target (0 when reached)."""
    if actual is None or target is None:
        return None
    return max(0, target - actual)


def goal_met(value, goal, comparator):
    """A headline goal: "超过" is strictly greater, "达到" greater or equal; None when unknown."""
    if value is None or goal is None:
        return None
    return value > goal if comparator == "gt" else value >= goal


def as_percent(ratio, digits=1):
    """A ratio as a percentage number for display (0.505 -> 50.5), None stays None."""
    return None if ratio is None else round(float(ratio) * 100, digits)


# --- goals (二（一）and the 2027 indicators) -----------------------------------------------------


def least_meeting(goal_value, comparator):
    """The smallest whole count that meets a goal: "超过570" needs 571, "达到45" needs 45.

    None for a qualitative goal or a non-whole target (a percentage is not counted up by one).
    """
    if goal_value is None or goal_value != int(goal_value):
        return None
    return int(goal_value) + 1 if comparator == "gt" else int(goal_value)


def judge_goal(goal_value, comparator, goal_year, month, points):
    """The one judgement of a goal "到Y年…", seen from `month`.

    `points` is {(year, month): value} of values that count (for a district total: months in
    which every sub-district reported). From December of the goal's year on, the goal is
    judged on that December only — met or not, final — or left undecided when that December
    is missing. Before then it is not judged (`met` None); `currently_met` and the value of the
    latest point up to `month` say where it stands.
    """
    deadline = (goal_year, 12)
    seen = (month.year, month.month) if hasattr(month, "year") else month
    if seen >= deadline:
        value = points.get(deadline)
        if value is None:
            return {"value": None, "as_of": None, "final": True, "met": None, "currently_met": None,
                    "verdict": f"未判定（{goal_year}年12月数据未齐）"}  # fmt: skip
        met = goal_met(value, goal_value, comparator)
        verdict = None if met is None else ("已实现" if met else "未实现")
        return {"value": value, "as_of": deadline, "final": True, "met": met, "currently_met": met, "verdict": verdict}
    usable = [p for p in points if p <= seen]
    if not usable:
        return {"value": None, "as_of": None, "final": False, "met": None, "currently_met": None,
                "verdict": "暂无完整数据"}  # fmt: skip
    as_of = max(usable)
    value = points[as_of]
    now = goal_met(value, goal_value, comparator)
    verdict = None if now is None else ("目前已达到，待年末判定" if now else "尚未达到")
    return {"value": value, "as_of": as_of, "final": False, "met": None, "currently_met": now, "verdict": verdict}


# --- key tasks' quantitative targets: a path from a baseline to the 2027 target --------------


def path_progress(start_year, end_year, year, month):
    """序时进度 along a multi-year path: months elapsed since the end of `start_year` over the
    months to the end of `end_year`, at the end of (year, month); clipped to 0..1."""
    total = (end_year - start_year) * 12
    if total <= 0:
        return Fraction(1)
    elapsed = (year - start_year - 1) * 12 + month
    return min(Fraction(1), max(Fraction(0), Fraction(elapsed, total)))


def path_judgement(latest, baseline, target, progress, yellow_pp=10):
    """A task target judged as a sub-district is: (rate, status) of `latest` on the path from
    `baseline` to `target`, against the path's time progress. None values stay undefined."""
    rate = path_rate(latest, baseline, target)
    return rate, status(rate, progress, yellow_pp)
