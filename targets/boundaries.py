"""Recording a change of the district's map (行政区划调整) that the bureau types in: a transfer
out (划出), a transfer in (划入), a merger (合并) or a split (拆分), with its authority.

Two steps, as an import: `plan_change(...)` reads the plain input and checks it against the data
(nothing written), returning a `ChangePlan` with what would leave and join from which month, or
the refusals in Chinese; `apply_change(plan, user)` checks again and writes the change and its
moves in one transaction, with history. A past count is never deleted or rewritten: a unit may
leave only from a month after its last count, and never from a month whose bulletin is published.
"""

import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from beibei_dashboard.history import with_history

from .choices import Joined, Left
from .models import BoundaryChange, District, MonthLock, MonthlyCount, SubDistrict
from .months import LAST_PLAN_MONTH, Month
from .territory import absence_message, map_of

try:  # slugs of new units from their names when pypinyin is installed
    from pypinyin import lazy_pinyin
except ImportError:  # pragma: no cover - depends on the environment
    lazy_pinyin = None


class Kind:
    """The kinds of move a change is made of, with their names on the page."""

    OUT, IN, MERGE, SPLIT = "out", "in", "merge", "split"
    CHOICES = ((OUT, "划出"), (IN, "划入"), (MERGE, "合并"), (SPLIT, "拆分"))


KIND_LABELS = dict(Kind.CHOICES)
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")


def split_names(text):
    """ "大湾镇、统景镇" -> ["大湾镇", "统景镇"] (、 ， , ； ; or spaces between names)."""
    return [name for name in NAME_SEPARATORS.split(text or "") if name]


@dataclass(frozen=True)
class ChangeInput:
    """What the bureau typed: the change's document and one move.

    `units`: pks of existing units (划出: those that leave; 合并: those merged; 拆分: the one
    split); `names`: new units' names (划入: those that join; 合并: the unit they merge into, new
    or existing; 拆分: the units it is split into); `place`: where they go (划出) or come from
    (划入)."""

    kind: str
    title: str
    authority: str
    announced: date
    effective: Month
    source: str = ""
    units: tuple = ()
    names: tuple = ()
    place: str = ""

    def as_session(self):
        return {
            "kind": self.kind, "title": self.title, "authority": self.authority,
            "announced": self.announced.isoformat(), "effective": str(self.effective), "source": self.source,
            "units": list(self.units), "names": list(self.names), "place": self.place,
        }  # fmt: skip

    @classmethod
    def from_session(cls, data):
        return cls(
            kind=data["kind"], title=data["title"], authority=data["authority"],
            announced=date.fromisoformat(data["announced"]), effective=Month.parse(data["effective"]),
            source=data["source"], units=tuple(data["units"]), names=tuple(data["names"]), place=data["place"],
        )  # fmt: skip


@dataclass(frozen=True)
class Leaving:
    unit: SubDistrict
    how: str  # Left
    went_to: str
    _month: Month = None

    @property
    def note(self):
        """ "2027年1月并入柳圣镇": how the unit's page will say it."""
        probe = SubDistrict(district=self.unit.district, left=self._month.date, left_how=self.how, went_to=self.went_to)
        return probe.left_note


@dataclass(frozen=True)
class Joining:
    name: str
    how: str  # Joined
    came_from: str
    _month: Month = None

    @property
    def note(self):
        """ "2027年1月由柳荫镇、三圣镇合并设立"."""
        return SubDistrict(joined=self._month.date, joined_how=self.how, came_from=self.came_from).joined_note


@dataclass
class ChangePlan:
    """What a change would do, or why it is refused (`errors`, nothing written)."""

    given: ChangeInput
    leaving: list = field(default_factory=list)
    joining: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    expected_before: int = 0  # units expected to report in the effective month before the change
    expected_after: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def effective(self):
        return self.given.effective

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.given.kind, "")

    @property
    def months_changed(self):
        """ "2027年1月至2027年12月": the months whose expected reporters change."""
        return f"{self.effective.label}至{LAST_PLAN_MONTH.label}"

    @property
    def summary(self):
        """One sentence for the message after the change is recorded."""
        parts = [f"{item.unit.name}{item.note[len(self.effective.label) :]}" for item in self.leaving]
        parts += [f"{item.name}{item.note[len(self.effective.label) :]}" for item in self.joining]
        return f"{self.effective.label}起：{'；'.join(parts)}"


