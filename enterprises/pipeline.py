"""Moving a firm along its path from 培优库 to certificate (issue 29).

Every write of the pipeline is here, one function per act, each in one transaction with the
history row that says who did it and why (django-simple-history with its change reason). The
list importer (application lists, 公示/备案 lists) and the pages call the same two functions:

- `open_attempt(enterprise, year, programme, user=, reason=, renews=, stage=)` starts a firm's
  attempt of a year (a renewal names the certificate that ends that year);
- `move(attempt, stage, user=, reason=, batch=, certificate_no=, issue_date=, failure_reason=)`
  moves it forward; 认定 creates (or links, when the registry already has it) the
  `HighTechRecognition` of that certificate, 入库 records the firm's 科技型企业入库年份.

Refusals are `ValidationError`s with the Chinese message the user reads; nothing is written then.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from beibei_dashboard.history import with_history

from .choices import BATCHED_STAGES, FAILURE, FILED_STAGES, OPEN_STAGES, SUCCESS, Programme, Stage, stages_of
from .models import HighTechRecognition, RecognitionAttempt

CERTIFICATE_NO = re.compile(r"GR\d{12}")
MAX_BATCH = 9


def transition_problem(programme, current, target):
    """Why `current` → `target` is not a move of `programme`'s path, or None when it is.

    Forward only: an open stage to a later open stage, any open stage to the success (a
    公示 list may recognise a firm the district had at an earlier stage), a filed stage to the
    failure. An ended attempt does not move again: the next year's attempt is a new one."""
    stages = stages_of(programme)
    if target not in stages:
        return "所处环节与认定类别不符。"
    if current == target:
        return "企业已处于该环节。"
    if current in (SUCCESS[programme], FAILURE[programme]):
        return "该进程已结束，如再次申报请新建下一年度的进程。"
    open_stages = OPEN_STAGES[programme]
    if target in open_stages and open_stages.index(target) < open_stages.index(current):
        return "不能退回到之前的环节。"
    if target == FAILURE[programme] and current not in FILED_STAGES[programme]:
        return "尚未申报（提交），不能记为未通过。"
    return None


def _first_stage(programme, renewal):
    # a renewal starts when the firm intends to file again: it is no longer being cultivated
    if programme == Programme.TECH_BASED:
        return Stage.PENDING
    return Stage.INTENDING if renewal else Stage.CULTIVATING


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明更新原因（依据）。"})
    return reason


@transaction.atomic
def open_attempt(enterprise, year, programme, *, user, reason, renews=None, stage=None, batch=None):
    """A new attempt of `enterprise` in `year`, at `stage` (the programme's first by default; an
    open stage only). `renews`: the certificate ending in `year` that a 重新认定 renews."""
    reason = _require_reason(reason)
    renewal = renews is not None
    stage = stage or _first_stage(programme, renewal)
    if stage not in stages_of(programme):
        raise ValidationError({"stage": "所处环节与认定类别不符。"})
    if stage not in OPEN_STAGES[programme]:
        raise ValidationError({"stage": "新建的进程须处于未结束的环节（结果请在建立后更新）。"})
    attempt = RecognitionAttempt(
        enterprise=enterprise,
        year=year,
        programme=programme,
        renewal=renewal,
        renews=renews,
        stage=stage,
        batch=batch,
        updated_by=user,
    )
    attempt.full_clean()
    with_history(attempt, user, reason).save()
    return attempt


@transaction.atomic
def move(attempt, stage, *, user, reason, batch=None, certificate_no="", issue_date=None, failure_reason=""):
    """Move `attempt` to `stage`, keeping who and why; see the module's docstring."""
    reason = _require_reason(reason)
    attempt = RecognitionAttempt.objects.select_for_update().select_related("enterprise").get(pk=attempt.pk)
    problem = transition_problem(attempt.programme, attempt.stage, stage)
    if problem:
        raise ValidationError({"stage": problem})
    if batch is not None:
        if not 1 <= batch <= MAX_BATCH:
            raise ValidationError({"batch": f"申报批次应为1至{MAX_BATCH}。"})
        attempt.batch = batch
    if stage in BATCHED_STAGES and attempt.programme == Programme.HIGH_TECH and not attempt.batch:
        raise ValidationError({"batch": "请填写申报批次。"})
    if stage == FAILURE[attempt.programme]:
        failure_reason = (failure_reason or "").strip()
        if not failure_reason:
            raise ValidationError({"failure_reason": "请写明未通过的原因。"})
        attempt.failed_stage, attempt.reason = attempt.stage, failure_reason
    if stage == Stage.RECOGNISED:
        attempt.certificate = _certificate(attempt, certificate_no, issue_date, user, reason)
    if stage == Stage.REGISTERED:
        _register_tech_based(attempt.enterprise, attempt.year, user, reason)
    attempt.stage, attempt.updated_by = stage, user
    attempt.full_clean()
    with_history(attempt, user, reason).save()
    return attempt


