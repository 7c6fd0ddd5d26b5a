"""The demo's pipeline from 培优库 to certificate (issue 29), built from the demo registry.

Every certificate of the plan years comes through an attempt of its year (新认定, or 重新认定 of
the certificate it renews) recognised in its batch; some firms failed a year before they were
recognised (re-applications), some failed and never were, some renewals failed or were never
filed (the certificates that lapsed). This year: the batch after the month is in review, firms of
the 培优库 are being cultivated, some renewals are filed and a few not yet. Tech-based firms come
through evaluations of their 入库 year, with some 未入库. Deterministic: every choice is a hash
of the firm's credit code, never a random draw.
"""

import datetime as dt
import hashlib

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from enterprises.choices import Programme, Stage
from enterprises.models import Enterprise, HighTechRecognition, RecognitionAttempt

FIRST_PLAN_YEAR = 2023
REASONS = ("研发费用占比未达到要求", "知识产权数量不足", "高新技术产品收入占比不足", "科技人员占比未达到要求")
TECH_REASONS = ("研发投入强度不足", "评价材料不完整")
REASON = "演示数据：按往年认定批次生成"


def _draw(*parts, scale=100):
    """A number 0 … scale − 1 from `parts`, the same on every run."""
    return int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:4], "big") % scale


def _batch(day, batches):
    """The batch (1–4) a certificate issued on `day` came from: the first batch on or after it."""
    for number, (month, dom, _share) in enumerate(batches, start=1):
        if day <= dt.date(day.year, month, dom):
            return number
    return len(batches)


class _Attempts:
    """The attempts to create, at most one per firm, year and programme."""

    def __init__(self):
        self.rows, self.taken = [], set()

    def add(self, enterprise_id, year, programme=Programme.HIGH_TECH, **fields):
        key = (enterprise_id, year, programme)
        if key in self.taken:
            return
        self.taken.add(key)
        self.rows.append(RecognitionAttempt(enterprise_id=enterprise_id, year=year, programme=programme, **fields))

    def failed(self, enterprise_id, year, code, batch, programme=Programme.HIGH_TECH, **fields):
        reasons = REASONS if programme == Programme.HIGH_TECH else TECH_REASONS
        stage = Stage.FAILED if programme == Programme.HIGH_TECH else Stage.REJECTED
        failed_stage = Stage.SUBMITTED if programme == Programme.TECH_BASED else (
            Stage.REVIEW if _draw(code, year, "stage") < 70 else Stage.APPLIED
        )  # fmt: skip
        self.add(
            enterprise_id,
            year,
            programme,
            stage=stage,
            batch=batch if programme == Programme.HIGH_TECH else None,
            failed_stage=failed_stage,
            reason=reasons[_draw(code, year, "reason") % len(reasons)],
            **fields,
        )


def seed_demo_pipeline(month, user, batches):
    """The attempts behind the demo registry as it stands at the end of `month`; `batches` the
    demo's high-tech batches ((month, day, share), …). Returns how many were created."""
    if RecognitionAttempt.objects.exists():
        return 0
    year = month.year
    end = month.next().date - dt.timedelta(days=1)
    attempts = _Attempts()
    firms = {firm.pk: firm for firm in Enterprise.objects.order_by("credit_code")}
    by_firm = {}
    for cert in HighTechRecognition.objects.order_by("enterprise__credit_code", "issue_date"):
        by_firm.setdefault(cert.enterprise_id, []).append(cert)
    latest = {firm_id: certs[-1] for firm_id, certs in by_firm.items()}

    for firm_id, certs in by_firm.items():
        code = firms[firm_id].credit_code
        for previous, cert in zip([None, *certs], certs, strict=False):
            y = cert.issue_date.year
            if y < FIRST_PLAN_YEAR:
                continue
            batch = _batch(cert.issue_date, batches)
            renews = previous if previous is not None and previous.valid_until.year == y else None
            if renews is None and y > FIRST_PLAN_YEAR and _draw(code, "reapplied") < 25:
                attempts.failed(firm_id, y - 1, code, _batch(cert.issue_date, batches))  # failed, then re-applied
            attempts.add(
                firm_id, y, stage=Stage.RECOGNISED, batch=batch, certificate=cert, renewal=renews is not None,
                renews=renews,
            )  # fmt: skip
        _renewal(attempts, firm_id, code, latest[firm_id], year, end, batches)

    for firm_id, firm in firms.items():
        code, certified = firm.credit_code, firm_id in by_firm
        holds = certified and latest[firm_id].valid_until >= end
        for y in range(FIRST_PLAN_YEAR, year):
            # per mille: the registry holds thousands of tech-based firms, a few dozen apply a year
            if not certified and _draw(code, y, "fail", scale=1000) < 5:
                attempts.failed(firm_id, y, code, 1 + _draw(code, y, "batch") % len(batches))
            elif not certified and _draw(code, y, "stalled", scale=1000) < 3:
                attempts.add(firm_id, y, stage=Stage.INTENDING)  # meant to apply, never filed
            elif not certified and firm.cultivation_pool and _draw(code, y, "pool", scale=1000) < 300:
                attempts.add(firm_id, y, stage=Stage.CULTIVATING)  # served in the 培优库, not ready
        if not holds:
            _this_year(attempts, firm, year, len(batches))
        _tech_based(attempts, firm, year)

    created = bulk_create_with_history(
        attempts.rows, RecognitionAttempt, default_user=user, default_change_reason=REASON
    )
    # the pipeline stands for the state at the end of `month`, as the demo registry does; its
    # history says when each attempt reached each stage (the backtest reads it as of past months)
    _dated_history(end, batches)
    return len(created)


