"""The map in force in a month: which sub-districts belong to the district, which version of
the plan judges them, and which of them have a line (targets) in that version.

Every page, export and API reads a month through `map_of(month)`, so a month is always judged on
what was in force in it: the units of that month (`SubDistrict.is_member`), the plan version
effective by then (`PlanVersion.in_force`), each unit's class and 序号 from that version's
attachment. A unit of the month without a line in its version has its counts shown and its
targets "目标待分解": it is neither ranked nor coloured, and never enters a total compared with
a target.
"""

import copy
from dataclasses import dataclass, field

from django.conf import settings

from . import freshness
from .models import PlanLine, PlanVersion, SubDistrict
from .months import Month

PENDING = "目标待分解"


@dataclass(frozen=True)
class MonthMap:
    """The map of one month (see the module's doc). `members` are copies of the units with the
    version's class and 序号: the version's lines in its order, then the units without a line."""

    month: Month
    version: PlanVersion | None
    members: tuple
    targeted: frozenset = field(default_factory=frozenset)
    # units of the version's attachment that are no longer members (moved out since it was issued)
    outside: tuple = ()

    @property
    def key(self):
        """What makes two months' maps the same: the version, the units and their classes."""
        return (
            self.version.pk if self.version else None,
            tuple((sub.pk, sub.category) for sub in self.members),
            self.targeted,
        )

    @property
    def expected(self):
        """How many units are expected to report this month."""
        return len(self.members)

    @property
    def untargeted(self):
        return [sub for sub in self.members if sub.pk not in self.targeted]

    @property
    def targeted_members(self):
        return [sub for sub in self.members if sub.pk in self.targeted]

    def is_targeted(self, sub):
        return sub.pk in self.targeted

    @property
    def is_whole(self):
        """Whether the version's attachment covers exactly this month's units: totals over the
        units and targets over the attachment then mean the same thing."""
        return not self.outside and len(self.targeted) == len(self.members)

    @property
    def caliber(self):
        """The 口径 of the month's totals compared with targets: "" when the version covers the
        month's units exactly, else "原方案口径：延续的12个街镇"."""
        if self.is_whole:
            return ""
        return f"原方案口径：延续的{len(self.targeted)}个街镇"

    @property
    def territory(self):
        """ "现辖区17个街镇": what the month's unit totals (without targets) cover."""
        return f"现辖区{len(self.members)}个街镇"


def plan_versions():
    """The district's plan versions, oldest first, kept under the plan's version."""
    return _plan()[0]


def version_in_force(month, versions=None):
    """The plan version in force in `month`, or None before the first one."""
    in_force = [v for v in (versions if versions is not None else plan_versions()) if v.effective <= month.date]
    return in_force[-1] if in_force else None


def _read_plan():
    units = list(SubDistrict.objects.select_related("district").order_by("category", "seq", "pk"))
    versions, lines = {}, {}
    for line in PlanLine.objects.filter(subdistrict__in=[u.pk for u in units]).select_related("version"):
        versions[line.version.pk] = line.version
        lines.setdefault(line.version_id, {})[line.subdistrict_id] = (line.category, line.seq)
    return sorted(versions.values(), key=lambda v: v.effective), units, lines


def _plan():
    """(versions oldest first, every unit the district ever had, {version_id: {sub_id: (category,
    seq)}}): two queries, kept under the plan's version (one token read within a request)."""
    return freshness.cached("territory", _read_plan, settings.DISTRICT_SLUG, version=freshness.plan_version)


def units_and_lines():
    """(every unit the district ever had, {version_id: {sub_id: (category, seq)}}), cached."""
    _, units, lines = _plan()
    return units, lines


def changed_units():
    """{sub_id: unit} of the units whose membership has a start or an end: the only ones whose
    counts may fall outside the map of their month."""
    units, _ = units_and_lines()
    return {unit.pk: unit for unit in units if unit.joined is not None or unit.left is not None}


def map_of(month):
    """The `MonthMap` of `month` (no query when the plan is unchanged since it was last read)."""
    return maps_of([month])[month]


def maps_of(months):
    """{month: MonthMap} of `months`, reading the cached plan once (a rank history asks for 60)."""
    versions, units, lines = _plan()
    return {month: _map(month, version_in_force(month, versions), units, lines) for month in months}


def _map(month, version, units, lines):
    own = lines.get(version.pk, {}) if version is not None else {}
    targeted, untargeted, outside = [], [], []
    for unit in units:
        member = unit.is_member(month)
        if unit.pk in own:
            # the version's class and 序号 (a later version may have renumbered the unit itself)
            sub = copy.copy(unit)
            sub.category, sub.seq = own[unit.pk]
            (targeted if member else outside).append(sub)
        elif member:  # no line in the version: no class in it either
            sub = copy.copy(unit)
            sub.category = ""
            untargeted.append(sub)
    targeted.sort(key=lambda sub: (sub.category, sub.seq))
    return MonthMap(
        month=month,
        version=version,
        members=tuple(targeted + untargeted),
        targeted=frozenset(sub.pk for sub in targeted),
        outside=tuple(outside),
    )


def elsewhere(month, exclude=()):
    """{unit: why it may not be named for `month`} of the units the district has had that are not
    units of `month` ("水土街道已于2025年11月划出北碚区（划入两江新区）")."""
    units, _ = units_and_lines()
    excluded = {sub.pk for sub in exclude}
    return {
        unit: absence_message(unit, month) for unit in units if unit.pk not in excluded and not unit.is_member(month)
    }


def absence_message(unit, month):
    """Why `unit` has no count for `month` in this district, as a refusal says it."""
    if unit.left is not None and month.date >= unit.left:
        return f"{unit.name}已于{unit.left_note}"
    return f"{unit.name}于{unit.joined_note}，{month.label}不属本区"


def membership_on(subdistrict, month):
    """Why `subdistrict` is not expected to report in `month`: its note ("2025年11月划出北碚区
    （划入两江新区）") when it had left or had not yet joined, "" when it is a member."""
    if subdistrict.is_member(month):
        return ""
    if subdistrict.left is not None and month.date >= subdistrict.left:
        return subdistrict.left_note
    return f"该街镇{subdistrict.joined_note}，此前不属本区"
