"""The rates each assessment item measures, read from stored data in a fixed number of queries.

Counts and progress come from `targets.progress.district_progress` (the same figures as the
dashboard and the bulletin); reports and contributions from `tasks`. The result is plain,
JSON-ready data: what the page shows, what the exports write and what publishing freezes.
"""

from django.utils import timezone

from targets import metrics, territory
from targets.choices import BASE_YEAR, PLAN_YEARS, Metric
from targets.models import PlanFigure
from targets.months import Month, month_range
from targets.progress import district_progress
from tasks import supervision
from tasks.choices import TaskKind
from tasks.contributions import contributing_units
from tasks.models import KeyTask, TaskContribution, TaskReport, Unit
from tasks.periods import Period
from tasks.status import report_facts

from . import catalogue, scoring

INCREMENT_ITEMS = {Metric.HIGH_TECH: "high_tech_increment", Metric.TECH_BASED: "tech_based_increment"}
# the items measured against the plan's targets: a unit without a line in the version in force
# (a town that joined, until a revision decomposes its targets) is not scored on them
TARGET_ITEMS = frozenset((*INCREMENT_ITEMS.values(), "progress_2027"))
PENDING = territory.PENDING


def assessable_years(today):
    return [year for year in PLAN_YEARS if year <= today.year]


def assessed_months(year, today):
    """(counts month, reports month) of `year` as of `today`: the latest month of the year whose
    counts are due (last month) and whose reports' deadline has passed; None where none is yet."""
    last = Month.of(today).previous()
    counts_month = Month(year, 12) if last.year > year else (last if last.year == year else None)
    checked, _ = supervision.checked_period(today)
    reports_month = Month(year, 12) if checked.year > year else (checked if checked.year == year else None)
    return counts_month, reports_month


def _months(year, until):
    return month_range(Month(year, 1), until) if until else []


def _covered(rows):
    """{(task_id, contributor_id): {Month}} from (task_id, contributor_id, period) rows."""
    out = {}
    for task_id, contributor_id, period in rows:
        out.setdefault((task_id, contributor_id), set()).update(Period.parse(period).months)
    return out


def assessed_map(year, today):
    """The map whose units a year's assessment covers: that of the year's last counted month
    (December once the year is over), else this month's. The units of the district at the
    year's end are assessed: a unit that left during the year (水土街道, November 2025) is
    not (its December count is no longer Beibei's), a unit that joined is, without a score on
    the target items until a version of the plan gives it targets."""
    counts_month, _ = assessed_months(year, today)
    return territory.map_of(counts_month or Month.of(today))


def subdistrict_rates(year, today):
    """{subdistrict_id: {item code: rate}} and the sub-districts in the map's order (those with
    a line in the version first)."""
    counts_month, reports_month = assessed_months(year, today)
    area = assessed_map(year, today)
    subs = list(area.members)
    rates = {
        sub.pk: dict.fromkeys(c.code for c in catalogue.ITEMS if c.subject == catalogue.SUBDISTRICT) for sub in subs
    }
    if counts_month:
        progress = district_progress(counts_month)
        base_2022 = {row.subdistrict.pk: row.figures for row in PlanFigure.objects.rows_for(subs, area.version)}
        for row in progress.rows:
            if not area.is_targeted(row.subdistrict):
                continue  # 目标待分解: nothing to measure against
            out = rates[row.subdistrict.pk]
            for metric, code in INCREMENT_ITEMS.items():
                m = row.metrics[metric]
                out[code] = m.increment_completion  # the judged rate: the bulletin's and the ranks'
            out["progress_2027"] = scoring.mean(
                metrics.increment_completion(
                    row.metrics[metric].actual,
                    base_2022[row.subdistrict.pk][metric].get(BASE_YEAR),
                    row.metrics[metric].target_2027,
                )
                for metric in Metric.values
            )
    months = set(_months(year, reports_month))
    tasks = [t for t in KeyTask.objects.with_units() if any(u.all_subdistricts for u in contributing_units(t))]
    covered = _covered(
        TaskContribution.objects.filter(task__in=tasks, subdistrict__isnull=False).values_list(
            "task_id", "subdistrict_id", "period"
        )
    )
    for sub in subs:
        # a unit that joined during the year is asked for the months it belonged to the district
        due = {m for m in months if sub.is_member(m)}
        done = sum(len(covered.get((t.pk, sub.pk), set()) & due) for t in tasks)
        rates[sub.pk]["participation"] = scoring.share(done, len(tasks) * len(due))
    return rates, subs


def _local_date(moment):
    return timezone.localtime(moment).date()


