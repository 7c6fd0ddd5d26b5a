"""A bulletin's figures: everything it shows for a month, as a plain JSON-able dict.

A draft is built afresh on every request; publishing stores the dict in a BulletinVersion
(`services.publish`), and the page and the exports of a published month are drawn from that
stored dict only, so later corrections to the counts never change what leadership has read.
The shape of the dict is `schema.SCHEMA`; its sentences are written by `text`.
"""

from django.conf import settings
from django.utils import timezone

from targets import forecast, metrics
from targets.choices import PLAN_YEARS, Category, Metric
from targets.goals import headline_goals, headline_of
from targets.map_notes import caliber_note
from targets.months import Month
from targets.progress import district_progress, partial_note, plan_curve, plan_totals
from targets.series import district_series
from tasks.services import bulletin_task_summary

from . import warning
from .schema import SCHEMA
from .text import summary_paragraphs, task_lines, vs_progress

ISSUER = "北碚区“高科双企”双倍增工作推进专班办公室（区科技局）"


def title_for(month):
    return f"北碚区“高科双企”双倍增工作进展月通报（{month.year}年{month.month}月）"


def _pct(ratio):
    return metrics.as_percent(ratio)


def _row(progress, sub=None):
    row = {
        "actual": progress.actual,
        "target": progress.target,
        "base": progress.base,
        "completion_pct": _pct(progress.completion),
        "increment_completion_pct": _pct(progress.increment_completion),
        "hold_year": progress.hold_year,
        "status": progress.status,
        "status_label": progress.status_label,
        "new_month": progress.new_this_month,
        "new_year": progress.new_this_year,
        "need": progress.increment_target,
        "small": progress.small_increment,
        "gap_year": progress.gap_year,
        "gap_2027": progress.gap_2027,
    }
    if sub is not None:
        row.update(
            slug=sub.slug,
            name=sub.name,
            category=sub.category,
            seq=sub.seq,
            rank=progress.rank_in_class,
            rank_overall=progress.rank_overall,
            rank_change=progress.rank_change_in_class,
        )
    return row


def _class_total(rows, time_progress):
    """合计 of a class table, like for like (`metrics.like_for_like_total`): the counts, targets
    and bases of the sub-districts that reported, and the rates of those sums (the same judged
    rate as a row). The change since last month only when every one of them has it."""
    total, reported = metrics.like_for_like_total(rows, ("target", "base"), ("new_month",))
    if total is None:
        total = dict.fromkeys(("actual", "target", "base", "new_month"))
    actual, target, base = total["actual"], total["target"], total["base"]
    return {
        "actual": actual,
        "target": target,
        "base": base,
        "completion_pct": _pct(metrics.completion(actual, target)),
        "increment_completion_pct": _pct(metrics.judged_rate(actual, base, target, time_progress)),
        "new_month": total["new_month"],
        "new_year": metrics.change(base, actual),
        "need": metrics.change(base, target),
        "small": metrics.is_small_increment(base, target),
        "reported": reported,
        "expected": len(rows),
    }


