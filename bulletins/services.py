"""The monthly bulletin (月通报): its figures, its written summary, publishing and revisions.

A bulletin is a plain JSON-able dict ("figures") built from the data. A draft is built afresh
on every request; publishing stores the dict in a BulletinVersion, and the page and the
exports of a published month are drawn from that stored dict only, so later corrections to the
counts never change what leadership has read.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from targets import forecast, metrics
from targets.choices import Category, Metric
from targets.goals import headline_goals
from targets.models import MonthLock, MonthlyCount, SubDistrict
from targets.months import Month
from targets.progress import district_progress, district_size, is_complete, reporting_by_month, reporting_label
from tasks.choices import Colour
from tasks.services import bulletin_task_summary

from .models import Bulletin, BulletinVersion

ISSUER = "北碚区“高科双企”双倍增工作推进专班办公室（区科技局）"
SCHEMA = 1


class PublishRefused(Exception):
    """Publishing was refused; the message is Chinese."""


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


def _class_total(rows):
    """合计 of a class table, like for like: the counts, targets and bases of the sub-districts
    that reported, and the rates of those sums (the same judged rate as a row). The change since
    last month only when every one of them has it."""
    reported = [r for r in rows if r["actual"] is not None]
    if not reported:
        return {
            "actual": None,
            "target": None,
            "base": None,
            "completion_pct": None,
            "increment_completion_pct": None,
            "new_month": None,
            "reported": 0,
            "expected": len(rows),
        }
    actual = sum(r["actual"] for r in reported)
    target = sum(r["target"] for r in reported)
    base = sum(r["base"] for r in reported)
    new_month = [r["new_month"] for r in reported]
    return {
        "actual": actual,
        "target": target,
        "base": base,
        "completion_pct": _pct(metrics.completion(actual, target)),
        "increment_completion_pct": _pct(metrics.judged_rate(actual, base, target)),
        "new_month": None if None in new_month else sum(new_month),
        "reported": len(reported),
        "expected": len(rows),
    }


def _vs_progress(increment_pct, time_pct):
    """ "高于序时进度 5.0 个百分点" / "低于…" / "与序时进度持平"."""
    if increment_pct is None:
        return "新增完成率无法计算"
    diff = round(increment_pct - time_pct, 1)
    if diff > 0:
        return f"高于序时进度{diff:.1f}个百分点"
    if diff < 0:
        return f"低于序时进度{-diff:.1f}个百分点"
    return "与序时进度持平"


def build_figures(month, today=None):
    """Everything the bulletin shows for `month`, computed from the current data."""
    progress = district_progress(month)
    time_pct = _pct(progress.time_progress)
    sections = {}
    for metric in Metric.values:
        rows = [_row(r.metrics[metric], r.subdistrict) for r in progress.rows]
        by_class = {}
        for category in Category.values:
            in_class = [r for r in rows if r["category"] == category]
            in_class.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["seq"]))
            by_class[category] = {"rows": in_class, "total": _class_total(in_class)}
        total = _row(progress.total[metric])
        total.update(reported=progress.reported[metric], expected=len(progress.rows))
        sections[metric] = {
            "label": Metric(metric).label,
            "classes": by_class,
            "total": total,
            "vs_progress": _vs_progress(total["increment_completion_pct"], time_pct),
            "lagging": [r["name"] for r in rows if r["status"] == metrics.STATUS_RED],
            "ahead": metrics.leading((r["name"], r["rank_overall"], r["status"]) for r in rows),
            "ahead_cutoff": metrics.LEADING_CUTOFF,
            "missing": [r["name"] for r in rows if r["status"] == metrics.STATUS_MISSING],
        }
    figures = {
        "schema": SCHEMA,
        "month": str(month),
        "title": title_for(month),
        "issuer": ISSUER,
        "date": (today or timezone.localdate()).isoformat(),
        "time_progress_pct": time_pct,
        "yellow_pp": settings.STATUS_YELLOW_THRESHOLD_PP,
        "metrics": sections,
        "goals": _goals(month, progress.expected),
        "reported_both": progress.reported_both,
        "expected": progress.expected,
        "complete": progress.complete,
        "reporting_label": progress.reporting_label,
        "not_reported": [r.subdistrict.name for r in progress.rows if not r.reported],
        "tasks": _tasks_section(today or timezone.localdate()),
        "warning": forecast.bulletin_section(
            forecast.provider()(month, [r.subdistrict for r in progress.rows]),
            {metric: Metric(metric).label for metric in Metric.values},
        ),
    }
    figures["summary"] = summary_paragraphs(figures, Month.parse(figures["month"]))
    return figures


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
        for g in headline_goals(month, expected=expected)
    ]


def _tasks_section(as_of):
    """The key tasks' supervision state on the bulletin's date, with its written lines."""
    summary = bulletin_task_summary(as_of)
    counts = summary["counts"]
    parts = [
        f"{Colour(c).label}{counts[c]}项" for c in (Colour.GREEN, Colour.BLUE, Colour.RED, Colour.YELLOW) if counts[c]
    ]
    lines = [
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日，{summary['total']}项重点任务中"
        + ("，".join(parts) if parts else "暂无进展报告")
        + f"（按{summary['checked_period_label']}进展报告督办）。"
    ]
    if summary["overdue"]:
        items = "；".join(
            f"任务{t['number']}“{t['title']}”（{'、'.join(t['lead_units'])}）" for t in summary["overdue"]
        )
        lines.append(f"逾期未报送进展的有：{items}，请牵头单位尽快报送。")
    if summary["lagging"]:
        items = "；".join(
            f"任务{t['number']}“{t['title']}”（{'、'.join(t['lead_units'])}）"
            + (f"：{t['problems']}" if t["problems"] else "")
            for t in summary["lagging"]
        )
        lines.append(f"进展滞后的有：{items}。")
    summary["lines"] = lines
    return summary


def _names(names, limit=None):
    names = names[:limit] if limit else names
    return "、".join(names)


def summary_paragraphs(figures, month):
    """The written summary, in the register of a government bulletin."""
    paragraphs = []
    time_pct = figures["time_progress_pct"]
    lines = []
    for metric in Metric.values:
        section = figures["metrics"][metric]
        t = section["total"]
        name = "国家高新技术企业" if metric == Metric.HIGH_TECH else "市级科技型企业"
        if t["actual"] is None:
            lines.append(f"全区{name}本月尚无街镇填报数据。")
            continue
        if t["reported"] == t["expected"]:
            head = f"全区{name}{t['actual']}家，为{month.year}年目标{t['target']}家的{t['completion_pct']:.1f}%"
        else:  # like for like: the reporting sub-districts against their own targets
            head = (
                f"已填报的{t['reported']}个街镇（共{t['expected']}个）{name}合计{t['actual']}家，"
                f"为这些街镇{month.year}年目标{t['target']}家的{t['completion_pct']:.1f}%"
            )
        segments = [head]
        if t["increment_completion_pct"] is not None:
            segments.append(
                f"年度新增任务完成{t['increment_completion_pct']:.1f}%，{section['vs_progress']}（序时进度{time_pct:.1f}%）"
            )
        changes = []
        if t["new_month"] is not None:
            changes.append(f"较上月{'新增' if t['new_month'] >= 0 else '减少'}{abs(t['new_month'])}家")
        if t["new_year"] is not None:
            changes.append(f"较年初{'新增' if t['new_year'] >= 0 else '减少'}{abs(t['new_year'])}家")
        if changes:
            segments.append("，".join(changes))
        lines.append("；".join(segments) + "。")
    paragraphs.append(f"截至{month.year}年{month.month}月底，" + "".join(lines))
    goal_lines = []
    for g in figures["goals"]:
        if g["final"]:
            if g["value"] is None:
                goal_lines.append(f"{g['text']}，{g.get('verdict') or '未判定'}")
            else:
                verdict = "已实现" if g["met"] else "未实现"
                goal_lines.append(f"{g['text']}，{verdict}（{g['year']}年末{g['value']}家）")
        elif g["value"] is None:
            goal_lines.append(f"{g['text']}（暂无全部街镇填报的月份，暂不判定）")
        else:
            as_of = Month.parse(g["as_of"]).label
            if g.get("currently_met") or g["met"]:
                where = f"{as_of}全区{g['value']}家，目前已达到，待{g['year']}年末判定"
            else:
                where = f"{as_of}全区{g['value']}家，{g.get('gap_label', '距总体目标')}尚差{g['gap']}家"
            if g.get("plan_total") is not None:
                where += f"，{g['gap_plan_label']}尚差{g['gap_plan']}家"
            goal_lines.append(f"{g['text']}：{where}")
    if goal_lines:
        paragraphs.append("对照总体目标：" + "；".join(goal_lines) + "。")
    bits = []
    for metric in Metric.values:
        section = figures["metrics"][metric]
        label = section["label"]
        if section["total"]["actual"] is None:
            continue  # nobody reported this metric: nothing to judge
        cutoff = section.get("ahead_cutoff", metrics.LEADING_CUTOFF)
        if section["ahead"]:
            bits.append(
                f"{label}进度靠前的有{_names(section['ahead'])}（全区排名前{cutoff}位且达到序时进度，并列者均列出）"
            )
        if section["lagging"]:
            bits.append(f"{label}进度滞后的有{_names(section['lagging'])}（{len(section['lagging'])}个）")
        else:
            bits.append(f"{label}无进度滞后的街镇")
    if bits:
        paragraphs.append("从街镇看，" + "；".join(bits) + "。")
    if figures.get("warning"):
        paragraphs.append("预警：" + "".join(figures["warning"]["lines"]))
    if figures["not_reported"]:
        paragraphs.append(
            f"本月{figures['expected']}个街镇中{figures['reported_both']}个已完成填报，"
            f"未完成填报的有{_names(figures['not_reported'])}，请抓紧报送。"
        )
    else:
        paragraphs.append(f"本月{figures['expected']}个街镇均已完成数据填报。")
    return paragraphs


def changes_between(old, new):
    """What a revision changed: [(place, before, after)] for counts and totals."""
    out = []
    for metric, section in new["metrics"].items():
        before_section = old["metrics"].get(metric, {})
        label = section["label"]
        before_rows = {r["slug"]: r for c in before_section.get("classes", {}).values() for r in c["rows"]}
        for klass in section["classes"].values():
            for row in klass["rows"]:
                before = before_rows.get(row["slug"], {})
                if before.get("actual") != row["actual"]:
                    out.append((f"{row['name']}{label}", before.get("actual"), row["actual"]))
        before_total = before_section.get("total", {}).get("actual")
        if before_total != section["total"]["actual"]:
            out.append((f"全区{label}合计", before_total, section["total"]["actual"]))
    return out


@transaction.atomic
def publish(month, user, reason="", confirm_partial=False, now=None):
    """Publish (or revise) the bulletin of `month`; returns the new BulletinVersion.

    A partial month (not every sub-district reported both metrics) is published only with
    `confirm_partial`, and the refusal names who is missing. `now` is when it counts as
    published (the demo backdates its past bulletins); default now.
    """
    if month.is_future() or month < Month.first():
        raise PublishRefused(f"{month.label}不在可发布的月份范围内。")
    if not MonthlyCount.objects.filter(month=month.date, subdistrict__in=SubDistrict.objects.all()).exists():
        raise PublishRefused(f"{month.label}尚无任何填报数据，不能发布通报。")
    bulletin, _ = Bulletin.objects.select_for_update().get_or_create(month=month.date)
    last = bulletin.versions.order_by("-number").first()
    if last is not None and not reason.strip():
        raise PublishRefused(f"{month.label}通报已发布（第{last.number}版），发布修订版须填写修订原因。")
    now = now or timezone.now()
    figures = build_figures(month, today=timezone.localdate(now))
    if not figures["complete"] and not confirm_partial:
        raise PublishRefused(
            f"{month.label}数据未齐（{figures['reporting_label']}），未填报的有{_names(figures['not_reported'])}。"
            "确需发布，请勾选“确认在数据未齐时发布”。"
        )
    if (
        last is not None
        and not changes_between(last.figures, figures)
        and last.figures["summary"] == figures["summary"]
    ):
        raise PublishRefused(f"{month.label}的数据与已发布的第{last.number}版相同，无需发布修订版。")
    MonthLock.objects.get_or_create(month=month.date)
    return BulletinVersion.objects.create(
        bulletin=bulletin,
        number=(last.number + 1) if last else 1,
        published_at=now,
        published_by=user,
        reason=reason.strip(),
        figures=figures,
    )


@dataclass
class BulletinView:
    """What a bulletin page or export shows: stored figures for a published version, or a
    draft computed now."""

    month: Month
    figures: dict
    version: BulletinVersion | None
    versions: list
    changes: list

    @property
    def draft(self):
        return self.version is None

    @property
    def latest(self):
        return self.version is None or self.version.number == self.versions[-1].number


def bulletin_view(month, number=None):
    """The latest published version of `month` (or version `number`), else the draft."""
    versions = list(
        BulletinVersion.objects.filter(bulletin__month=month.date).select_related("published_by").order_by("number")
    )
    if number is not None:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise LookupError(f"{month.label}通报没有第{number}版")
    else:
        version = versions[-1] if versions else None
    if version is None:
        return BulletinView(month, build_figures(month), None, versions, [])
    previous = next((v for v in versions if v.number == version.number - 1), None)
    changes = changes_between(previous.figures, version.figures) if previous else []
    return BulletinView(month, version.figures, version, versions, changes)


@dataclass
class BulletinMonth:
    month: Month
    versions: list = field(default_factory=list)
    partial_label: str = ""  # "3/17 个街镇已填报" for a month not every sub-district reported

    @property
    def published(self):
        return bool(self.versions)

    @property
    def first(self):
        return self.versions[0] if self.versions else None

    @property
    def last(self):
        return self.versions[-1] if self.versions else None


def bulletin_months(months, published_only=False):
    """Each month with its published versions and whether every sub-district reported (a
    partial month is labelled "n/17 个街镇已填报"), newest month first. Three queries."""
    by_month = {}
    for version in BulletinVersion.objects.select_related("bulletin", "published_by").order_by("number"):
        by_month.setdefault(Month.of(version.bulletin.month), []).append(version)
    expected = district_size()
    reporting = reporting_by_month()
    out = []
    for m in sorted(months, reverse=True):
        n = reporting.get(m, 0)
        out.append(
            BulletinMonth(m, by_month.get(m, []), "" if is_complete(n, expected) else reporting_label(n, expected))
        )
    return [b for b in out if b.published] if published_only else out
