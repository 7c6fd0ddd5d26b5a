"""Moving a firm along its path (enterprises/pipeline.py): the stages, the registry it writes,
the history it keeps, the refusals and the constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises import pipeline
from enterprises.choices import Programme, Stage
from enterprises.models import HighTechRecognition, RecognitionAttempt
from tests.support import d, firm

pytestmark = pytest.mark.django_db


def test_a_firm_goes_from_the_pool_to_a_certificate_with_who_and_why(bureau, official):
    company = firm(1)
    attempt = pipeline.open_attempt(company, 2026, Programme.HIGH_TECH, user=official, reason="纳入培优库")
    assert attempt.stage == Stage.CULTIVATING and attempt.kind_label == "高新技术企业新认定"
    pipeline.move(attempt, Stage.INTENDING, user=official, reason="企业确认今年申报")
    pipeline.move(attempt, Stage.APPLIED, user=official, reason="已在系统提交", batch=2)
    pipeline.move(attempt, Stage.REVIEW, user=bureau, reason="进入第2批公示名单")
    attempt = pipeline.move(
        attempt,
        Stage.RECOGNISED,
        user=bureau,
        reason="第2批备案名单",
        certificate_no="gr202650000123",
        issue_date=d("2026-10-28"),
    )
    certificate = HighTechRecognition.objects.get(enterprise=company)
    assert (certificate.certificate_no, certificate.issue_date) == ("GR202650000123", d("2026-10-28"))
    assert attempt.certificate == certificate and attempt.batch == 2
    rows = list(
        attempt.history.order_by("history_date").values_list("stage", "history_user__username", "history_change_reason")
    )
    assert rows == [
        ("cultivating", "tiansheng_user", "纳入培优库"),
        ("intending", "tiansheng_user", "企业确认今年申报"),
        ("applied", "tiansheng_user", "已在系统提交"),
        ("review", "bureau_user", "进入第2批公示名单"),
        ("recognised", "bureau_user", "第2批备案名单"),
    ]
    cert_history = certificate.history.get()
    assert (cert_history.history_user, cert_history.history_change_reason) == (bureau, "第2批备案名单")


def test_recognition_links_the_certificate_the_registry_already_has(bureau):
    company = firm(1, issue_dates=[d("2026-10-28")])  # an enterprise import came first
    HighTechRecognition.objects.filter(enterprise=company).update(certificate_no="")
    attempt = pipeline.open_attempt(
        company, 2026, Programme.HIGH_TECH, user=bureau, reason="申报", stage=Stage.APPLIED, batch=1
    )
    pipeline.move(
        attempt,
        Stage.RECOGNISED,
        user=bureau,
        reason="公示",
        certificate_no="GR202650000007",
        issue_date=d("2026-10-28"),
    )
    assert HighTechRecognition.objects.get(enterprise=company).certificate_no == "GR202650000007"


def test_a_failure_keeps_its_stage_and_reason(bureau):
    attempt = pipeline.open_attempt(
        firm(1), 2025, Programme.HIGH_TECH, user=bureau, reason="申报", stage=Stage.APPLIED, batch=3
    )
    pipeline.move(attempt, Stage.REVIEW, user=bureau, reason="评审")
    attempt = pipeline.move(attempt, Stage.FAILED, user=bureau, reason="评审结果", failure_reason="研发费用占比不足")
    assert (attempt.stage, attempt.failed_stage, attempt.reason) == ("failed", "review", "研发费用占比不足")


def test_a_renewal_names_the_certificate_ending_that_year(bureau):
    company = firm(1, issue_dates=[d("2023-11-20")])
    old = company.recognitions.get()
    attempt = pipeline.open_attempt(company, 2026, Programme.HIGH_TECH, user=bureau, reason="到期重新认定", renews=old)
    assert (attempt.renewal, attempt.stage, attempt.kind_label) == (True, Stage.INTENDING, "高新技术企业重新认定")
    with pytest.raises(ValidationError) as refused:
        pipeline.open_attempt(
            firm(2, issue_dates=[d("2024-11-20")]),
            2026,
            Programme.HIGH_TECH,
            user=bureau,
            reason="x",
            renews=HighTechRecognition.objects.get(issue_date=d("2024-11-20")),
        )
    assert "2027年到期" in str(refused.value)


def test_tech_based_registration_sets_the_registry_year(bureau):
    company = firm(1)
    attempt = pipeline.open_attempt(company, 2026, Programme.TECH_BASED, user=bureau, reason="组织评价")
    assert attempt.stage == Stage.PENDING
    pipeline.move(attempt, Stage.SUBMITTED, user=bureau, reason="已提交")
    pipeline.move(attempt, Stage.REGISTERED, user=bureau, reason="第3批入库名单")
    company.refresh_from_db()
    assert company.tech_registered_year == 2026
    assert company.history.latest().history_change_reason == "第3批入库名单"


@pytest.mark.parametrize(
    ("start", "target", "kwargs", "message"),
    [
        (Stage.APPLIED, Stage.INTENDING, {}, "不能退回到之前的环节"),
        (Stage.INTENDING, Stage.FAILED, {"failure_reason": "x"}, "尚未申报"),
        (Stage.APPLIED, Stage.FAILED, {}, "请写明未通过的原因"),
        (Stage.INTENDING, Stage.APPLIED, {}, "请填写申报批次"),
        (Stage.APPLIED, Stage.RECOGNISED, {"certificate_no": "GR12", "issue_date": d("2026-10-01")}, "GR加12位数字"),
        (
            Stage.APPLIED,
            Stage.RECOGNISED,
            {"certificate_no": "GR202650000001", "issue_date": d("2025-10-01")},
            "2026年内",
        ),
        (Stage.APPLIED, Stage.REGISTERED, {}, "与认定类别不符"),
    ],
)
def test_refusals_write_nothing(bureau, start, target, kwargs, message):
    batch = 1 if start == Stage.APPLIED else None
    attempt = pipeline.open_attempt(
        firm(1), 2026, Programme.HIGH_TECH, user=bureau, reason="x", stage=start, batch=batch
    )
    with pytest.raises(ValidationError) as refused:
        pipeline.move(attempt, target, user=bureau, reason="更新", **kwargs)
    assert message in str(refused.value)
    attempt.refresh_from_db()
    assert attempt.stage == start and attempt.history.count() == 1
    assert not HighTechRecognition.objects.exists()


def test_an_ended_attempt_does_not_move_and_a_reason_is_required(bureau):
    attempt = pipeline.open_attempt(
        firm(1), 2025, Programme.HIGH_TECH, user=bureau, reason="x", stage=Stage.APPLIED, batch=1
    )
    pipeline.move(attempt, Stage.FAILED, user=bureau, reason="结果", failure_reason="知识产权不足")
    with pytest.raises(ValidationError, match="已结束"):
        pipeline.move(attempt, Stage.REVIEW, user=bureau, reason="x")
    with pytest.raises(ValidationError, match="更新原因"):
        pipeline.open_attempt(firm(2), 2026, Programme.HIGH_TECH, user=bureau, reason=" ")


def test_one_attempt_per_firm_year_and_programme(bureau):
    company = firm(1)
    pipeline.open_attempt(company, 2026, Programme.HIGH_TECH, user=bureau, reason="x")
    with pytest.raises(ValidationError, match="同类认定进程"):
        pipeline.open_attempt(company, 2026, Programme.HIGH_TECH, user=bureau, reason="x")
    pipeline.open_attempt(company, 2026, Programme.TECH_BASED, user=bureau, reason="x")  # another programme


@pytest.mark.parametrize(
    "fields",
    [
        {"programme": Programme.TECH_BASED, "stage": Stage.APPLIED},
        {"programme": Programme.HIGH_TECH, "stage": Stage.APPLIED},  # no batch
        {"programme": Programme.HIGH_TECH, "stage": Stage.FAILED, "batch": 1, "failed_stage": "applied"},  # no reason
        {"programme": Programme.HIGH_TECH, "stage": Stage.RECOGNISED, "batch": 1},  # no certificate
        {"programme": Programme.TECH_BASED, "stage": Stage.PENDING, "renewal": True},
    ],
)
def test_the_database_refuses_what_clean_refuses(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionAttempt.objects.create(enterprise=firm(1), year=2026, **fields)


def test_a_certificate_is_not_deleted_under_its_attempt_but_goes_with_its_firm(bureau):
    from django.db.models import RestrictedError

    attempt = pipeline.open_attempt(
        firm(1), 2026, Programme.HIGH_TECH, user=bureau, reason="x", stage=Stage.REVIEW, batch=1
    )
    attempt = pipeline.move(attempt, Stage.RECOGNISED, user=bureau, reason="公示", certificate_no="GR202650000001",
                            issue_date=d("2026-10-01"))  # fmt: skip
    with pytest.raises(RestrictedError):
        attempt.certificate.delete()
    attempt.enterprise.delete()
    assert not RecognitionAttempt.objects.exists() and not HighTechRecognition.objects.exists()


def test_advance_to_follows_the_lists_as_they_arrive(bureau):
    company = firm(1)
    attempt, changed = pipeline.advance_to(company, 2026, Stage.APPLIED, user=bureau, reason="申报名单.xlsx", batch=3)
    assert changed and (attempt.stage, attempt.batch, attempt.renewal) == (Stage.APPLIED, 3, False)
    assert pipeline.advance_to(company, 2026, Stage.APPLIED, user=bureau, reason="申报名单.xlsx")[1] is False
    attempt, changed = pipeline.advance_to(
        company, 2026, Stage.RECOGNISED, user=bureau, reason="备案名单.xlsx", certificate_no="GR202650000002",
        issue_date=d("2026-12-01"),
    )  # fmt: skip
    assert changed and attempt.stage == Stage.RECOGNISED
    # the 公示 list read after the 备案 list changes nothing
    assert pipeline.advance_to(company, 2026, Stage.REVIEW, user=bureau, reason="公示名单.xlsx")[1] is False
    assert attempt.history.count() == 2


def test_advance_to_opens_a_renewal_for_a_certificate_ending_that_year(bureau):
    company = firm(1, issue_dates=[d("2023-11-20")])
    attempt, _ = pipeline.advance_to(
        company, 2026, Stage.RECOGNISED, user=bureau, reason="备案名单", batch=4, certificate_no="GR202650000003",
        issue_date=d("2026-11-20"),
    )  # fmt: skip
    assert attempt.renewal and attempt.renews.issue_date == d("2023-11-20")
    assert list(attempt.history.order_by("history_date").values_list("stage", flat=True)) == ["review", "recognised"]


def test_a_new_attempt_starts_on_its_own_programmes_open_path(bureau):
    with pytest.raises(ValidationError, match="与认定类别不符"):
        pipeline.open_attempt(firm(1), 2026, Programme.TECH_BASED, user=bureau, reason="x", stage=Stage.APPLIED)
    with pytest.raises(ValidationError, match="未结束的环节"):
        pipeline.open_attempt(firm(2), 2026, Programme.HIGH_TECH, user=bureau, reason="x", stage=Stage.FAILED)
    assert not RecognitionAttempt.objects.exists()
