"""The year-end forecast with the pipeline (issue 29, item 4): hand-computed forecasts, the
pipeline read as it stood at a past month's end (no later outcome leaks in), and the backtest
page showing the error with and without it."""

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import timezone

from enterprises import forecast, pipeline
from enterprises.choices import Programme, Stage
from targets import forecast as model
from targets.forecast_pipeline import PipelineFacts
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from tests.support import d, firm

OCT_2025 = Month(2025, 10)

# counts at the end of October and December: 100 → 110 in 2023 and in 2024, a rest-of-year
# growth of 10 % both years; 100 at the end of October 2025
SERIES = {
    Month(2022, 12): 90,
    Month(2023, 10): 100,
    Month(2023, 12): 110,
    Month(2024, 10): 100,
    Month(2024, 12): 110,
    Month(2025, 10): 100,
}
# 4 certificates counted end before 31 December; 1 of the 2 that expired earlier was renewed
REGISTRY = model.RegistryFacts(expiring=4, renewed=1, expired_before=2)
PIPE = PipelineFacts(
    in_review=3,
    expected=Fraction(3 * 16, 25),  # 3 × 64 % = 1.92
    rates="64%",
    renewals_not_filed=2,
    renewals_filed=2,
    renewals_expected=Fraction(3, 2),  # 2 × 75 %
    renewal_rates="75%",
)


def test_without_a_pipeline_the_rhythm_and_the_renewal_rate():
    result = model.forecast(SERIES, OCT_2025, 120, registry=REGISTRY)
    # 100 + 100 × 10 % − 4 × (1 − 1/2) = 108; low 100 + 10 − 4 = 106; high 110
    assert (result.projected, result.low, result.high) == (108, 106, 110)
    assert result.pipeline is None


def test_the_pipeline_replaces_the_rhythms_guess_for_the_firms_in_review():
    result = model.forecast(SERIES, OCT_2025, 120, registry=REGISTRY, pipeline=PIPE)
    # arrivals: the rhythm's 10, of which 3 are the firms in review, replaced by 3 × 64 % = 1.92:
    # 1.92 + 7 = 8.92; lapses: the 2 not filed yet × (1 − the observed renewal rate 1/2) = 1, plus
    # the 2 in review × (1 − 75 %) = 0.5: 1.5
    assert result.increase == Fraction(892, 100) and result.expected_lapses == Fraction(3, 2)
    assert result.projected == 107  # 100 + 8.92 − 1.5 = 107.42
    # low: 100 + 1 (1.92 rounded down) + 7 − all 4 lapse = 104; high: all 3 recognised, every
    # renewal renewed: 100 + 3 + 7 = 110
    assert (result.low, result.high) == (104, 110)
    text = result.basis_text
    assert "在途申报3家，按往年通过率64%预计认定2家" in text
    assert "按往年节奏（2023、2024年10月末至年底平均增长 10.0%）预计新增 10 家，其中在途申报3家已按通过率计" in text
    assert "另计尚未申报的企业新增 7 家" in text
    assert (
        "到期尚未申请重新认定2家，按往年重新认定率50%预计失效1家；重新认定在审2家，按往年通过率75%预计失效1家" in text
    )
    assert "预计2025年底 107 家（区间 104–110 家）" in text
    # 2027: this year's projection + the mean yearly net increase (20, 0 → 10) × 2
    assert result.projected_2027 == 107 + 10 * 2


def test_when_the_rhythm_expects_no_more_than_the_firms_in_review_the_pipeline_alone_counts():
    pipe = PipelineFacts(in_review=12, expected=Fraction(12 * 16, 25), rates="64%")  # 7.68
    result = model.forecast(SERIES, OCT_2025, 120, registry=model.RegistryFacts(), pipeline=pipe)
    assert result.increase == Fraction(768, 100)
    # 107.68; low 7.68 rounded down: 107; all 12 pass: 112
    assert (result.projected, result.low, result.high) == (108, 107, 112)
    assert "不超过在途申报数，以在途申报为准，不另计" in result.basis_text
    assert "年内无到期未重新认定的证书" in result.basis_text


# --- read from the database, as it stood then -------------------------------------------------


def dated(attempt, day):
    """Date the attempt's newest history row `day`: the move was made then."""
    row = attempt.history.order_by("-history_id").first()
    row.history_date = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    row.save()


def count(slug, month, value):
    sub = SubDistrict.objects.get(slug=slug)
    MonthlyCount.objects.create(subdistrict=sub, month=month.date, metric="high_tech", value=value)


@pytest.fixture
def earlier_batches(bureau):
    """2024: one firm recognised, two failed (one at 已申报, one at 评审/公示): 已申报's rate is
    1/3; tiansheng had 10 high-tech firms in December 2024 and 15 at the end of October 2025."""
    for n, outcome, failed_at in (
        (1, Stage.RECOGNISED, None),
        (2, Stage.FAILED, Stage.APPLIED),
        (3, Stage.FAILED, Stage.REVIEW),
    ):
        attempt = pipeline.open_attempt(
            firm(n), 2024, Programme.HIGH_TECH, user=bureau, reason="申报", stage=Stage.INTENDING
        )
        dated(attempt, d("2024-03-01"))
        attempt = pipeline.move(attempt, Stage.APPLIED, user=bureau, reason="已申报", batch=3)
        dated(attempt, d("2024-07-01"))
        if failed_at == Stage.APPLIED:
            attempt = pipeline.move(
                attempt, Stage.FAILED, user=bureau, reason="未通过", failure_reason="研发费用占比不足"
            )
        else:
            attempt = pipeline.move(attempt, Stage.REVIEW, user=bureau, reason="公示")
            dated(attempt, d("2024-10-01"))
            extra = (
                {"certificate_no": "GR202450000001", "issue_date": d("2024-11-28")}
                if outcome == Stage.RECOGNISED
                else {"failure_reason": "知识产权不足"}
            )
            attempt = pipeline.move(attempt, outcome, user=bureau, reason="备案名单", **extra)
        dated(attempt, d("2024-11-28"))
    count("tiansheng", Month(2024, 12), 10)
    count("tiansheng", OCT_2025, 15)


