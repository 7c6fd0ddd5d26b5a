"""The demo's 认定进程 (demo/pipeline.py): certificates come through attempts of their batches,
with failures and re-applications, this year's last batch in review, renewals not yet filed;
the same on every run."""

import pytest

from accounts.models import User
from demo.pipeline import seed_demo_pipeline
from demo.services import HIGH_TECH_BATCHES, seed_demo
from enterprises import pipeline_report
from enterprises.choices import Programme, Stage
from enterprises.models import HighTechRecognition, RecognitionAttempt
from targets.months import Month
from tests.support import pinned

pytestmark = pytest.mark.django_db

FIELDS = ("enterprise__credit_code", "year", "programme", "renewal", "stage", "batch", "failed_stage", "reason")


@pytest.fixture
def seeded():
    with pinned():  # 2026-11-15: the demo stands at the end of October
        seed_demo()
        yield


def test_every_certificate_of_the_plan_years_comes_through_an_attempt(seeded):
    certificates = HighTechRecognition.objects.filter(issue_date__year__gte=2023)
    recognised = RecognitionAttempt.objects.filter(stage=Stage.RECOGNISED)
    assert recognised.count() == certificates.count() > 0
    assert set(recognised.values_list("certificate_id", flat=True)) == set(certificates.values_list("pk", flat=True))
    assert not recognised.filter(certificate__issue_date__year__lt=2023).exists()
    for attempt in recognised.select_related("certificate", "renews")[:200]:
        assert attempt.certificate.issue_date.year == attempt.year
        if attempt.renewal:
            assert attempt.renews.valid_until.year == attempt.year


def test_failures_re_applications_and_this_years_batch(seeded):
    failed = RecognitionAttempt.objects.filter(stage=Stage.FAILED, year__lt=2026)
    assert failed.exists() and not failed.filter(reason="").exists()
    reapplied = RecognitionAttempt.objects.filter(
        stage=Stage.RECOGNISED, renewal=False, enterprise__attempts__stage=Stage.FAILED
    )
    assert reapplied.exists()
    in_review = RecognitionAttempt.objects.filter(year=2026, stage__in=[Stage.APPLIED, Stage.REVIEW], renewal=False)
    assert in_review.exists() and set(in_review.values_list("batch", flat=True)) == {len(HIGH_TECH_BATCHES)}
    assert RecognitionAttempt.objects.filter(programme=Programme.TECH_BASED, stage=Stage.REJECTED).exists()


def test_a_few_renewals_are_not_yet_filed_and_the_rates_look_real(seeded):
    data = pipeline_report.year_pipeline(2026)
    assert data.month == Month(2026, 10)
    assert 0 < data.total.renewals.get("not_filed", 0) < data.total.renewals_due
    assert sum(line.renewals_due for line in data.lines) == data.total.renewals_due
    applied = data.rates["new"][Stage.APPLIED]
    assert applied.decided > 50 and 0.4 < applied.value < 0.9


def test_the_demo_pipeline_is_the_same_on_every_run(seeded):
    first = list(RecognitionAttempt.objects.order_by(*FIELDS).values_list(*FIELDS))
    RecognitionAttempt.history.all().delete()
    RecognitionAttempt.objects.all().delete()
    with pinned():
        assert seed_demo_pipeline(Month(2026, 10), User.objects.get(username="bureau"), HIGH_TECH_BATCHES) == len(first)
    assert list(RecognitionAttempt.objects.order_by(*FIELDS).values_list(*FIELDS)) == first
    assert seed_demo_pipeline(Month(2026, 10), None, HIGH_TECH_BATCHES) == 0  # never twice


def test_officials_see_their_pipeline_in_the_demo(seeded, client):
    client.post("/accounts/login/", {"username": "tiansheng", "password": "beibei-demo-2027"})
    html = client.get("/pipeline/tiansheng/").content.decode()
    assert "2026年认定进程（培优库→证书）：天生街道" in html and "需走访的企业" in html
    assert client.get("/pipeline/shuitu/").status_code == 403
