"""Loading the whole plan: the plan's own part (`targets.plan.load_targets`), then its units and
key tasks."""

from decimal import Decimal

from django.db import transaction

from targets import freshness
from targets.plan import PLAN_FIXTURE, LoadReport, load_targets, read_plan, upsert

from .models import KeyTask, TaskGroup, TaskLead, TaskResponsible, TaskTarget, Unit


def _sync_units(task, through, names, units, report, label):
    wanted = {units[name].pk: pos for pos, name in enumerate(names, 1)}
    existing = {row.unit_id: row for row in through.objects.filter(task=task)}
    for unit_id, row in existing.items():
        if unit_id not in wanted:
            row.delete()
            report.count(label, created=False)
    for unit_id, pos in wanted.items():
        row = existing.get(unit_id)
        if row is None:
            through.objects.create(task=task, unit_id=unit_id, position=pos)
            report.count(label, created=True)
        elif row.position != pos:
            row.position = pos
            row.save(update_fields=["position"])
            report.count(label, created=False)


def load_tasks(data, report):
    units = {}
    for row in data["units"]:
        units[row["name"]] = upsert(
            Unit, report, "单位", {"name": row["name"]}, {"all_subdistricts": row["all_subdistricts"]}
        )
    groups = {}
    for row in data["groups"]:
        groups[row["number"]] = upsert(
            TaskGroup, report, "任务分组", {"number": row["number"]}, {"kind": row["kind"], "title": row["title"]}
        )
    for row in data["tasks"]:
        task = upsert(
            KeyTask,
            report,
            "重点任务",
            {"kind": row["kind"], "number": row["number"]},
            {"group": groups[row["group"]], "title": row["title"], "text": row["text"]},
        )
        _sync_units(task, TaskLead, row["lead_units"], units, report, "牵头单位")
        _sync_units(task, TaskResponsible, row["responsible_units"], units, report, "责任单位")
        for pos, target in enumerate(row["targets"], 1):
            upsert(
                TaskTarget,
                report,
                "任务量化目标",
                {"task": task, "name": target["name"]},
                {
                    "position": pos,
                    "value": Decimal(str(target["value"])),
                    "unit": target["unit"],
                    "comparator": target["comparator"],
                    "year": target["year"],
                    "text": target.get("text", ""),
                    "registry_code": target.get("registry_code", ""),
                },
            )


@transaction.atomic
def load_plan(path=PLAN_FIXTURE, boundaries=True):
    """Create or repair every row of the plan from `path`, and apply the shipped changes of the
    map (`fixtures/boundary-*.json`) unless `boundaries` is False; counts and reports are never
    touched."""
    data = read_plan(path)
    report = load_targets(data, LoadReport(), boundaries=boundaries)
    load_tasks(data, report)
    freshness.ensure_tokens()  # before any writer reads a version in its own transaction
    return report