def _certificate(attempt, certificate_no, issue_date, user, reason):
    """The registry's certificate this recognition produced: created, or the firm's certificate of
    that issue date when the registry already has it (an enterprise import came first)."""
    certificate_no = (certificate_no or "").strip().upper()
    errors = {}
    if not CERTIFICATE_NO.fullmatch(certificate_no):
        errors["certificate_no"] = "证书编号应为GR加12位数字，如GR202550000123。"
    if issue_date is None:
        errors["issue_date"] = "请填写发证日期。"
    elif issue_date.year != attempt.year:
        errors["issue_date"] = f"发证日期应在{attempt.year}年内（本进程的年度）。"
    if errors:
        raise ValidationError(errors)
    existing = HighTechRecognition.objects.filter(enterprise=attempt.enterprise, issue_date=issue_date).first()
    if existing is not None:
        if existing.certificate_no and existing.certificate_no != certificate_no:
            raise ValidationError(
                {"certificate_no": f"名录中该企业该日期的证书编号为{existing.certificate_no}，与所填不一致。"}
            )
        if RecognitionAttempt.objects.filter(certificate=existing).exclude(pk=attempt.pk).exists():
            raise ValidationError({"certificate_no": "该证书已对应另一认定进程。"})
        if not existing.certificate_no:
            existing.certificate_no = certificate_no
            with_history(existing, user, reason).save()
        return existing
    certificate = HighTechRecognition(
        enterprise=attempt.enterprise, certificate_no=certificate_no, issue_date=issue_date
    )
    with_history(certificate, user, reason).save()
    return certificate


def _register_tech_based(enterprise, year, user, reason):
    """入库: the firm counts as tech-based from `year` (unless it already does, from earlier)."""
    counted = enterprise.tech_registered_year is not None and enterprise.tech_left_on is None
    if counted and enterprise.tech_registered_year <= year:
        return
    enterprise.tech_registered_year, enterprise.tech_left_on = year, None
    with_history(enterprise, user, reason).save()


def due_for_renewal(enterprise, year):
    """The firm's certificate whose last valid day falls in `year` with no newer certificate (the
    one a 重新认定 of `year` renews), or None."""
    latest = enterprise.recognitions.order_by("-issue_date").first()
    return latest if latest is not None and latest.valid_until.year == year else None


def _is_behind(programme, current, target):
    """Whether `current` is already at or past `target` on the path (an older list arriving late)."""
    order = stages_of(programme)
    if current in (SUCCESS[programme], FAILURE[programme]):
        return True
    return target in OPEN_STAGES[programme] and order.index(target) <= order.index(current)


@transaction.atomic
def advance_to(enterprise, year, stage, *, user, reason, programme=Programme.HIGH_TECH, batch=None, **outcome):
    """Bring `enterprise`'s attempt of `year` to `stage`, as an official list says (an application
    list: 已申报; a 公示 list: 评审/公示; a 备案 list: 认定 with `certificate_no` and `issue_date`).

    Opens the attempt when there is none (a 重新认定 when the firm has a certificate ending that
    year: `due_for_renewal`), at the stage itself or, for an outcome, at the last open stage
    first; moves it when the list is ahead of it; leaves it when it is already there or past
    (a list read twice, or an older list after a newer one). Returns (attempt, changed)."""
    attempt = RecognitionAttempt.objects.filter(enterprise=enterprise, year=year, programme=programme).first()
    if attempt is not None and _is_behind(programme, attempt.stage, stage):
        return attempt, False
    if attempt is None:
        renews = due_for_renewal(enterprise, year) if programme == Programme.HIGH_TECH else None
        first = stage if stage in OPEN_STAGES[programme] else OPEN_STAGES[programme][-1]
        attempt = open_attempt(
            enterprise, year, programme, user=user, reason=reason, renews=renews, stage=first, batch=batch
        )
        if first == stage:
            return attempt, True
    return move(attempt, stage, user=user, reason=reason, batch=batch, **outcome), True
