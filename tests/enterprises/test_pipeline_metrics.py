"""The pipeline's numbers (enterprises/pipeline_metrics.py), against values computed by hand."""

from fractions import Fraction

import pytest

from enterprises import pipeline_metrics as pm
from enterprises.choices import Programme, Stage

HT, TB = Programme.HIGH_TECH, Programme.TECH_BASED
LABELS = {stage: label for stage, label in Stage.choices}


def test_pass_rates_count_each_attempt_at_every_stage_it_reached():
    earlier = [
        (Stage.RECOGNISED, ""),  # reached all four stages, recognised
        (Stage.RECOGNISED, ""),
        (Stage.FAILED, Stage.REVIEW),  # reached 培育, 拟申报, 已申报, 评审/公示
        (Stage.FAILED, Stage.APPLIED),  # reached 培育, 拟申报, 已申报
        (Stage.INTENDING, ""),  # the year ended before it filed: 培育, 拟申报
        (Stage.CULTIVATING, ""),  # 培育 only
        (Stage.APPLIED, ""),  # filed, result never recorded: counts nowhere
    ]
    rates = pm.pass_rates(HT, earlier)
    # 培育: 6 decided (all but the unrecorded one), 2 recognised; 拟申报: 5; 已申报: 4; 评审/公示: 3
    assert {stage: (r.recognised, r.decided) for stage, r in rates.items()} == {
        Stage.CULTIVATING: (2, 6),
        Stage.INTENDING: (2, 5),
        Stage.APPLIED: (2, 4),
        Stage.REVIEW: (2, 3),
    }
    assert rates[Stage.APPLIED].value == Fraction(1, 2)
    assert rates[Stage.REVIEW].percent == "67%"  # 66.7 rounds to 67
    assert rates[Stage.APPLIED].basis == "50%，2/4"


def test_the_issue_example_31_of_51():
    earlier = [(Stage.RECOGNISED, "")] * 31 + [(Stage.FAILED, Stage.APPLIED)] * 20
    rate = pm.pass_rates(HT, earlier)[Stage.APPLIED]
    assert (rate.percent, rate.basis) == ("61%", "61%，31/51")  # 60.78 %


def test_no_earlier_attempt_gives_no_rate_never_zero():
    rates = pm.pass_rates(HT, [])
    assert rates[Stage.APPLIED].value is None and rates[Stage.APPLIED].percent == "—"
    expectation = pm.expectation({Stage.APPLIED: 3}, rates, LABELS)
    assert (expectation.value, expectation.unrated, expectation.count) == (0, 3, 3)
    assert "无往年数据，不计" in expectation.basis


def test_tech_based_rates():
    earlier = [(Stage.REGISTERED, "")] * 7 + [(Stage.REJECTED, Stage.SUBMITTED)] * 3 + [(Stage.PENDING, "")] * 2
    rates = pm.pass_rates(TB, earlier)
    assert (rates[Stage.PENDING].recognised, rates[Stage.PENDING].decided) == (7, 12)
    assert (rates[Stage.SUBMITTED].recognised, rates[Stage.SUBMITTED].decided) == (7, 10)


def test_expectation_sums_count_times_rate_per_stage():
    rates = {
        Stage.APPLIED: pm.Rate(31, 51),
        Stage.REVIEW: pm.Rate(8, 10),
    }
    expectation = pm.expectation({Stage.APPLIED: 2, Stage.REVIEW: 1, Stage.RECOGNISED: 5}, rates, LABELS)
    # 2 × 31/51 + 1 × 8/10 = 62/51 + 4/5 = (310 + 204) / 255 = 514/255 = 2.0157 …
    assert expectation.value == Fraction(514, 255)
    assert (expectation.firms, expectation.value_text, expectation.count) == (2, "2.0", 3)
    assert expectation.basis == "已申报2家×61%（31/51） + 评审/公示1家×80%（8/10） = 2.0家，约2家"


@pytest.mark.parametrize(
    ("value", "whole", "text"),
    [
        (Fraction(1, 2), 1, "0.5"),
        (Fraction(5, 2), 3, "2.5"),
        (Fraction(122, 100), 1, "1.2"),
        (Fraction(149, 100), 1, "1.5"),
    ],
)
def test_rounding_half_up(value, whole, text):
    assert pm.round_half_up(value) == whole and pm.decimal_text(value) == text


