"""Points from rates, totals and ranks: pure functions on plain values (no ORM, no request)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from targets import metrics


def points(rate, weight, full=100, floor=0):
    """weight × clamp((rate − floor) / (full − floor), 0, 1) with rate, full and floor as in the
    scheme (`rate` a Fraction of 1, `full`/`floor` in percent); 0 for an undefined rate."""
    if rate is None:
        return Fraction(0)
    full, floor = Fraction(Decimal(full)) / 100, Fraction(Decimal(floor)) / 100
    share = (Fraction(rate) - floor) / (full - floor)
    return Fraction(Decimal(weight)) * min(max(share, Fraction(0)), Fraction(1))


def rounded(value, places=2):
    """A Fraction as a Decimal with `places` decimals (half up), for display and storage."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def mean(values):
    """The mean of the defined values; None when any is undefined (a half-known progress is not progress)."""
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values, Fraction(0)) / len(values)


def share(done, due):
    """done / due; None when nothing was due."""
    if not due:
        return None
    return Fraction(done, due)


@dataclass
class ItemScore:
    code: str
    name: str
    weight: object
    rate: object  # Fraction or None
    points: Fraction


def score(figures, items, names):
    """[ItemScore] and the total for one subject: `figures` {code: rate}, `items` the scheme rows."""
    out = []
    for row in items:
        rate = figures.get(row["code"])
        out.append(
            ItemScore(
                row["code"],
                names[row["code"]],
                row["weight"],
                rate,
                points(rate, row["weight"], row["full"], row["floor"]),
            )  # fmt: skip
        )
    return out, sum((s.points for s in out), Fraction(0))


def ranks(totals):
    """{key: rank} by total, highest first, ties share a rank (the bulletin's competition ranking)."""
    return metrics.competition_ranks(totals)


def report_months(reports, months, deadline_of, local_date):
    """(due, covered, on_time) months of one task's reports over `months`.

    `reports`: `supervision.ReportFact`s of its counted reports. A month is due unless a report
    said "已完成" for a period that ended before it and the bureau accepted it (as supervision
    judges overdue); covered when a counted report covers it; on time when such a report was
    submitted by the month's deadline (`deadline_of(month)`, a date; `local_date(submitted_at)`
    the day it was submitted).
    """
    due = covered = on_time = 0
    for month in months:
        if any(r.accepted_done and r.period.end < month.date for r in reports):
            continue
        due += 1
        covering = [local_date(r.submitted_at) for r in reports if r.period.covers(month)]
        if covering:
            covered += 1
            if min(covering) <= deadline_of(month):
                on_time += 1
    return due, covered, on_time


def scale_to_full(total, weights, full):
    """A subject scored on only some items (a unit that leads no task is not scored on reports):
    its points over the applicable weights, scaled to `full`. Unchanged when they already sum to it."""
    weight = sum((Fraction(Decimal(str(w))) for w in weights), Fraction(0))
    if not weight or weight == full:
        return total
    return total * full / weight
