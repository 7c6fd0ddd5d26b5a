"""The tasks, units and indicators part of `targets.plan.load_plan`."""

from decimal import Decimal

from .models import Indicator, KeyTask, TaskGroup, TaskLead, TaskResponsible, TaskTarget, Unit


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


def load_tasks_and_indicators(data, report, upsert):
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
                },
            )
    for row in data["indicators"]:
        values = {k: v for k, v in row.items() if k != "code"}
        values["value"] = None if row["value"] is None else Decimal(str(row["value"]))
        upsert(Indicator, report, "目标指标", {"code": row["code"]}, values)
