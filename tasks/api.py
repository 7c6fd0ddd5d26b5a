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
                "baseline": _number(p.target.baseline),
                "baseline_year": p.target.baseline_year,
                "path_rate": None if p.rate is None else round(float(p.rate), 4),
                "path_time_progress": None if p.time_progress is None else round(float(p.time_progress), 4),
                "path_status": p.status,
            }
            for p in row.targets
        ],
        "status": row.colour,
        "status_label": row.assessment.colour_label,
        "data_status": row.assessment.data_status,
        "declared": row.assessment.declared_label,
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
    """Every indicator with its one judgement (targets.goals), as of the latest complete month."""
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
                "text": row.indicator.text,
                "value_source": row.source_text,
                "judged": {
                    "value": _value(row.value),
                    "as_of": str(row.as_of) if row.as_of else None,
                    "final": row.final,
                    "met": row.met,
                    "currently_met": row.currently_met,
                    "verdict": row.verdict,
                    "gap_to_goal": row.gap_goal,
                    "plan_total": row.plan_total,
                    "gap_to_plan_total": row.gap_plan,
                },
                "met": row.met,
                "values": [{"period": str(m), "value": _value(v), "how": how} for m, v, how in row.series],
            }
            for row in rows
        ]
    }
