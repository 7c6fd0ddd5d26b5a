"""The monthly bulletin (月通报): its figures, its written summary, publishing and revisions.

A bulletin is a plain JSON-able dict ("figures") built from the data. A draft is built afresh
on every request; publishing stores the dict in a BulletinVersion, and the page and the
exports of a published month are drawn from that stored dict only, so later corrections to the
counts never change what leadership has read.
"""

import hashlib
import struct
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from targets import forecast, metrics
from targets.choices import PLAN_YEARS, Category, Metric
from targets.goals import headline_goals
from targets.history import corrections_since_lock
from targets.models import Indicator, MonthLock, MonthlyCount, SubDistrict
from targets.months import Month
from targets.progress import (
    district_progress,
    district_series,
    district_size,
    is_complete,
    latest_logged_month,
    partial_note,
    plan_curve,
    plan_totals,
    reporting_by_month,
    reporting_label,
)
from tasks.choices import Colour
from tasks.services import bulletin_task_summary

from . import charts, exporters, word_template
from .docx_template import TEMPLATE_PATH
from .models import Bulletin, BulletinSettings, BulletinTemplate, BulletinVersion
from .text import clause, sentence

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
        "increment_completion_pct": _pct(metrics.judged_rate(actual, base, target)),
        "new_month": total["new_month"],
        "reported": reported,
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
        "curves": _curves(month, [r.subdistrict for r in progress.rows]),
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


def _curves(month, subs):
    """The district curves up to `month`, as plain data stored with the figures (the Word
    file's pictures are drawn from these, never from today's counts)."""
    series = district_series(subs, month)
    goals = Indicator.objects.filter(kind="headline").exclude(metric="").order_by("year", "position")
    totals = plan_totals(subs)  # the attachment's 合计
    out = {}
    for metric in Metric.values:
        by_year = totals[metric]
        out[metric] = {
            "actual": [[str(p.month), p.value, partial_note(p.reported, len(subs))] for p in series[metric]],
            "curve": [[str(m), None if v is None else round(float(v), 2)] for m, v in plan_curve(by_year)],
            "targets": [[y, by_year[y]] for y in PLAN_YEARS],
            "goals": [[g.year, int(g.value), g.target_text] for g in goals if g.metric == metric],
        }
    return out


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
            f"任务{t['number']}“{clause(t['title'])}”（{'、'.join(t['lead_units'])}）" for t in summary["overdue"]
        )
        lines.append(sentence(f"逾期未报送进展的有：{items}", "请牵头单位尽快报送"))
    if summary["lagging"]:
        # Problems are typed by the units and often end with their own "。" or "；".
        items = "；".join(
            f"任务{t['number']}“{clause(t['title'])}”（{'、'.join(t['lead_units'])}）"
            + (f"：{clause(t['problems'])}" if clause(t["problems"]) else "")
            for t in summary["lagging"]
        )
        lines.append(sentence(f"进展滞后的有：{items}"))
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
            f"本月{figures['expected']}个街镇中{figures['reported_both']}个的数据已录入，"
            f"{_names(figures['not_reported'])}的数据尚未录入。"
            f"月度数据由区科技局根据企业名录录入，各街镇请在“属地核实”中核实本辖区企业的归属。"
        )
    else:
        paragraphs.append(f"本月{figures['expected']}个街镇的数据均已录入（由区科技局根据企业名录录入）。")
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


def pending_revisions(months=None):
    """{Month: n}: corrections to published months that no published version shows yet."""
    return corrections_since_lock(months)


def document_lines():
    """报送 and 抄送 in force now."""
    current = BulletinSettings.current()
    return {"send_to": current.send_to, "copy_to": current.copy_to}


def next_issue_number(year):
    """The 期数 the next bulletin of `year` gets: bulletins are numbered per year, in the order
    they are first published."""
    return (Bulletin.objects.filter(issue_year=year).aggregate(n=Max("issue_number"))["n"] or 0) + 1


