"""What the map of a month says in words: the district's changes (BoundaryChange) and the 口径 of
a month judged on a plan version drawn on another map. Composed from the data only (the change,
the units it moved, the month's map), never typed into a template; the bulletin, the 口径说明
page and any export read the same sentences.
"""

from dataclasses import dataclass

from django.db.models import Count

from .choices import joined_clause, left_clause
from .models import BoundaryChange, PlanLine
from .months import Month
from .territory import map_of, plan_versions


def _kind(units):
    """ "镇" when every unit is a 镇, "街道" when every one is a 街道, else "街镇"."""
    for suffix in ("镇", "街道"):
        if units and all(unit.name.endswith(suffix) for unit in units):
            return suffix
    return "街镇"


def _ordered(units):
    return sorted(units, key=lambda unit: (unit.category or "~", unit.seq or 0, unit.pk))


def _groups(units, key):
    out = {}
    for unit in _ordered(units):
        out.setdefault(key(unit), []).append(unit)
    return out


def _names(units):
    return "、".join(unit.name for unit in units)


def change_clauses(change):
    """The clauses of one change, without its month: ["水土街道、…划出北碚区（划入两江新区）",
    "大湾镇、…由原渝北区划入"], grouped by how and where the units went or came from."""
    district = change.district.name
    clauses = []
    for (how, to), units in _groups(change.left_units.all(), lambda u: (u.left_how, u.went_to)).items():
        clauses.append(left_clause(how, _names(units), to, district))
    for (how, source), units in _groups(change.joined_units.all(), lambda u: (u.joined_how, u.came_from)).items():
        clauses.append(joined_clause(how, _names(units), source))
    return clauses


def change_sentence(change):
    """ "2025年11月起，水土街道、…划出北碚区（划入两江新区），大湾镇、…由原渝北区划入" (no final mark)."""
    clauses = change_clauses(change)
    head = f"{Month.of(change.effective).label}起"
    return f"{head}，{'，'.join(clauses)}" if clauses else head


def changes_noted(month):
    """The changes a note of `month` names: those effective in `month`, and, while the month is
    judged on a version drawn on an older map, every change since that version took effect."""
    area = map_of(month)
    changes = BoundaryChange.objects.select_related("district").prefetch_related(
        "left_units__district", "joined_units__district"
    )
    since = area.version.effective if area.version is not None and not area.is_whole else month.date
    return [
        change
        for change in changes.filter(effective__lte=month.date).order_by("effective", "pk")
        if change.effective == month.date or change.effective > since
    ]


def caliber_sentence(area):
    """How `area`'s totals are compared with targets when the version does not cover the month's
    units: "本期全区合计按原方案口径（延续的12个街镇）与北碚府办发〔2025〕46号附件目标比较；新划入的5个镇
    目标待分解，只列数据、不排名" ("" when the map is whole)."""
    if area.is_whole or area.version is None:
        return ""
    parts = [f"本期全区合计按原方案口径（延续的{len(area.targeted)}个街镇）与{area.version.label}附件目标比较"]
    pending = area.untargeted
    if pending:
        kind = _kind(pending)
        who = "新划入的" if all(unit.joined is not None for unit in pending) else "方案附件未列的"
        parts.append(f"{who}{len(pending)}个{kind}目标待分解，只列数据、不排名")
    return "；".join(parts)


def caliber_note(month):
    """The 口径 note of `month` (bulletin, page, exports): the changes and how the month's totals
    are compared, one paragraph; "" in a month that needs none."""
    area = map_of(month)
    parts = [change_sentence(change) for change in changes_noted(month)]
    caliber = caliber_sentence(area)
    if not parts and not caliber:
        return ""
    text = "；".join(parts)
    if caliber:
        text = f"{text}。{caliber}" if text else caliber
    return f"{text}。"


@dataclass
class ChangeLine:
    """A change of the district's map as the 口径说明 page lists it."""

    effective: Month
    sentence: str
    authority: str
    announced: object
    source: str


def change_lines():
    """Every recorded change of the district's map, oldest first."""
    changes = BoundaryChange.objects.select_related("district").prefetch_related(
        "left_units__district", "joined_units__district"
    )
    return [
        ChangeLine(Month.of(c.effective), change_sentence(c), c.authority, c.announced, c.source)
        for c in changes.order_by("effective", "pk")
    ]


@dataclass
class VersionLine:
    """A plan version as the 口径说明 page lists it: in force from `effective` to `until`
    (None: still in force)."""

    label: str
    title: str
    issued: object
    effective: Month
    until: Month | None
    lines: int


def version_lines():
    """Every plan version, oldest first, with the month each stops being in force."""
    versions = list(plan_versions())
    lines = PlanLine.objects.filter(version__in=versions).values("version").annotate(n=Count("id"))
    counts = dict(lines.values_list("version", "n"))
    out = []
    for i, version in enumerate(versions):
        until = Month.of(versions[i + 1].effective).previous() if i + 1 < len(versions) else None
        effective, n = Month.of(version.effective), counts.get(version.pk, 0)
        out.append(VersionLine(version.label, version.title, version.issued, effective, until, n))
    return out


def map_rules(month):
    """What the 口径说明 page says of the map as of `month`: the recorded changes, the plan
    versions, and the month's units, version and 口径 (all from the data)."""
    area = map_of(month)
    return {
        "month": month,
        "version": area.version,
        "versions": version_lines(),
        "changes": change_lines(),
        "caliber": area.caliber,
        "territory": area.territory,
        "caliber_sentence": caliber_sentence(area),
        "pending": [unit.name for unit in area.untargeted],
        "outside": [unit.name for unit in area.outside],
        "expected": area.expected,
    }
