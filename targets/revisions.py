"""A revision of the plan (方案修订): a new version's attachment table read from a spreadsheet
shaped like the plan's attachment as an office types it in Excel, validated whole, previewed,
then written in one transaction.

The table: a title row or two, then the header — 类型, 序号, 街镇, then each kind of enterprise
(高新技术企业, 科技型企业, merged over its columns) over 2022年实际数, 2027年目标数 and 年度
(merged over 2023–2027年目标数, on a third header row); 类型 merged down its A类/B类 rows; a 合计
row, checked against the sum of the lines. Files are read by `targets.spreadsheets` (xlsx, xls,
et, ods, csv, with its limits; hidden sheets skipped; a merged cell reads as its first cell, the
others empty). Names are matched as the count import matches them
(`targets.subdistrict_names`), against the units of the effective month: a unit that had left
(or had not yet joined) is refused with `territory.absence_message`.

A revision decomposes the whole district: every unit of its effective month must have a line.
Versions are appended in time order; one that would judge afresh a month whose bulletin is
already published needs a reason (the published bulletins keep their frozen figures).
"""

import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from . import territory
from .choices import ALL_YEARS, Category, Comparator, IndicatorKind
from .importers import MAX_ERRORS
from .models import District, Indicator, MonthLock, PlanFigure, PlanLine, PlanVersion, SubDistrict
from .months import LAST_PLAN_MONTH, Month, month_range
from .revision_reader import (
    GOAL_NAMES,
    MAX_STAGED,
    METRIC_LABELS,
    METRICS,
    STAGE_KEY,
    TARGET_YEAR,
    ParsedRevision,
    RevisionLine,
    RevisionMeta,
    RevisionRejected,
    kind_of_year,
    members_of,
    parse_revision,
)


def version_errors(meta):
    """Why a version with `meta` may not be added (Chinese), [] when it may."""
    errors = []
    effective = meta.effective
    if not Month.first() <= effective <= LAST_PLAN_MONTH:
        errors.append(f"起用月份{effective.label}不在计划期内：须在2023年1月至{LAST_PLAN_MONTH.label}之间。")
        return errors
    if not meta.number.strip():
        errors.append("请填写修订文件的文号。")
    versions = list(PlanVersion.objects.order_by("effective"))
    for version in versions:
        if version.number == meta.number.strip():
            errors.append(f"文号“{version.number}”已有方案版本（{version.effective_month.label}起用），不能重复导入。")
        if version.effective == effective.date:
            errors.append(
                f"{effective.label}已有起用的方案版本{version.label}，修订与其重叠：同一月份只能有一个版本起用。"
            )
    if versions and versions[-1].effective > effective.date:
        latest = versions[-1]
        errors.append(
            f"起用月份{effective.label}早于已有的最新版本{latest.label}（{latest.effective_month.label}起用），"
            "修订与其重叠：方案版本须按时间顺序追加。"
        )
    locked = [Month.of(d) for d in MonthLock.objects.filter(month__gte=effective.date).values_list("month", flat=True)]
    if locked and not meta.reason.strip():
        labels = "、".join(m.label for m in sorted(locked))
        errors.append(
            f"{labels}的月通报已发布，修订自{effective.label}起用将改变这些月份的评价：须说明修订原因"
            "（已发布的通报保持发布时的数值）。"
        )
    return errors


def read_revision(file_name, data, meta, *, sheet=None):
    """The parsed file with every problem, the version's own first (nothing read if it is refused)."""
    problems = version_errors(meta)
    if problems and not Month.first() <= meta.effective <= LAST_PLAN_MONTH:
        return ParsedRevision(file_name=file_name, errors=problems)
    parsed = parse_revision(file_name, data, meta.effective, sheet=sheet)
    parsed.errors = problems + parsed.errors
    return parsed


# --- the preview ------------------------------------------------------------------------------