def plan_change(given):
    """Check `given` against the data and say what it would do (nothing is written)."""
    plan = ChangePlan(given=given)
    month = given.effective
    if not Month.first() <= month <= LAST_PLAN_MONTH:
        plan.errors.append(
            f"生效月份{month.label}不在计划期内（{Month.first().label}至{LAST_PLAN_MONTH.label}），不能录入。"
        )
        return plan
    units = list(SubDistrict.objects.filter(pk__in=given.units).select_related("district"))
    units.sort(key=lambda unit: given.units.index(unit.pk))
    if len(units) != len(set(given.units)):
        plan.errors.append("所选街镇不存在或不属本区，请重新选择。")
    for unit in units:
        if not unit.is_member(month):
            plan.errors.append(f"{absence_message(unit, month)}，不能在{month.label}调整。")
    names = list(dict.fromkeys(given.names))
    if len(names) != len(given.names):
        plan.errors.append(f"新街镇名称重复：{'、'.join(given.names)}。")
    existing = {sub.name: sub for sub in SubDistrict.objects.filter(name__in=names)}
    _moves(plan, units, names, existing)
    if plan.errors:
        return plan
    _check_counts_and_locks(plan)
    current = map_of(month)
    plan.expected_before = current.expected
    plan.expected_after = current.expected - len(plan.leaving) + len(plan.joining)
    return plan


def _moves(plan, units, names, existing):
    """The leaving and joining of `plan`'s kind, with the refusals of its shape."""
    given, month = plan.given, plan.given.effective
    place = given.place.strip()

    def new_names_only():
        for name in names:
            if name in existing:
                plan.errors.append(f"街镇名称“{name}”已存在，新设街镇不能与现有街镇同名。")

    def leave(unit, how, went_to):
        plan.leaving.append(Leaving(unit=unit, how=how, went_to=went_to, _month=month))

    def join(name, how, came_from):
        plan.joining.append(Joining(name=name, how=how, came_from=came_from, _month=month))

    if given.kind == Kind.OUT and names:
        plan.errors.append("划出不新设街镇，请清空“新街镇名称”。")
    if given.kind == Kind.IN and units:
        plan.errors.append("划入的是新街镇，不选择现有街镇，请填写新街镇名称。")
    if given.kind == Kind.OUT:
        if not units:
            plan.errors.append("划出须至少选择一个街镇。")
        if not place:
            plan.errors.append("划出须填写去向（划入何处）。")
        for unit in units:
            leave(unit, Left.TRANSFER, place)
    elif given.kind == Kind.IN:
        if not names:
            plan.errors.append("划入须填写至少一个新街镇名称。")
        if not place:
            plan.errors.append("划入须填写来源（由何处划入）。")
        new_names_only()
        for name in names:
            join(name, Joined.TRANSFER, place)
    elif given.kind == Kind.MERGE:
        if len(names) != 1:
            plan.errors.append("合并须填写一个合并后的街镇名称（可为新设街镇或现有街镇）。")
            return
        into = existing.get(names[0])
        merged = [unit for unit in units if into is None or unit.pk != into.pk]
        if len(units) < 2:
            plan.errors.append(f"合并须至少选择两个街镇，现选择了{len(units)}个。")
        if into is not None and not into.is_member(month):
            plan.errors.append(f"{absence_message(into, month)}，不能作为合并后的街镇。")
        for unit in merged:
            leave(unit, Left.MERGER, names[0])
        if into is None:
            join(names[0], Joined.MERGER, "、".join(unit.name for unit in units))
    elif given.kind == Kind.SPLIT:
        if len(units) != 1:
            plan.errors.append(f"拆分须选择一个被拆分的街镇，现选择了{len(units)}个。")
        if len(names) < 2:
            plan.errors.append(f"拆分须至少分设为两个新街镇，现填写了{len(names)}个。")
        new_names_only()
        if len(units) == 1:
            leave(units[0], Left.SPLIT, "、".join(names))
            for name in names:
                join(name, Joined.SPLIT, units[0].name)
    else:
        plan.errors.append("请选择调整方式（划出、划入、合并或拆分）。")