@pytest.mark.parametrize(
    ("stage", "renewed", "lapsed", "key"),
    [
        (None, False, False, "not_filed"),
        (Stage.INTENDING, False, False, "not_filed"),
        (Stage.APPLIED, False, False, "filed"),
        (Stage.REVIEW, False, True, "filed"),  # lapsed while in review: its outcome decides
        (Stage.FAILED, False, False, "failed"),
        (Stage.FAILED, False, True, "lapsed"),
        (None, False, True, "lapsed"),
        (None, True, True, "renewed"),  # a newer certificate from another route
        (Stage.RECOGNISED, True, False, "renewed"),
    ],
)
def test_renewal_state(stage, renewed, lapsed, key):
    assert pm.renewal_state(stage, renewed, lapsed)[0] == key


ISSUE_RATE = pm.Rate(31, 51)


def _filed(applied=0, review=0, rate_applied=ISSUE_RATE, rate_review=ISSUE_RATE):
    return pm.expectation(
        {Stage.APPLIED: applied, Stage.REVIEW: review}, {Stage.APPLIED: rate_applied, Stage.REVIEW: rate_review}, LABELS
    )


def test_the_warning_sentence_of_the_issue():
    # 2 firms in review at 31/51: 62/51 = 1.2 → 1 firm, short of 5
    line = pm.warning_line("天生街道", 5, _filed(applied=1, review=1))
    assert line == "天生街道今年尚差5家，在途申报2家，按往年通过率（61%）预计新增1家"


def test_no_warning_when_the_applications_close_the_gap():
    assert pm.warning_line("天生街道", 1, _filed(applied=2)) == ""  # 1.2 → 1 ≥ 1
    assert pm.warning_line("天生街道", 0, _filed()) == ""
    assert pm.warning_line("大湾镇", None, _filed()) == ""  # 目标待分解: nothing to compare with


def test_renewals_at_risk_widen_the_gap_and_pre_filing_firms_are_told_not_counted():
    early = pm.expectation({Stage.INTENDING: 3}, {Stage.INTENDING: pm.Rate(1, 2)}, LABELS)
    # gap 1 + 2 certificates that will lapse = 3 needed; 2 × 31/51 → 1
    line = pm.warning_line("歇马街道", 1, _filed(applied=2), early, at_risk=2)
    assert line == (
        "歇马街道今年尚差1家，在途申报2家，按往年通过率（61%）预计新增1家；"
        "2张证书年内到期尚未申报（或未通过）重新认定，如最终未获认定将减少2家；另有3家处于培育、拟申报阶段，尚未申报"
    )
    line = pm.warning_line("歇马街道", 0, _filed(), at_risk=1)
    assert (
        line
        == "歇马街道已达今年目标，在途申报0家；1张证书年内到期尚未申报（或未通过）重新认定，如最终未获认定将减少1家"
    )


def test_two_rates_are_both_named():
    filed = _filed(applied=1, review=2, rate_review=pm.Rate(4, 5))
    # 31/51 + 2 × 4/5 = 0.608 + 1.6 = 2.2 → 2, short of 3
    assert pm.warning_line("朝阳街道", 3, filed) == (
        "朝阳街道今年尚差3家，在途申报3家，按往年通过率（已申报61%、评审/公示80%）预计新增2家"
    )


def test_without_earlier_results_the_warning_says_it_cannot_expect():
    unrated = pm.Rate(0, 0)
    line = pm.warning_line("天生街道", 2, _filed(applied=2, rate_applied=unrated, rate_review=unrated))
    assert line == "天生街道今年尚差2家，在途申报2家，往年无已有结果的申报，无法按通过率预计"
    line = pm.warning_line("天生街道", 2, _filed(applied=1, review=1, rate_review=unrated))
    # 31/51 = 0.6 → 1 firm from 已申报; the 评审/公示 firm has no rate
    assert line == "天生街道今年尚差2家，在途申报2家，按往年通过率（61%）预计新增1家（另1家所处环节往年无数据，未计入）"


def test_certificates_issued_after_the_counts_month_close_the_gap_they_are_not_yet_in():
    """November's count says 朝阳 is one short; a 备案 list of 5 December gave it a certificate:
    no warning, and where one is still short the sentence says what the count does not hold yet."""
    from targets.months import Month

    november = Month(2026, 11)
    assert pm.warning_line("朝阳街道", 1, _filed(), since=1, month=november) == ""
    line = pm.warning_line("天生街道", 5, _filed(applied=1, review=1), since=2, month=november)
    # 5 − 2 = 3 still needed; 2 × 31/51 → 1
    assert line == "天生街道今年尚差5家（2026年11月末），此后已新认定2家，在途申报2家，按往年通过率（61%）预计新增1家"