def compare(lines, meta, totals=None):
    """What the revision changes, against the map of its effective month as it stands: each line
    (its figures in the attachment's column order) with 新增目标 / 目标调整 / 不变, the units that
    gain or lose targets, the months judged afresh, the published ones among them."""
    before = territory.map_of(meta.effective)
    old = {}
    if before.version is not None:
        subs = [sub for sub in before.members if before.is_targeted(sub)]
        old = {row.subdistrict.pk: row.figures for row in PlanFigure.objects.rows_for(subs, before.version)}
    rows = []
    for line in sorted(lines, key=lambda line: (line.category, line.seq)):
        previous = old.get(line.subdistrict_id)
        if previous is None:
            change = "新增目标"
        elif any(previous[m].get(y) != line.figures[m][y] for m in METRICS for y in ALL_YEARS):
            change = "目标调整"
        else:
            change = "不变"
        cells = [line.figures[m][y] for m in METRICS for y in ALL_YEARS]
        rows.append({"line": line, "change": change, "category_label": Category(line.category).label, "cells": cells})
    listed = {line.subdistrict_id for line in lines}
    gained = [row["line"].name for row in rows if row["change"] == "新增目标"]
    lost = [sub.name for sub in before.members if before.is_targeted(sub) and sub.pk not in listed]
    months = month_range(meta.effective, LAST_PLAN_MONTH)
    locked = [
        Month.of(d) for d in MonthLock.objects.filter(month__gte=meta.effective.date).values_list("month", flat=True)
    ]
    return {
        "columns": [(METRIC_LABELS[m], f"{y}年{kind_of_year(y)}") for m in METRICS for y in ALL_YEARS],
        "total_cells": [totals[m][y] for m in METRICS for y in ALL_YEARS] if totals else [],
        "rows": rows,
        "before": before.version,
        "gained": gained,
        "lost": lost,
        "dropped": [sub.name for sub in before.outside],
        "first_month": meta.effective,
        "last_month": months[-1],
        "month_count": len(months),
        "locked": sorted(Month.of(d) for d in locked),
    }


# --- writing ------------------------------------------------------------------------------------


@transaction.atomic
def save_revision(lines, totals, meta, user=None, file_name=""):
    """Write the version, its lines, figures and headline goals, and move each unit's class and
    序号 to its line; RevisionRejected (nothing written) when the version may not be added."""
    problems = version_errors(meta)
    listed = {line.subdistrict_id for line in lines}
    missing = [sub.name for sub in members_of(meta.effective) if sub.pk not in listed]
    if missing:
        problems.append(f"缺少{len(missing)}个街镇的行：{'、'.join(missing)}。")
    if problems:
        raise RevisionRejected(problems)
    reason = meta.reason.strip() or f"载入方案修订{meta.number}"
    version = PlanVersion(
        district=District.objects.get(slug=settings.DISTRICT_SLUG),
        number=meta.number.strip(),
        title=meta.full_title,
        issued=meta.issued,
        effective=meta.effective.date,
        is_example=meta.is_example,
        reason=meta.reason.strip(),
        source_file=file_name[:200],
        recorded_by=user,
    )
    version._change_reason = reason
    version.save()
    subs = SubDistrict.objects.in_bulk(listed)
    bulk_create_with_history(
        [
            PlanLine(version=version, subdistrict=subs[line.subdistrict_id], category=line.category, seq=line.seq)
            for line in lines
        ],
        PlanLine,
        default_user=user,
        default_change_reason=reason,
    )
    bulk_create_with_history(
        [
            PlanFigure(version=version, subdistrict=subs[line.subdistrict_id], metric=metric, year=year, value=value)
            for line in lines
            for metric in METRICS
            for year, value in line.figures[metric].items()
        ],
        PlanFigure,
        default_user=user,
        default_change_reason=reason,
    )
    for position, metric in enumerate(METRICS, start=1):
        value = totals[metric][TARGET_YEAR]
        indicator = Indicator(
            code=f"{metric}_{TARGET_YEAR}_v{version.pk}",
            version=version,
            kind=IndicatorKind.HEADLINE,
            position=position,
            name=GOAL_NAMES[metric],
            year=TARGET_YEAR,
            comparator=Comparator.GTE,
            value=Decimal(value),
            unit="家",
            metric=metric,
            source=version.number[:64],
            text=f"据{version.label}附件合计：到{TARGET_YEAR}年全区{GOAL_NAMES[metric]}达到{value}家"[:200],
        )
        indicator._change_reason = reason
        indicator.save()
    _move_units(lines, listed, reason)
    return version