def _check_counts_and_locks(plan):
    """A past count is never deleted or rewritten, a published month never changed."""
    month = plan.effective
    leaving = [item.unit for item in plan.leaving]
    last_counts = dict(
        MonthlyCount.objects.filter(subdistrict__in=leaving, month__gte=month.date)
        .order_by()
        .values_list("subdistrict_id")
        .annotate(last=Max("month"))
    )
    for unit in leaving:
        if unit.pk in last_counts:
            last = Month.of(last_counts[unit.pk])
            plan.errors.append(f"{unit.name}{last.label}已有填报数据，调整生效月份不能早于{last.next().label}。")
    locked = MonthLock.objects.filter(month__gte=month.date).order_by("-month").values_list("month", flat=True).first()
    if locked is not None:
        last = Month.of(locked)
        plan.errors.append(f"{last.label}通报已发布（数据已锁定），调整生效月份不能早于{last.next().label}。")


class ChangeRefused(Exception):
    def __init__(self, errors):
        super().__init__("；".join(errors))
        self.errors = errors


def _new_slug(name, taken):
    if lazy_pinyin is not None:
        base = "".join(lazy_pinyin(name)).lower()
        base = re.sub(r"[^a-z0-9-]", "", base) or "unit"
        candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
    else:
        candidates = (f"unit-{n}" for n in itertools.count(len(taken) + 1))
    return next(slug for slug in candidates if slug not in taken)


@transaction.atomic
def apply_change(given, user):
    """Write the change `given` describes, checked again inside the transaction; returns
    (BoundaryChange, ChangePlan). ChangeRefused with the Chinese reasons, nothing written."""
    plan = plan_change(given)  # a count or a lock written since the preview is seen
    if not plan.ok:
        raise ChangeRefused(plan.errors)
    district = District.objects.get(slug=settings.DISTRICT_SLUG)
    reason = f"区划调整：{given.title}（{given.authority}）"
    change = BoundaryChange(
        district=district, title=given.title, authority=given.authority, announced=given.announced,
        effective=given.effective.date, source=given.source, recorded_by=user,
    )  # fmt: skip
    with_history(change, user, reason).save()
    for item in plan.leaving:
        unit = SubDistrict.objects.select_for_update().get(pk=item.unit.pk)
        unit.left, unit.left_how, unit.left_by, unit.went_to = given.effective.date, item.how, change, item.went_to
        with_history(unit, user, reason).save()
    taken = set(SubDistrict._base_manager.values_list("slug", flat=True))
    seq = SubDistrict._base_manager.filter(district=district).aggregate(top=Max("seq"))["top"] or 0
    for item in plan.joining:
        seq += 1
        slug = _new_slug(item.name, taken)
        taken.add(slug)
        unit = SubDistrict(
            district=district, name=item.name, slug=slug, category="", seq=seq, joined=given.effective.date,
            joined_how=item.how, joined_by=change, came_from=item.came_from,
        )  # fmt: skip
        with_history(unit, user, reason).save()
    return change, plan


def changes_with_units():
    """Every recorded change, oldest effective first, with the units it moved."""
    return BoundaryChange.objects.prefetch_related("left_units", "joined_units").order_by("effective", "id")


CHANGE_SESSION_KEY = "boundary_changes"
MAX_STAGED = 5


def stage_change(session, given):
    """Keep a previewed change's input under a token of its own (as `importers.stage_import`);
    returns the token. At most MAX_STAGED are kept, none older than IMPORT_STAGE_MINUTES."""
    now = time.time()
    stages = {t: s for t, s in session.get(CHANGE_SESSION_KEY, {}).items() if not _expired(s, now)}
    for old in sorted(stages, key=lambda t: stages[t]["staged_at"])[: max(0, len(stages) - MAX_STAGED + 1)]:
        del stages[old]
    token = secrets.token_urlsafe(18)
    stages[token] = {"input": given.as_session(), "staged_at": now}
    session[CHANGE_SESSION_KEY] = stages
    return token


def _expired(staged, now):
    return now - staged.get("staged_at", 0) > settings.IMPORT_STAGE_MINUTES * 60


def staged_change(session, token):
    """(ChangeInput, None) for this session's `token`, or (None, Chinese reason)."""
    staged = session.get(CHANGE_SESSION_KEY, {}).get(token) if token else None
    if staged is None or _expired(staged, time.time()):
        drop_staged_change(session, token)
        return None, "找不到待确认的区划调整（可能已确认、已失效或属于其他页面），未写入任何数据，请重新填写。"
    return ChangeInput.from_session(staged["input"]), None


def drop_staged_change(session, token):
    stages = dict(session.get(CHANGE_SESSION_KEY, {}))
    if stages.pop(token, None) is not None:
        session[CHANGE_SESSION_KEY] = stages
