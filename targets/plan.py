"""Loading the plan document's data (`fixtures/plan.json`) into the database.

`tasks.plan.load_plan` (this module's `load_targets`, then the key tasks) is idempotent: it
creates what is missing, updates what differs from the fixture and leaves everything else alone,
so running it again changes nothing. It never touches logged monthly counts.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .choices import ALL_YEARS, Joined, Left, Metric
from .models import BoundaryChange, District, Indicator, PlanFigure, PlanLine, PlanVersion, SubDistrict
from .months import Month

PLAN_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "plan.json"
# the adjustments of the district's map that ship with the application (data with its source)
BOUNDARY_FIXTURES = sorted((Path(settings.BASE_DIR) / "fixtures").glob("boundary-*.json"))


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, label, created):
        bucket = self.created if created else self.updated
        bucket[label] = bucket.get(label, 0) + 1

    @property
    def changed(self):
        return bool(self.created or self.updated)


def read_plan(path=PLAN_FIXTURE):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


PLAN_REASON = "载入实施方案（load_plan）"


def upsert(model, report, label, lookup, values):
    """Create or update one row; count it in `report` only if something changed.

    Beibei's plan is loaded whichever district this deployment serves (`_base_manager`: every
    district's rows, see `targets.models.DistrictScopedManager`)."""
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = PLAN_REASON  # kept by the models with history
        obj.save()
        report.count(label, created=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = PLAN_REASON
        obj.save(update_fields=changed)
        report.count(label, created=False)
    return obj


@transaction.atomic
def load_targets(data, report, boundaries=True):
    """The plan's own part: the district, its sub-districts, the attachment's figures and the
    goals and indicators. The key tasks are loaded on top of it by `tasks.plan.load_plan`."""
    district = upsert(District, report, "区县", {"slug": data["district"]["slug"]}, {"name": data["district"]["name"]})
    about = data["version"]
    version = upsert(
        PlanVersion,
        report,
        "方案版本",
        {"district": district, "effective": Month.parse(about["effective"]).date},
        {"number": about["number"], "title": about["title"], "issued": date.fromisoformat(about["issued"])},
    )
    for row in data["subdistricts"]:
        values = {"district": district, "name": row["name"]}
        if not SubDistrict._base_manager.filter(slug=row["slug"]).exists():
            # a unit's own class and 序号 follow the newest version that lists it (a revision may
            # renumber them): the plan's are set when the unit is created, and kept in its line
            values |= {"category": row["category"], "seq": row["seq"]}
        sub = upsert(SubDistrict, report, "街镇", {"slug": row["slug"]}, values)
        upsert(
            PlanLine, report, "方案附件行", {"version": version, "subdistrict": sub},
            {"category": row["category"], "seq": row["seq"]},
        )  # fmt: skip
        for metric in Metric.values:
            for year in ALL_YEARS:
                upsert(
                    PlanFigure,
                    report,
                    "目标任务分解",
                    {"version": version, "subdistrict": sub, "metric": metric, "year": year},
                    {"value": row[metric][str(year)]},
                )
    for row in data["indicators"]:
        values = {k: v for k, v in row.items() if k != "code"}
        values["value"] = None if row["value"] is None else Decimal(str(row["value"]))
        values["version"] = version if row["kind"] == "headline" else None
        upsert(Indicator, report, "目标指标", {"code": row["code"]}, values)
    if boundaries:
        load_boundary_changes(report)
    return report


def load_boundary_changes(report=None):
    """Apply every shipped change of the map (`fixtures/boundary-*.json`), oldest first."""
    report = report or LoadReport()
    for path in BOUNDARY_FIXTURES:
        load_boundary_change(read_plan(path), report)
    return report


def load_boundary_change(data, report):
    """One shipped adjustment of the map (`fixtures/boundary-*.json`): the change with its
    authority and source, the units that left (their membership ends, nothing of theirs is
    deleted) and the units that joined (created with their membership)."""
    district = District.objects.get(slug=data["district"])
    effective = Month.parse(data["effective"]).date
    change = upsert(
        BoundaryChange,
        report,
        "区划调整",
        {"district": district, "effective": effective, "title": data["title"]},
        {"authority": data["authority"], "announced": date.fromisoformat(data["announced"]), "source": data["source"]},
    )
    for row in data["left"]:
        upsert(
            SubDistrict, report, "街镇", {"slug": row["slug"]},
            {"left": effective, "left_how": Left(row["how"]), "left_by": change, "went_to": row["to"]},
        )  # fmt: skip
    for row in data["joined"]:
        sub = SubDistrict._base_manager.filter(slug=row["slug"]).first()
        values = {"joined": effective, "joined_how": Joined(row["how"]), "joined_by": change, "came_from": row["from"]}
        if sub is None:  # its class and 序号 come with the first plan version that lists it
            values |= {"district": district, "name": row["name"], "category": "", "seq": row["seq"]}
        upsert(SubDistrict, report, "街镇", {"slug": row["slug"]}, values)
