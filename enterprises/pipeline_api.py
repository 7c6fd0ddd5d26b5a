"""/api/v1/pipeline?year=YYYY (issue 29): per sub-district and for the district, the firms at
each stage, the expected recognitions with their basis, the renewals due, the gap to target.

Shaped and scoped like /api/v1/progress: a `subdistricts` list (the user's: an official only
their own; a unit user none) with `slug` and `name`, and the district's `total` for everyone
(it names no sub-district's figure). Counts of firms are whole numbers and the sub-districts'
sum to the total; the expected recognitions are not whole numbers of firms (`expected`, one
decimal, of the firms that have filed, with `expected_firms` rounded half up and the `basis`
that gives them; `expected_if_filed` the same for the firms not yet filed, not counted).
"""

from targets.models import SubDistrict

from . import pipeline_metrics as pm
from . import pipeline_report as report
from .choices import OPEN_STAGES, Programme


def _expectation(expectation):
    return {
        "expected": float(pm.decimal_text(expectation.value)),
        "expected_firms": expectation.firms,
        "basis": expectation.basis,
    }


def _line(line):
    return {
        "high_tech": {
            "actual": line.actual,
            "target": line.target,
            "gap": line.gap,
            "stages": {stage: line.new.get(stage, 0) for stage in report.HT_STAGES},
            "in_review": line.filed.count,
            **_expectation(line.filed),
            "not_yet_filed": line.early.count,
            "expected_if_filed": float(pm.decimal_text(line.early.value)),
            "expected_if_filed_basis": line.early.basis,
            "renewal_stages": {stage: line.renewal_stages.get(stage, 0) for stage in report.HT_STAGES[1:]},
            "renewals_due": {key: line.renewals.get(key, 0) for key in pm.RENEWAL_KEYS},
            "warning": line.warning,
        },
        "tech_based": {
            "actual": line.tech_actual,
            "target": line.tech_target,
            "gap": line.tech_gap,
            "stages": {stage: line.tech.get(stage, 0) for stage in report.TB_STAGES},
            "in_progress": sum(line.tech.get(s, 0) for s in OPEN_STAGES[Programme.TECH_BASED]),
            **_expectation(line.tech_expected),
        },
    }


def _rates(rates):
    return {
        kind: {stage: {"recognised": r.recognised, "decided": r.decided, "rate": r.percent} for stage, r in by.items()}
        for kind, by in rates.items()
    }


def payload(user, year):
    subs = SubDistrict.objects.visible_to(user)
    data = report.year_pipeline(year, subs)
    return {
        "year": year,
        "as_of": str(data.month),
        "pass_rates": _rates(data.rates),
        "subdistricts": [
            {"slug": line.slug, "name": line.name, "category": line.category, **_line(line)} for line in data.lines
        ],
        "total": _line(data.total),
    }
