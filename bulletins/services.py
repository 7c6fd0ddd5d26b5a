"""Publishing the monthly bulletin (月通报): its 期数, its versions and revisions, and what a
publication would freeze. The figures are built by `figures`, the Word file by `template_store`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from targets.history import corrections_since_lock
from targets.models import MonthLock, MonthlyCount
from targets.months import Month
from targets.territory import map_of

from .figures import build_figures
from .models import Bulletin, BulletinVersion
from .template_store import active_template, document_lines
from .text import names


class PublishRefused(Exception):
    """Publishing was refused; the message is Chinese."""


def changes_between(old, new):
    """What a revision changed: [(place, before, after)] for counts and totals."""
    out = []
    for metric, section in new["metrics"].items():
        before_section = old["metrics"].get(metric, {})
        label = section["label"]
        before_rows = {r["slug"]: r for r in section_rows(before_section)}
        for row in section_rows(section):
            before = before_rows.get(row["slug"], {})
            if before.get("actual") != row["actual"]:
                out.append((f"{row['name']}{label}", before.get("actual"), row["actual"]))
        before_total = before_section.get("total", {}).get("actual")
        if before_total != section["total"]["actual"]:
            out.append((f"全区{label}合计", before_total, section["total"]["actual"]))
    return out


def section_rows(section):
    """Every unit's row of a metric's section: the class tables', then those 目标待分解."""
    rows = [row for klass in section.get("classes", {}).values() for row in klass["rows"]]
    return rows + list(section.get("pending", []))


def pending_revisions(months=None):
    """{Month: n}: corrections to published months that no published version shows yet."""
    return corrections_since_lock(months)


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
            for row in section_rows(section):
                rows.setdefault(row["slug"], {"name": row["name"], "category": row["category"], "seq": row["seq"]})[
                    metric
                ] = row["actual"]
        # a unit 目标待分解 has no class in the version in force: after the classes
        return sorted(rows.values(), key=lambda r: (not r["category"], r["category"], r["seq"] or 0))


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
    units = [sub.pk for sub in map_of(month).members]  # the month's own units
    if not MonthlyCount.objects.filter(month=month.date, subdistrict__in=units).exists():
        raise PublishRefused(f"{month.label}尚无任何填报数据，不能发布通报。")
    bulletin, _ = Bulletin.objects.select_for_update().get_or_create(month=month.date)
    last = bulletin.versions.order_by("-number").first()
    if last is not None and not reason.strip():
        raise PublishRefused(f"{month.label}通报已发布（第{last.number}版），发布修订版须填写修订原因。")
    now = now or timezone.now()
    figures = build_figures(month, today=timezone.localdate(now))
    if not figures["complete"] and not confirm_partial:
        raise PublishRefused(
            f"{month.label}数据未齐（{figures['reporting_label']}），未填报的有{names(figures['not_reported'])}。"
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
