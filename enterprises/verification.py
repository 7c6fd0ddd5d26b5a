"""属地核实: a sub-district flags the attribution of firms; the bureau accepts or rejects.

Every write is one transaction with its history: the flag's own, and the firm's when an
accepted flag moves it (the firm's history then names the flag, who raised and who accepted).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from accounts import scope
from beibei_dashboard.history import with_history
from beibei_dashboard.tables import upload_name

from . import validity
from .choices import FlagKind, FlagState
from .models import AttributionFlag, Enterprise, tech_based_q


class FlagRefused(Exception):
    """A Chinese message saying why the flag cannot be raised or resolved as asked."""


def _store_attachment(flag, upload):
    if upload is None:
        return
    file, kind = upload
    flag.attachment_name, flag.attachment_kind = upload_name(file.name), kind
    flag.attachment.save(flag.attachment_name, file, save=False)


@transaction.atomic
def raise_flag(*, user, subdistrict, kind, note, enterprise=None, destination=None, destination_note="",
               credit_code="", firm_name="", upload=None):  # fmt: skip
    """A new open flag of `subdistrict`. 漏统 names a firm by credit code (and name); the others a firm of its list."""
    if kind == FlagKind.MISSING:
        credit_code = validity.normalise_credit_code(credit_code)
        problem = validity.credit_code_problem(credit_code)
        if problem:
            raise FlagRefused(problem)
        enterprise = Enterprise.objects.filter(credit_code=credit_code).first()
        if enterprise is not None and enterprise.subdistrict_id == subdistrict.pk:
            raise FlagRefused(f"“{enterprise.name}”（{credit_code}）已在本街镇名录中，不是漏统。")
        # Asked of every 漏统 alike: asking only when the registry lacks the code would tell the
        # official whether another sub-district has the firm.
        if not firm_name.strip():
            raise FlagRefused("请填写企业名称。")
        destination = None
    else:
        if enterprise is None or enterprise.subdistrict_id != subdistrict.pk:
            raise FlagRefused("只能标记本街镇名录中的企业。")
        if destination is not None and destination.pk == subdistrict.pk:
            raise FlagRefused("实际所在街镇不能是本街镇。")
    pending = AttributionFlag.objects.open().filter(subdistrict=subdistrict)
    same = pending.filter(enterprise=enterprise) if enterprise else pending.filter(credit_code=credit_code)
    if same.exists():
        raise FlagRefused("本街镇对该企业已有待处理的属地核实，请等待区科技局处理。")
    flag = AttributionFlag(
        subdistrict=subdistrict,
        kind=kind,
        enterprise=enterprise,
        credit_code=credit_code if kind == FlagKind.MISSING else "",
        firm_name=firm_name.strip(),
        destination=destination,
        destination_note=destination_note.strip(),
        note=note.strip(),
        raised_by=user,
        raised_at=timezone.now(),
    )
    _store_attachment(flag, upload)
    with_history(flag, user, "提出属地核实").save()
    return flag


@transaction.atomic
def accept_flag(flag, user, destination=None, note=""):
    """Accept: the firm is attributed where the flag says (or `destination`, the bureau's choice).

    不在本辖区 / 已迁出 move the firm to the destination sub-district, which must be known; 漏统
    moves the registry's firm to the flagging sub-district, or adds it there when the registry
    does not have it (its certificates then come with the next registry import).
    """
    flag = AttributionFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.state != FlagState.OPEN:
        raise FlagRefused("该属地核实已处理。")
    reason = (
        f"属地核实（{flag.subdistrict}：{flag.get_kind_display()}，{flag.raised_by.username}提出，{user.username}采纳）"
    )
    if flag.kind == FlagKind.MISSING:
        target = flag.subdistrict
        enterprise = flag.enterprise or Enterprise.objects.filter(credit_code=flag.credit_code).first()
        if enterprise is None and Enterprise._base_manager.filter(credit_code=flag.credit_code).exists():
            raise FlagRefused(
                f"统一社会信用代码“{flag.credit_code}”已登记在其他区县的企业名录中，不能列入本区，请驳回并说明。"
            )
        if enterprise is None:
            enterprise = Enterprise(name=flag.firm_name, credit_code=flag.credit_code, subdistrict=target)
            enterprise.full_clean()
            with_history(enterprise, user, reason).save()
            flag.enterprise = enterprise
    else:
        target = destination or flag.destination
        if target is None:
            raise FlagRefused("采纳前请选择该企业实际所在的街镇（迁出本区的企业请通过名录导入更新）。")
        if target.pk == flag.subdistrict_id:
            raise FlagRefused("实际所在街镇不能是提出核实的街镇。")
        enterprise = Enterprise.objects.select_for_update().get(pk=flag.enterprise_id)
    if enterprise.subdistrict_id != target.pk:
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        enterprise.subdistrict = target
        with_history(enterprise, user, reason).save()
    flag.destination = target if flag.kind != FlagKind.MISSING else None
    flag.state, flag.resolved_by, flag.resolved_at = FlagState.ACCEPTED, user, timezone.now()
    flag.resolution_note = note.strip()
    with_history(flag, user, "采纳").save()
    return flag


@transaction.atomic
def reject_flag(flag, user, reason):
    flag = AttributionFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.state != FlagState.OPEN:
        raise FlagRefused("该属地核实已处理。")
    if not reason.strip():
        raise FlagRefused("驳回须填写理由。")
    flag.state, flag.resolved_by, flag.resolved_at = FlagState.REJECTED, user, timezone.now()
    flag.resolution_note = reason.strip()
    with_history(flag, user, f"驳回：{reason.strip()}").save()
    return flag


@dataclass(frozen=True)
class FlagFirm:
    """A flag's firm as one reader may see it: an official learns nothing of a firm outside
    their sub-district beyond what they said themselves and that it is not theirs."""

    name: str
    credit_code: str
    enterprise: Enterprise | None  # the firm, when the reader may open its page
    status: str  # 现归属… / 名录中没有 / 不在本街镇名录中
    where: str  # 实际所在


NOT_OURS = "不在本街镇名录中"


def firm_seen_by(user, flag):
    """The FlagFirm of `flag` for `user` (the flag's enterprise and destination selected)."""
    firm = flag.enterprise
    note = f"（{flag.destination_note}）" if flag.destination_note else ""
    if firm is not None and scope.reads_rows_of(user, firm.subdistrict_id):
        where = flag.where_text + (note if flag.destination_id else "")
        return FlagFirm(firm.name, firm.credit_code, firm, f"现归属{firm.subdistrict}", where)
    if firm is None and scope.sees_whole_district(user):
        return FlagFirm(flag.firm_name, flag.credit_code, None, "名录中没有", flag.where_text)
    if flag.kind == FlagKind.MISSING:  # what the official typed, whoever has the code
        return FlagFirm(flag.firm_name or "—", flag.credit_code, None, NOT_OURS, flag.where_text)
    # A firm the official flagged from their own list (or that was moved into it) and that has
    # left since: they knew its name and code; where it went is not theirs to see.
    return FlagFirm(firm.name, firm.credit_code, None, NOT_OURS, "其他街镇" + note)


def seen_by(user, flags):
    """`flags` as a list, each with `.firm`: its FlagFirm for `user`."""
    flags = list(flags)
    for flag in flags:
        flag.firm = firm_seen_by(user, flag)
    return flags


@dataclass
class CheckRow:
    """A firm of the official's list as 属地核实 shows it."""

    enterprise: Enterprise
    open_flag: AttributionFlag | None


def firms_to_check(subdistrict, day):
    """The firms counted for `subdistrict` on `day` (high-tech or tech-based), with their
    latest certificate dates and any open flag; three queries whatever the number of firms."""
    firms = (
        Enterprise.objects.filter(subdistrict=subdistrict)
        .with_high_tech_until(day)
        .filter(Q(high_tech_until__gte=day) | tech_based_q(day))
        .annotate(latest_issue=Max("recognitions__issue_date", filter=Q(recognitions__issue_date__lte=day)))
        .order_by("name")
        .prefetch_related(Prefetch("flags", queryset=AttributionFlag.objects.open(), to_attr="open_flags"))
    )
    return [CheckRow(f, f.open_flags[0] if f.open_flags else None) for f in firms]