@pytest.mark.django_db
@pytest.mark.usefixtures("pinned_today", "map_2025_11")
def test_a_past_forecast_reads_the_pipeline_as_it_stood_and_no_later_outcome(earlier_batches, bureau):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    attempt = pipeline.open_attempt(
        firm(4), 2025, Programme.HIGH_TECH, user=bureau, reason="申报", stage=Stage.APPLIED, batch=4
    )
    dated(attempt, d("2025-08-01"))

    def october():
        facts = forecast.pipeline_facts([tiansheng], OCT_2025).get(tiansheng.pk)
        return facts, forecast.district_forecast(OCT_2025, [tiansheng]).row_for(tiansheng).metrics["high_tech"]

    facts, before = october()
    assert facts == PipelineFacts(in_review=1, expected=Fraction(1, 3), rates="33%")
    # linear (one earlier December): (15 − 10) / 10 months × 2 = 1 arrival, of which the firm in
    # review is replaced by 1/3: 15 + 1/3 = 15.33 → 15 (without the pipeline: 16)
    assert before.increase == Fraction(1, 3) and before.projected == 15
    assert "在途申报1家，按往年通过率33%预计认定0家" in before.basis_text
    # its result comes in December 2025: the October forecast does not know it
    attempt = pipeline.move(attempt, Stage.REVIEW, user=bureau, reason="公示")
    dated(attempt, d("2025-11-20"))
    attempt = pipeline.move(
        attempt,
        Stage.RECOGNISED,
        user=bureau,
        reason="备案",
        certificate_no="GR202550000009",
        issue_date=d("2025-12-20"),
    )
    dated(attempt, d("2025-12-20"))
    # and a firm that entered the pipeline only in November is not there in October either
    later = pipeline.open_attempt(
        firm(5), 2025, Programme.HIGH_TECH, user=bureau, reason="申报", stage=Stage.APPLIED, batch=4
    )
    dated(later, d("2025-11-05"))
    facts_after, after = october()
    assert facts_after == facts
    assert (after.projected, after.low, after.high, after.basis) == (
        before.projected,
        before.low,
        before.high,
        before.basis,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("pinned_today", "map_2025_11")
def test_the_latest_month_reads_the_pipeline_as_the_pipeline_page_does(earlier_batches, bureau, login, official):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    for n, stage in ((6, Stage.APPLIED), (7, Stage.REVIEW)):
        pipeline.open_attempt(firm(n), 2026, Programme.HIGH_TECH, user=bureau, reason="申报", stage=stage, batch=4)
    firm(8, issue_dates=[d("2023-11-10")])  # last valid day 2026-11-09: no renewal filed
    facts = forecast.pipeline_facts([tiansheng], Month(2026, 10))[tiansheng.pk]
    # 已申报 1/3 (1 of 3 decided), 评审/公示 1/2 (1 of the 2 that reached it): 1/3 + 1/2 = 5/6
    assert facts == PipelineFacts(
        in_review=2, expected=Fraction(5, 6), rates="已申报33%、评审/公示50%", renewals_not_filed=1
    )
    count("tiansheng", Month(2026, 10), 20)  # the latest month: the API forecasts from it
    body = login(official).get("/api/v1/forecast?year=2026").json()
    said = body["subdistricts"][0]["high_tech"]["pipeline"]
    assert said == {
        "in_review": 2,
        "expected": 0.83,
        "renewals_not_filed": 1,
        "renewals_in_review": 0,
        "renewals_expected": 0.0,
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("pinned_today", "map_2025_11")
def test_the_accuracy_page_shows_the_error_with_and_without_the_pipeline(login, leader, bureau):
    from demo.services import seed_demo_counts

    seed_demo_counts()
    attempt = pipeline.open_attempt(firm(1), 2024, Programme.HIGH_TECH, user=bureau, reason="纳入培优库")
    dated(attempt, d("2024-03-05"))  # tiansheng has a pipeline from March to November 2024
    response = login(leader).get("/warnings/accuracy/")
    high = response.context["sections"][0]
    # 12 units × 3 years × 11 months tried; tiansheng's 9 months of 2024 had a pipeline
    assert high.pipeline_cases == (9, 12 * 3 * 11) and high.pipeline_months == (9, 33)
    assert [row.pipeline_cases for row in high.subdistricts] == [0, 0] + [1] * 9
    html = response.content.decode()
    assert (
        "回测的 396 个“街镇·月”中有 9 个当月末已有本年认定进程（按当时的记录）；全区 33 个月中有 9 个月至少一个街镇已有"
        in html
    )
    assert "<th>不用认定进程</th>" in html
    # nobody in review and no certificate: the pipeline changes nothing, both errors the same
    assert all(row.mae == row.mae_without_pipeline for row in high.subdistricts + high.district)
