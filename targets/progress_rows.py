"""What a month's progress holds: a metric's line (`MetricProgress`), a sub-district's lines, and
the district's (`DistrictProgress`), with the figures pages read from them. `targets.progress`
loads and assembles them."""

from dataclasses import dataclass, field

from . import metrics, rate_words
from .metrics import is_complete
from .models import SubDistrict
from .months import Month


@dataclass
class MetricProgress:
    """One metric of one sub-district (or the district) in one month."""

    actual: int | None
    target: int | None
    base: int | None
    target_2027: int | None
    completion: object = None
    increment_completion: object = None
    status: str = metrics.STATUS_MISSING
    rank_in_class: int | None = None
    rank_overall: int | None = None
    previous_rank_in_class: int | None = None
    previous_rank_overall: int | None = None
    previous_actual: int | None = None
    curve: object = None
    hold_year: bool = False
    covered: int | None = None  # district line only: sub-districts summed (those that reported)
    expected: int | None = None  # district line only: sub-districts in the district
    gap_year: int | None = None
    gap_2027: int | None = None
    pace_year: object = None
    pace_2027: object = None
    forecast: object = None  # targets.forecast.Forecast, where a page adds it
    territory_actual: int | None = None  # district line only: every unit of the month that reported (现辖区)
    territory_covered: int | None = None

    @property
    def status_label(self):
        return metrics.STATUS_LABELS[self.status]

    @property
    def partial_label(self):
        """District line of a partial month: "3/17 个已填报街镇合计"; "" when complete."""
        if self.covered is None or self.covered == self.expected:
            return ""
        return f"{self.covered}/{self.expected} 个已填报街镇合计"

    @property
    def rank_key(self):
        return metrics.rank_key(self.increment_completion, self.completion)

    @property
    def completion_pct(self):
        return metrics.as_percent(self.completion)

    @property
    def increment_completion_pct(self):
        return metrics.as_percent(self.increment_completion)

    @property
    def pace_year_firms(self):
        """每月须增 in whole firms, rounded up."""
        return metrics.whole_firms(self.pace_year)

    @property
    def pace_2027_firms(self):
        return metrics.whole_firms(self.pace_2027)

    @property
    def new_this_month(self):
        return metrics.change(self.previous_actual, self.actual)

    @property
    def new_this_year(self):
        return metrics.change(self.base, self.actual)

    @property
    def increment_target(self):
        """今年应新增: the year's target less its base, in firms (0 or less in a year that asks
        nothing new); None when either is missing."""
        return metrics.change(self.base, self.target)

    @property
    def firms_label(self):
        """今年新增/应增 in firms, "-1/1"."""
        return rate_words.firms_text(self.new_this_year, self.increment_target)

    @property
    def rate_label(self):
        """The judged rate as shown, "53.3%※" when read in firms, "—" when undefined."""
        return rate_words.rate_text(self.increment_completion_pct, self.small_increment)

    @property
    def small_increment(self):
        """The year asks fewer than `metrics.SMALL_INCREMENT` new firms: its rate is read in firms."""
        return metrics.is_small_increment(self.base, self.target)

    @property
    def rank_change_overall(self):
        """Positive when the sub-district moved up since last month."""
        return metrics.rank_change(self.previous_rank_overall, self.rank_overall)

    @property
    def rank_change_in_class(self):
        return metrics.rank_change(self.previous_rank_in_class, self.rank_in_class)


@dataclass
class SubDistrictProgress:
    subdistrict: SubDistrict
    metrics: dict = field(default_factory=dict)  # {metric: MetricProgress}

    @property
    def reported(self):
        return all(m.actual is not None for m in self.metrics.values())

    @property
    def pending(self):
        """No line in the plan version in force: 目标待分解, neither ranked nor coloured."""
        return any(m.status == metrics.STATUS_PENDING for m in self.metrics.values())


@dataclass
class DistrictProgress:
    month: Month
    time_progress: object
    rows: list  # [SubDistrictProgress] for every sub-district of the district, in plan order
    total: dict  # {metric: MetricProgress} summed over the sub-districts that reported it
    reported: dict  # {metric: number of sub-districts with a count}
    data_as_of: object = None
    ranking: dict = None  # {metric: (ranks, reported)}, as `ranking.rank_month` gives a month's
    area: object = None  # targets.territory.MonthMap: the month's units and plan version

    @property
    def caliber(self):
        """ "原方案口径：延续的12个街镇" when the totals judged against targets cover only part of the
        month's units; "" otherwise."""
        return self.area.caliber if self.area is not None else ""

    @property
    def pending_rows(self):
        """The units of the month without a line in the plan version in force (目标待分解)."""
        return [row for row in self.rows if row.pending]

    @property
    def time_progress_pct(self):
        return metrics.as_percent(self.time_progress)

    @property
    def expected(self):
        return len(self.rows)

    @property
    def reported_both(self):
        return sum(1 for row in self.rows if row.reported)

    @property
    def complete(self):
        """Every sub-district reported both metrics: the month can be judged as a whole."""
        return is_complete(self.reported_both, self.expected)

    @property
    def reporting_label(self):
        """ "n/17 个街镇已填报", shown wherever a partial month is shown."""
        return reporting_label(self.reported_both, self.expected)

    @property
    def missing_names(self):
        return [row.subdistrict.name for row in self.rows if not row.reported]

    def rows_visible_to(self, user):
        visible = set(SubDistrict.objects.visible_to(user).values_list("pk", flat=True))
        return [row for row in self.rows if row.subdistrict.pk in visible]

    def by_category(self):
        out = {}
        for row in self.rows:
            if not row.pending:  # a class is the version's: a unit without a line has none
                out.setdefault(row.subdistrict.category, []).append(row)
        return out

    def row_for(self, subdistrict):
        return next(row for row in self.rows if row.subdistrict.pk == subdistrict.pk)


def reporting_label(reported, expected):
    return f"{reported}/{expected} 个街镇已填报"