FILED_DAYS, REVIEW_DAYS = 120, 30  # a batch is filed four months before its result, in review one


def _path(attempt, issued, end, batches):
    """[(day, stage)] of an attempt's way to its stage: filed and in review before its batch's
    result (the certificate's issue date, else the batch's day), a plain start on 10 January for
    one that never filed; no day after `end`."""
    year, stage = attempt.year, attempt.stage
    if attempt.programme == Programme.TECH_BASED:
        return [(min(dt.date(year, 12, 1), end), stage)]
    if attempt.batch is None:  # 培育, 拟申报: never filed
        return [(min(dt.date(year, 1, 10), end), stage)]
    month, day, _share = batches[attempt.batch - 1]
    result = issued.get(attempt.certificate_id) or dt.date(year, month, day)
    reviewed = stage in (Stage.REVIEW, Stage.RECOGNISED) or attempt.failed_stage == Stage.REVIEW
    path = [(result - dt.timedelta(days=FILED_DAYS), Stage.APPLIED)]
    if reviewed:
        path.append((result - dt.timedelta(days=REVIEW_DAYS), Stage.REVIEW))
    if stage in (Stage.RECOGNISED, Stage.FAILED):
        path.append((result, stage))
    out, last = [], None
    for when, step in path:
        last = max(min(when, end), last or min(when, end))
        out.append((last, step))
    return out


def _dated_history(end, batches):
    """Rewrite the attempts' history (created with them, all dated today) as the path each one
    took: a row per stage reached, dated when it was reached."""
    history = RecognitionAttempt.history.model
    first = {row.id: row for row in history.objects.all()}
    issued = dict(HighTechRecognition.objects.values_list("pk", "issue_date"))
    names = [f.attname for f in history._meta.fields if f.attname not in ("history_id", "history_date", "history_type")]
    rows = []
    for attempt in RecognitionAttempt.objects.order_by("pk"):
        template = {name: getattr(first[attempt.pk], name) for name in names}
        path = _path(attempt, issued, end, batches)
        for i, (when, stage) in enumerate(path):
            values = dict(template)
            if i < len(path) - 1:  # on the way: no outcome yet
                values |= {"stage": stage, "failed_stage": "", "reason": "", "certificate_id": None}
            at = timezone.make_aware(dt.datetime.combine(when, dt.time(18, 0)))
            rows.append(history(**values, history_date=at, history_type="+" if i == 0 else "~"))
    history.objects.all().delete()
    history.objects.bulk_create(rows, batch_size=2000)


def _renewal(attempts, firm_id, code, cert, year, end, batches):
    """The renewal of a firm's latest certificate when it ends by this year: failed or never
    filed when it has lapsed; this year's in review, intending or not yet filed."""
    y = cert.valid_until.year
    if y < FIRST_PLAN_YEAR or y > year:
        return
    if cert.valid_until < end:  # lapsed: the renewal failed, or was never filed
        if _draw(code, y, "renewal") < 40:
            attempts.failed(firm_id, y, code, _batch(cert.valid_until, batches), renewal=True, renews=cert)
        return
    draw = _draw(code, y, "renewal")
    if draw < 50:
        stage = Stage.REVIEW if draw < 30 else Stage.APPLIED
        attempts.add(firm_id, y, stage=stage, batch=len(batches), renewal=True, renews=cert)
    elif draw < 75:
        attempts.add(firm_id, y, stage=Stage.INTENDING, renewal=True, renews=cert)
    # else: not yet filed, a firm to visit


def _this_year(attempts, firm, year, last_batch):
    """This year's new attempts of a firm without a valid certificate: the last batch in review,
    a few failed in an earlier batch, the 培优库 being cultivated."""
    draw = _draw(firm.credit_code, year, "now", scale=1000)
    if draw < 10:
        attempts.add(firm.pk, year, stage=Stage.REVIEW, batch=last_batch)
    elif draw < 16:
        attempts.add(firm.pk, year, stage=Stage.APPLIED, batch=last_batch)
    elif draw < 22:
        attempts.add(firm.pk, year, stage=Stage.INTENDING)
    elif draw < 26:  # failed in one of this year's earlier batches
        attempts.failed(firm.pk, year, firm.credit_code, 1 + draw % (last_batch - 1))
    elif firm.cultivation_pool and draw < 300:
        attempts.add(firm.pk, year, stage=Stage.CULTIVATING)


def _tech_based(attempts, firm, year):
    """Tech-based evaluations: registered in the 入库 year (of the plan years); a few 未入库 the
    year before; this year's pending and submitted among the firms not registered."""
    code, registered = firm.credit_code, firm.tech_registered_year
    if registered is not None and registered >= FIRST_PLAN_YEAR:
        if registered > FIRST_PLAN_YEAR and _draw(code, "tb-retry") < 15:
            attempts.failed(firm.pk, registered - 1, code, None, programme=Programme.TECH_BASED)
        attempts.add(firm.pk, registered, Programme.TECH_BASED, stage=Stage.REGISTERED)
    elif registered is None:
        draw = _draw(code, year, "tb-now")
        if draw < 20:
            stage = Stage.SUBMITTED if draw < 12 else Stage.PENDING
            attempts.add(firm.pk, year, Programme.TECH_BASED, stage=stage)
