"""Who contributes to a task or measure, and who has contributed for a period.

The plan names lead units (牵头单位) and responsible units (责任单位). On a key task the lead
units write the progress report and every responsible unit contributes; on a measure of 四、组织实施
(which has no progress report) every named unit contributes. "各镇街" stands for the
sub-districts of the period's map (its last month's: a unit that has left the district is asked
for nothing, a unit that joined is asked like every other), each of which contributes on its own.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from targets.months import Month
from targets.progress import district_subdistricts

from .choices import TaskKind
from .models import ContributionAttachment, TaskContribution


@dataclass(frozen=True)
class Contributor:
    """A unit or a sub-district expected to contribute; `key` matches `TaskContribution.contributor_key`."""

    key: tuple
    name: str


@dataclass
class ContributorRow:
    contributor: Contributor
    contribution: TaskContribution | None = None

    @property
    def done(self):
        return self.contribution is not None


@dataclass
class ContributionStatus:
    task: object
    period: object
    rows: list = field(default_factory=list)

    @property
    def done_count(self):
        return sum(1 for row in self.rows if row.done)

    @property
    def missing(self):
        return [row.contributor for row in self.rows if not row.done]


def contributing_units(task):
    """The units whose contribution the task asks for, in the plan's order (uses `with_units()`)."""
    named = task.responsible_unit_list
    if task.kind == TaskKind.MEASURE:
        named = [*task.lead_unit_list, *named]
    seen, out = set(), []
    for unit in named:
        if unit.pk not in seen:
            seen.add(unit.pk)
            out.append(unit)
    return out


def expected_contributors(task, subdistricts):
    """[Contributor] of `task`, "各镇街" expanded to `subdistricts` (in plan order)."""
    out = []
    for unit in contributing_units(task):
        if unit.all_subdistricts:
            out += [Contributor(("subdistrict", sub.pk), sub.name) for sub in subdistricts]
        else:
            out.append(Contributor(("unit", unit.pk), unit.name))
    return out


def plan_subdistricts(period=None):
    """The units "各镇街" stands for in `period` (default: this month): those of its last month's
    map, in the order of the plan version in force then (`targets.territory.map_of`)."""
    return district_subdistricts(period.months[-1] if period is not None else Month.current())


def contribution_status(task, period, subdistricts=None):
    """Who has and has not contributed to `task` for `period` (a Period); three queries."""
    subdistricts = plan_subdistricts(period) if subdistricts is None else subdistricts
    contributions = {
        c.contributor_key: c
        for c in TaskContribution.objects.filter(task=task, period=str(period))
        .select_related("unit", "subdistrict", "submitted_by")
        .prefetch_related(Prefetch("attachments", queryset=ContributionAttachment.objects.all()))
    }
    rows = [ContributorRow(c, contributions.get(c.key)) for c in expected_contributors(task, subdistricts)]
    return ContributionStatus(task, period, rows)


def contribution_overview(tasks, period, subdistricts=None):
    """A ContributionStatus for each of `tasks` (loaded `with_units()`) for `period`; two queries."""
    subdistricts = plan_subdistricts(period) if subdistricts is None else subdistricts
    by_task = {}
    for c in TaskContribution.objects.filter(task__in=tasks, period=str(period)).select_related("unit", "subdistrict"):
        by_task.setdefault(c.task_id, {})[c.contributor_key] = c
    out = []
    for task in tasks:
        done = by_task.get(task.pk, {})
        rows = [ContributorRow(c, done.get(c.key)) for c in expected_contributors(task, subdistricts)]
        out.append(ContributionStatus(task, period, rows))
    return out