def _move_units(lines, listed, reason):
    """Each unit of the version takes its line's class and 序号; a unit the version does not list
    (one that has left) keeps its class and moves to a free 序号 if its own is now taken."""
    units = list(SubDistrict.objects.select_for_update().order_by("pk"))
    wanted = {line.subdistrict_id: (line.category, line.seq) for line in lines}
    taken = set(wanted.values())
    others = [u for u in units if u.pk not in listed]
    parked = {}
    top = max([u.seq for u in units] + [line.seq for line in lines] + [0])
    for unit in others:
        if (unit.category, unit.seq) in taken:
            top += 1
            parked[unit.pk] = (unit.category, top)
    changing = [u for u in units if (u.pk in wanted and (u.category, u.seq) != wanted[u.pk]) or u.pk in parked]
    # clear the way first: the (district, category, seq) constraint holds after every statement
    base = top + 1
    for offset, unit in enumerate(changing):
        SubDistrict._base_manager.filter(pk=unit.pk).update(seq=base + offset)
    for unit in changing:
        unit.category, unit.seq = wanted.get(unit.pk) or parked[unit.pk]
        unit._change_reason = reason
        unit.save(update_fields=["category", "seq"])


# --- staging between the preview and the confirmation -----------------------------------------


def stage(session, parsed, meta):
    now = time.time()
    stages = {
        t: s
        for t, s in session.get(STAGE_KEY, {}).items()
        if now - s.get("staged_at", 0) <= settings.IMPORT_STAGE_MINUTES * 60
    }
    for old in sorted(stages, key=lambda t: stages[t]["staged_at"])[: max(0, len(stages) - MAX_STAGED + 1)]:
        del stages[old]
    token = secrets.token_urlsafe(18)
    stages[token] = {
        "meta": meta.as_dict(),
        "file_name": parsed.file_name,
        "sheet": parsed.sheet,
        "notes": parsed.notes[:MAX_ERRORS],
        "lines": [
            [line.subdistrict_id, line.name, line.category, line.seq, _plain(line.figures), line.row]
            for line in parsed.lines
        ],
        "totals": _plain(parsed.totals),
        "staged_at": now,
    }
    session[STAGE_KEY] = stages
    return token


def _plain(figures):
    return {metric: {str(year): value for year, value in years.items()} for metric, years in figures.items()}


def _typed(figures):
    return {metric: {int(year): value for year, value in years.items()} for metric, years in figures.items()}


def staged(session, token):
    """(lines, totals, meta, stage) of this session's `token`, or None when it is gone or expired."""
    stages = session.get(STAGE_KEY, {})
    entry = stages.get(token) if token else None
    if entry is None or time.time() - entry.get("staged_at", 0) > settings.IMPORT_STAGE_MINUTES * 60:
        return None
    lines = [RevisionLine(pk, name, cat, seq, _typed(figs), row) for pk, name, cat, seq, figs, row in entry["lines"]]
    return lines, _typed(entry["totals"]), RevisionMeta.from_dict(entry["meta"]), entry


def drop(session, token):
    stages = dict(session.get(STAGE_KEY, {}))
    if stages.pop(token, None) is not None:
        session[STAGE_KEY] = stages


def import_revision(file_name, data, meta, user=None, *, sheet=None):
    """Read, check and write in one go (the command): the new version, or RevisionRejected."""
    parsed = read_revision(file_name, data, meta, sheet=sheet)
    if parsed.errors:
        raise RevisionRejected(parsed.errors)
    return save_revision(parsed.lines, parsed.totals, meta, user, file_name)