def build_figures(month, today=None):
    """Everything the bulletin shows for `month`, computed from the current data."""
    progress = district_progress(month)
    time_pct = _pct(progress.time_progress)
    sections = {}
    pending = {row.subdistrict.pk for row in progress.pending_rows}
    for metric in Metric.values:
        rows = [_row(r.metrics[metric], r.subdistrict) for r in progress.rows]
        judged = [r for r, p in zip(rows, progress.rows, strict=True) if p.subdistrict.pk not in pending]
        waiting = [
            {**r, "note": p.subdistrict.joined_note}
            for r, p in zip(rows, progress.rows, strict=True)
            if p.subdistrict.pk in pending
        ]
        by_class = {}
        for category in Category.values:
            in_class = [r for r in judged if r["category"] == category]
            in_class.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["seq"]))
            by_class[category] = {"rows": in_class, "total": _class_total(in_class, progress.time_progress)}
        line = progress.total[metric]
        total = _row(line)
        # like for like: the units with a target in the version in force that reported, of them all
        total.update(
            reported=line.covered,
            expected=line.expected,
            territory_actual=line.territory_actual,
            territory_reported=line.territory_covered,
            territory_expected=len(progress.rows),
        )
        sections[metric] = {
            "label": Metric(metric).label,
            "classes": by_class,
            "total": total,
            "pending": waiting,
            "vs_progress": vs_progress(total["increment_completion_pct"], time_pct),
            "lagging": [r["name"] for r in judged if r["status"] == metrics.STATUS_RED],
            "ahead": metrics.leading((r["name"], r["rank_overall"], r["status"]) for r in judged),
            "ahead_cutoff": metrics.LEADING_CUTOFF,
            "missing": [r["name"] for r in judged if r["status"] == metrics.STATUS_MISSING],
        }
    figures = {
        "schema": SCHEMA,
        "month": str(month),
        "title": title_for(month),
        "issuer": ISSUER,
        "date": (today or timezone.localdate()).isoformat(),
        "time_progress_pct": time_pct,
        "yellow_pp": settings.STATUS_YELLOW_THRESHOLD_PP,
        "small_increment": metrics.SMALL_INCREMENT,
        "metrics": sections,
        "caliber": progress.caliber,
        "territory": progress.area.territory,
        "caliber_note": caliber_note(month),
        "pending_title": PENDING_TITLE,
        "goals": _goals(month, progress.expected),
        "goals_note": _goals_note(progress.area),
        "reported_both": progress.reported_both,
        "expected": progress.expected,
        "complete": progress.complete,
        "reporting_label": progress.reporting_label,
        "not_reported": [r.subdistrict.name for r in progress.rows if not r.reported],
        "tasks": _tasks_section(today or timezone.localdate()),
        "curves": _curves(month, progress),
        "warning": warning.bulletin_section(
            forecast.provider()(month, progress.area.targeted_members),
            {metric: Metric(metric).label for metric in Metric.values},
        ),
    }
    figures["summary"] = summary_paragraphs(figures, Month.parse(figures["month"]))
    return figures


PENDING_TITLE = "目标待分解的街镇"


def _goals_note(area):
    """Why a month whose map the version in force does not cover has no goal judged (its headline
    goals are over the version's whole attachment): "" when the map is whole."""
    if area.is_whole or area.version is None:
        return ""
    return (
        f"{area.version.label}的总体目标按其附件全部街镇设定，本月区划与附件不一致"
        f"（{area.caliber}，{area.territory}），总体目标暂不对照判定，待方案修订后按新口径判定"
    )


def _goals(month, expected):
    """The headline goals, judged once (targets.goals): a goal of year Y only on December Y's
    total of every sub-district; before then where the latest complete month stands, with the
    distance to the goal and to the attachment's 合计, each labelled."""
    return [
        {
            "text": g.text,
            "metric": g.indicator.metric,
            "year": g.indicator.year,
            "goal": int(g.indicator.value),
            "value": g.value,
            "as_of": str(g.as_of) if g.as_of else None,
            "met": g.met,
            "currently_met": g.currently_met,
            "verdict": g.verdict,
            "gap": g.gap_goal,
            "gap_label": g.gap_goal_label,
            "plan_total": g.plan_total,
            "gap_plan": g.gap_plan,
            "gap_plan_label": g.gap_plan_label,
            "final": g.final,
        }
        for g in headline_goals(month)
    ]


def _curves(month, progress):
    """The district curves up to `month`, as plain data stored with the figures (the Word
    file's pictures are drawn from these, never from today's counts): the units with a line in
    the version in force (`area.caliber`), against that version's 合计 and goals, the year's
    path drawn from the base its rates are judged from (`base`)."""
    area = progress.area
    subs = area.targeted_members
    series = district_series(month, units=lambda _: subs)
    goals = headline_of(area)
    totals = plan_totals(subs, area.version)  # the attachment's 合计
    out = {}
    for metric in Metric.values:
        by_year = totals[metric]
        out[metric] = {
            "actual": [[str(p.month), p.value, partial_note(p.reported, len(subs))] for p in series[metric]],
            "curve": [[str(m), None if v is None else round(float(v), 2)] for m, v in plan_curve(by_year)],
            "targets": [[y, by_year[y]] for y in PLAN_YEARS],
            "base": progress.total[metric].base,
            "goals": [[g.year, int(g.value), g.target_text] for g in goals if g.metric == metric],
        }
    return out


def _tasks_section(as_of):
    """The key tasks' supervision state on the bulletin's date, with its written lines."""
    summary = bulletin_task_summary(as_of)
    summary["lines"] = task_lines(summary, as_of)
    return summary