@dataclass
class PublishPlan:
    """What publishing `month` now would freeze, for the confirmation page."""

    month: Month
    figures: dict
    last: BulletinVersion | None
    issue_number: int
    template_label: str
    document: dict
    changes: list
    pending: int

    @property
    def counts(self):
        """(sub-district, {metric: count or None}) in plan order, from the figures."""
        rows = {}
        for metric, section in self.figures["metrics"].items():
            for klass in section["classes"].values():
                for row in klass["rows"]:
                    rows.setdefault(row["slug"], {"name": row["name"], "category": row["category"], "seq": row["seq"]})[
                        metric
                    ] = row["actual"]
        return sorted(rows.values(), key=lambda r: (r["category"], r["seq"]))


def publish_plan(month):
    """What a publication of `month` would freeze now (nothing is written)."""
    bulletin = Bulletin.objects.filter(month=month.date).first()
    last = bulletin.versions.order_by("-number").first() if bulletin else None
    figures = build_figures(month)
    _, _, label = active_template()
    number = bulletin.issue_number if bulletin and bulletin.issue_number else next_issue_number(month.year)
    return PublishPlan(
        month=month,
        figures=figures,
        last=last,
        issue_number=number,
        template_label=label,
        document=document_lines(),
        changes=changes_between(last.figures, figures) if last else [],
        pending=corrections_since_lock([month]).get(month, 0),
    )


@transaction.atomic
def publish(month, user, reason="", confirm_partial=False, now=None):
    """Publish (or revise) the bulletin of `month`; returns the new BulletinVersion.

    A partial month (not every sub-district reported both metrics) is published only with
    `confirm_partial`, and the refusal names who is missing. The first publication gives the
    bulletin its 期数 (per year, stored); every version records the Word template and the
    报送/抄送 lines in force, and locks the month as of now, so that later corrections show as
    pending until a revision is published. `now` is when it counts as published (the demo backdates
    its past bulletins); default now.
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
    if bulletin.issue_number is None:
        bulletin.issue_year, bulletin.issue_number = month.year, next_issue_number(month.year)
        bulletin.save(update_fields=["issue_year", "issue_number"])
    _, template, label = active_template()
    figures["issue"] = {"year": bulletin.issue_year, "number": bulletin.issue_number}
    figures["document"] = {**document_lines(), "template": label}
    lock, created = MonthLock.objects.get_or_create(month=month.date)
    if not created:
        lock.locked_at = now
        lock.save(update_fields=["locked_at"])
    return BulletinVersion.objects.create(
        bulletin=bulletin,
        number=(last.number + 1) if last else 1,
        published_at=now,
        published_by=user,
        reason=reason.strip(),
        figures=figures,
        template=template,
        template_label=label,
    )


# The Word template ----------------------------------------------------------------------------

TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def shipped_template():
    data = TEMPLATE_PATH.read_bytes()
    return data, None, f"系统模板（{hashlib.sha256(data).hexdigest()[:8]}）"


def active_template():
    """(bytes, BulletinTemplate or None, label) of the template new exports and publications use:
    the newest upload, else the one shipped with the application."""
    row = BulletinTemplate.objects.filter(disabled_at__isnull=True).order_by("-number").first()
    if row is None:
        return shipped_template()
    return bytes(row.content), row, row.label


def template_of(version):
    """The template a published version was issued with; a draft uses the active one. A
    template disabled as unsafe is never rendered: its bulletins use the shipped one."""
    if version is None:
        return active_template()
    if version.template_id and not version.template.disabled:
        row = version.template
        return bytes(row.content), row, row.label
    return shipped_template()


def unnoted_disabled_templates():
    """Disabled templates the bureau has not yet acknowledged (its 待办 lists them)."""
    return [t for t in disabled_templates() if t.disabled_noted_at is None]


def note_disabled_templates():
    """The bureau has read that its disabled templates are no longer used."""
    return BulletinTemplate.objects.filter(disabled_at__isnull=False, disabled_noted_at__isnull=True).update(
        disabled_noted_at=timezone.now()
    )


def disabled_templates():
    """Uploaded templates disabled because their tags were refused, newest first."""
    return list(BulletinTemplate.objects.filter(disabled_at__isnull=False).defer("content").order_by("-number"))


class TemplateRefused(Exception):
    """An uploaded template was refused; the message is Chinese."""


def _sample_png():
    """A 1×1 white PNG, so that a template's picture tags are tried too."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def check_template(data):
    """Check every tag of `data` (nothing of it runs), then render a bulletin of the latest
    month with it in the sandbox; raise TemplateRefused with the reason."""
    if len(data) > TEMPLATE_MAX_BYTES:
        raise TemplateRefused("模板文件超过5 MB。")
    problems = word_template.template_problems(data)
    if problems:
        raise TemplateRefused(word_template.refusal(problems))
    figures = build_figures(latest_logged_month())
    figures["issue"] = {"year": 2000, "number": 1}
    sample = {key: (caption, _sample_png()) for key, (caption, _) in charts.image_figures(figures).items()}
    try:
        rendered = exporters.render_docx(data, figures, False, sample, {**document_lines(), "charts_note": ""})
    except exporters.TemplateBroken as exc:
        raise TemplateRefused(str(exc)) from None
    leftover = exporters.unrendered_tags(rendered)
    if leftover:
        raise TemplateRefused(f"模板中有未能识别的标记：{leftover}（标记须在同一段文字中完整输入）。")


