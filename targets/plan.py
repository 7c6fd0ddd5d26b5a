"""Loading the plan document's data (`fixtures/plan.json`) into the database.

`load_plan` is idempotent: it creates what is missing, updates what differs from the fixture
and leaves everything else alone, so running it again changes nothing. It never touches logged
monthly counts.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .choices import ALL_YEARS, Metric
from .models import District, PlanFigure, SubDistrict

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


def upsert(model, report, label, lookup, values):
    """Create or update one row; count it in `report` only if something changed.

    Beibei's plan is loaded whichever district this deployment serves (`_base_manager`: every
    district's rows, see `targets.models.DistrictScopedManager`)."""
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        obj = model._base_manager.create(**lookup, **values)
        report.count(label, created=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count(label, created=False)
    return obj


@transaction.atomic
def load_plan(path=PLAN_FIXTURE):
    from tasks.plan import load_tasks_and_indicators

    data = read_plan(path)
    report = LoadReport()
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
    load_tasks_and_indicators(data, report, upsert)
    return report
