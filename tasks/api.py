"""Payloads of /api/v1/tasks and /api/v1/indicators, scoped like the pages."""

from targets.api import _number
from targets.indicators import indicator_rows

from .models import KeyTask
from .status import task_status_rows


def _value(value):
    return value if isinstance(value, int) else _number(value)


def _names(units):
    return [unit.name for unit in units]


def task_payload(row):
    task = row.task
    latest = row.latest
    return {
        "number": task.number,
        "group": task.group.title,
        "title": task.title,
        "lead_units": _names(task.lead_unit_list),
        "responsible_units": _names(task.responsible_unit_list),
        "targets": [
            {
                "name": p.target.name,
                "value": _number(p.target.value),
                "unit": p.target.unit,
                "comparator": p.target.comparator,
                "latest": _number(p.latest),
            }
            for p in row.targets
        ],
        "status": row.colour,
        "status_label": row.assessment.colour_label,
        "overdue": row.assessment.overdue,
        "last_report": (
            {"period": str(latest.period), "submitted_at": latest.submitted_at.isoformat()} if latest else None
        ),
    }


def tasks_payload(user):
    visible = KeyTask.objects.visible_to(user)
    return {
        "tasks": [task_payload(row) for row in task_status_rows(visible.tasks())],
        "measures": [
            {
                "number": m.number,
                "title": m.title,
                "lead_units": _names(m.lead_unit_list),
                "responsible_units": _names(m.responsible_unit_list),
            }
            for m in visible.measures().with_units()
        ],
    }


def indicators_payload(user):
    rows = indicator_rows()
    return {
        "indicators": [
            {
                "code": row.indicator.code,
                "kind": row.indicator.kind,
                "name": row.indicator.name,
                "year": row.indicator.year,
                "comparator": row.indicator.comparator,
                "value": _number(row.indicator.value),
                "unit": row.indicator.unit,
                "target_text": row.indicator.target_text,
                "source": row.indicator.source,
                "value_source": "monthly_counts" if row.from_counts else "recorded",
                "latest": (
                    {
                        "period": str(row.latest.month),
                        "value": _value(row.latest.value),
                        "reported_subdistricts": row.latest.reported,
                    }
                    if row.latest
                    else None
                ),
                "met": row.met,
                "values": [
                    {
                        "period": str(p.month),
                        "value": _value(p.value),
                        "reported_subdistricts": p.reported,
                    }
                    for p in row.points
                ],
            }
            for row in rows
        ]
    }
