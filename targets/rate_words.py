"""How a judged rate is written for a reader: the firms it is made of (今年新增/应增), the mark of a
rate read in firms (`metrics.SMALL_INCREMENT`), the footnote that explains it, and the worked
examples of the 口径说明 page. Plain functions on plain values, computed by `metrics`."""

from .metrics import (
    SMALL_INCREMENT,
    STATUS_LABELS,
    as_percent,
    completion,
    is_hold_year,
    is_small_increment,
    judged_rate,
    status,
    time_progress,
)


def signed_firms(value):
    """A change in firms as written in a table: "+2", "0", "-1" (the minus a percentage has);
    "—" when unknown."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


def firms_text(gained, need):
    """今年新增/应增 for a table cell, in firms: "-1/1", "+2/1"; a year that asks nothing new
    shows 0 asked (its target does not exceed the base); "—" where a value is unknown."""
    asked = "—" if need is None else str(max(need, 0))
    return f"{signed_firms(gained)}/{asked}"


SMALL_MARK = "※"


def rate_text(pct, small=False):
    """A judged rate as shown: "53.3%", with `SMALL_MARK` when read in firms; "—" when undefined."""
    if pct is None:
        return "—"
    return f"{pct:.1f}%{SMALL_MARK if small else ''}"


def small_increment_note(small=SMALL_INCREMENT):
    """The footnote of `SMALL_MARK`; "" for figures judged before the rule (`small` None)."""
    if small is None:
        return ""
    return (
        f"{SMALL_MARK}今年应新增不足{small}家（含年度目标不高于年初基数的）：新增完成率按{small}家折算，"
        f"达到年度目标的记100%加超出家数÷{small}，未达到的记序时进度加（实际新增－序时应新增）÷{small}，"
        "一两家企业的增减不致使排名大起大落"
    )


def rule_examples(yellow_pp=10):
    """Worked examples for the 口径说明 page, computed by the functions above (never typed in).

    Each: (month, base, target, actual) → the firms gained and asked, the rate, its percentage and
    the status; the last four are small increments (`SMALL_INCREMENT`), two of them hold years.
    """
    cases = [
        (6, 40, 60, 52),
        (6, 40, 60, 48),
        (6, 40, 60, 45),
        (9, 40, 60, 60),
        (11, 92, 93, 91),
        (11, 5, 6, 7),
        (6, 10, 12, 11),
        (6, 30, 30, 31),
        (6, 30, 30, 27),
    ]
    out = []
    for month, base, target, actual in cases:
        progress = time_progress(month)
        rate = judged_rate(actual, base, target, progress)
        out.append(
            {
                "month": month,
                "base": base,
                "target": target,
                "actual": actual,
                "gained": actual - base,
                "need": target - base,
                "small": is_small_increment(base, target),
                "hold_year": is_hold_year(base, target),
                "progress_pct": as_percent(progress),
                "rate_pct": as_percent(rate),
                "rate": rate_text(as_percent(rate), is_small_increment(base, target)),
                "firms": firms_text(actual - base, target - base),
                "completion_pct": as_percent(completion(actual, target)),
                "status": status(rate, progress, yellow_pp),
                "status_label": STATUS_LABELS[status(rate, progress, yellow_pp)],
            }
        )
    return out