def unit_rates(year, today):
    """{unit_id: {item code: rate}} for every unit that leads a task or is asked to contribute."""
    _, reports_month = assessed_months(year, today)
    months = _months(year, reports_month)
    tasks = list(KeyTask.objects.with_units())
    units = list(Unit.objects.filter(all_subdistricts=False))
    reports = report_facts(TaskReport.objects.counted())
    per_task = {
        t.pk: scoring.report_months(reports.get(t.pk, []), months, supervision.deadline_of, _local_date)
        for t in tasks
        if t.kind == TaskKind.TASK
    }
    covered = _covered(TaskContribution.objects.filter(unit__isnull=False).values_list("task_id", "unit_id", "period"))
    month_set = set(months)
    out = {}
    for unit in units:
        led = [t for t in tasks if t.kind == TaskKind.TASK and unit in t.lead_unit_list]
        asked = [t for t in tasks if unit in contributing_units(t)]
        rates, applies = {}, set()
        if led:
            due = sum(per_task[t.pk][0] for t in led)
            rates["report_coverage"] = scoring.share(sum(per_task[t.pk][1] for t in led), due)
            rates["report_timeliness"] = scoring.share(sum(per_task[t.pk][2] for t in led), due)
            applies |= {"report_coverage", "report_timeliness"}
        if asked:
            done = sum(len(covered.get((t.pk, unit.pk), set()) & month_set) for t in asked)
            rates["contribution_rate"] = scoring.share(done, len(asked) * len(months))
            applies.add("contribution_rate")
        if applies:
            out[unit.pk] = (unit.name, rates, applies)
    return out


def _pct(rate):
    return None if rate is None else float(scoring.rounded(rate * 100, 1))


def _scored(rates, items):
    names = {code: item.name for code, item in catalogue.BY_CODE.items()}
    scored, total = scoring.score(rates, items, names)
    rows = [
        {
            "code": s.code,
            "name": s.name,
            "weight": float(s.weight),
            "rate": _pct(s.rate),
            "points": float(scoring.rounded(s.points)),
        }  # fmt: skip
        for s in scored
    ]
    return rows, total


def results(scheme, today=None):
    """The whole result of `scheme`'s year as of `today`: JSON-ready, as published."""
    today = today or timezone.localdate()
    year = scheme.year
    counts_month, reports_month = assessed_months(year, today)
    sub_items = catalogue.items_for(scheme.items, catalogue.SUBDISTRICT)
    unit_items = catalogue.items_for(scheme.items, catalogue.UNIT)
    rates, subs = subdistrict_rates(year, today)
    area = assessed_map(year, today)
    by_class, totals, pending = {}, {}, []
    for sub in subs:
        if not area.is_targeted(sub):
            pending.append(_pending_row(sub, rates[sub.pk], sub_items))
            continue
        items, totals[sub.slug] = _scored(rates[sub.pk], sub_items)
        by_class.setdefault(sub.category, []).append(
            {
                "id": sub.pk,
                "slug": sub.slug,
                "name": sub.name,
                "category": sub.category,
                "total": float(scoring.rounded(totals[sub.slug])),
                "items": items,
            }
        )
    for rows in by_class.values():
        ranks = scoring.ranks({row["slug"]: totals[row["slug"]] for row in rows})
        for row in rows:
            row["rank"] = ranks[row["slug"]]
        rows.sort(key=lambda r: r["rank"])
    unit_rows, unit_totals = [], {}
    for unit_id, (name, unit_rate, applies) in unit_rates(year, today).items():
        applicable = [row for row in unit_items if row["code"] in applies]
        items, total = _scored(unit_rate, applicable)
        total = scoring.scale_to_full(total, [row["weight"] for row in applicable], catalogue.TOTAL_POINTS)
        unit_totals[unit_id] = total
        unit_rows.append({"unit_id": unit_id, "name": name, "total": float(scoring.rounded(total)), "items": items})
    unit_ranks = scoring.ranks(unit_totals)
    for row in unit_rows:
        row["rank"] = unit_ranks[row["unit_id"]]
    unit_rows.sort(key=lambda r: (r["rank"], r["name"]))
    return {
        "year": year,
        "as_of": today.isoformat(),
        "counts_month": counts_month.label if counts_month else None,
        "reports_month": reports_month.label if reports_month else None,
        "scheme_version": scheme.version,
        "rules": [catalogue.rule_text(row, supervision.deadline_day()) for row in scheme.items],
        "items": scheme.items,
        "subdistricts": {category: by_class.get(category, []) for category in ("A", "B")},
        # units of the year's map without targets in the version in force: not scored on the
        # target items ("目标待分解", never 0), no total, not ranked
        "pending": pending,
        "units": unit_rows,
    }


def _pending_row(sub, rates, items):
    """A unit without targets: its target items say "目标待分解" (no rate, no points), the others
    are scored as for every unit; it has no total and no rank (its total would not compare)."""
    scored, _ = _scored(rates, [row for row in items if row["code"] not in TARGET_ITEMS])
    by_code = {row["code"]: row for row in scored}
    names = {code: item.name for code, item in catalogue.BY_CODE.items()}
    out = []
    for row in items:
        if row["code"] in TARGET_ITEMS:
            out.append(
                {"code": row["code"], "name": names[row["code"]], "weight": float(row["weight"]),
                 "rate": None, "points": None, "note": PENDING}
            )  # fmt: skip
        else:
            out.append(by_code[row["code"]])
    return {"id": sub.pk, "slug": sub.slug, "name": sub.name, "category": "", "total": None, "rank": None,
            "note": PENDING, "items": out}  # fmt: skip
