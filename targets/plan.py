"""Loading the plan document's data (`fixtures/plan.json`) into the database.

`tasks.plan.load_plan` (this module's `load_targets`, then the key tasks) is idempotent: it
creates what is missing, updates what differs from the fixture and leaves everything else alone,
so running it again changes nothing. It never touches logged monthly counts.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .choices import ALL_YEARS, Metric
from .models import District, Indicator, PlanFigure, SubDistrict

PLAN_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "plan.json"


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
def load_targets(data, report):
    """The plan's own part: the district, its sub-districts, the attachment's figures and the
    goals and indicators. The key tasks are loaded on top of it by `tasks.plan.load_plan`."""
    district = upsert(District, report, "区县", {"slug": data["district"]["slug"]}, {"name": data["district"]["name"]})
    for row in data["subdistricts"]:
        sub = upsert(
            SubDistrict,
            report,
            "街镇",
            {"slug": row["slug"]},
            {"district": district, "name": row["name"], "category": row["category"], "seq": row["seq"]},
        )
        for metric in Metric.values:
            for year in ALL_YEARS:
                upsert(
                    PlanFigure,
                    report,
                    "目标任务分解",
                    {"subdistrict": sub, "metric": metric, "year": year},
                    {"value": row[metric][str(year)]},
                )
    for row in data["indicators"]:
        values = {k: v for k, v in row.items() if k != "code"}
        values["value"] = None if row["value"] is None else Decimal(str(row["value"]))
        upsert(Indicator, report, "目标指标", {"code": row["code"]}, values)
    return report