@transaction.atomic
def save_template(data, filename, user):
    """Keep an uploaded template once it has rendered a bulletin; the previous stays on error."""
    if not filename.lower().endswith(".docx"):
        raise TemplateRefused("请上传Word文档（.docx）。")
    check_template(data)
    number = (BulletinTemplate.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return BulletinTemplate.objects.create(
        number=number,
        content=data,
        filename=filename,  # the caller's tables.upload_name(): at most 200 characters, extension kept
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=timezone.now(),
        uploaded_by=user,
    )


def bulletin_docx(view):
    """The Word file of a BulletinView: its template, its 报送/抄送 and its pictures.

    A stored template the sandbox refuses (one that escaped the migration's check) is disabled
    on the spot and the file is made from the shipped template instead."""
    data, row, _ = template_of(view.version)
    document = dict(view.figures.get("document") or document_lines())
    try:
        images = charts.chart_images(view.figures)
        document["charts_note"] = ""
    except charts.ChartsUnavailable as exc:
        images = {}
        document["charts_note"] = f"（{exc}，图表请在平台网页版查看。）"
    try:
        return exporters.render_docx(data, view.figures, view.draft, images, document)
    except word_template.TemplateUnsafe as exc:
        if row is None:
            raise
        disable_template(row, str(exc))
        data, _, _ = shipped_template()
        return exporters.render_docx(data, view.figures, view.draft, images, document)


def disable_template(row, reason):
    """Never render `row` again (its bulletins fall back to the shipped template)."""
    BulletinTemplate.objects.filter(pk=row.pk, disabled_at__isnull=True).update(
        disabled_at=timezone.now(), disabled_reason=reason
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
        BulletinVersion.objects.filter(bulletin__month=month.date)
        .select_related("published_by", "bulletin")
        .order_by("number")
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
    figures = version.figures
    if "issue" not in figures and version.bulletin.issue_number:
        # published before 期数 were stored with the figures: the number the migration gave it
        figures = {**figures, "issue": {"year": version.bulletin.issue_year, "number": version.bulletin.issue_number}}
    return BulletinView(month, figures, version, versions, changes)


@dataclass
class BulletinMonth:
    month: Month
    versions: list = field(default_factory=list)
    partial_label: str = ""  # "3/17 个街镇已填报" for a month not every sub-district reported
    pending: int = 0

    @property
    def issue(self):
        """ "第3期" from the bulletin's stored 期数."""
        bulletin = self.versions[0].bulletin if self.versions else None
        return f"第{bulletin.issue_number}期" if bulletin and bulletin.issue_number else ""

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
    pending = pending_revisions()
    out = []
    for m in sorted(months, reverse=True):
        n = reporting.get(m, 0)
        partial = "" if is_complete(n, expected) else reporting_label(n, expected)
        out.append(BulletinMonth(m, by_month.get(m, []), partial, pending.get(m, 0)))
    return [b for b in out if b.published] if published_only else out
