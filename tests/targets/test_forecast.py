"""The forecast model with hand-computed values (no database)."""

from fractions import Fraction

import pytest

from targets import backtest as bt
from targets import forecast as fc
from targets.months import Month


def months(year, values, start=1):
    return {Month(year, start + i): v for i, v in enumerate(values)}


def test_no_earlier_year_is_linear():
    series = {Month(2022, 12): 10} | months(2023, [11, 11, 13])
    result = fc.forecast(series, Month(2023, 3), target=20, target_2027=30)
    # (13 − 10) / 3 = 1 a month for the 9 months left; monthly changes 1, 0, 2
    assert result.method == fc.METHOD_LINEAR
    assert (result.projected, result.low, result.high) == (22, 13, 31)
    assert result.gap == 0 and not result.at_risk
    # 2027 with no complete earlier year: this year's projected net increase 22 − 10 = 12 a year
    # for the 4 years 2024–2027; range 13 + 3 × 4 and 31 + 21 × 4
    assert result.step == 12 and result.step_years == []
    assert (result.projected_2027, result.low_2027, result.high_2027) == (70, 25, 115)
    assert result.gap_2027 == 0
    assert "往年无完整年度数据，此后每年按本年预计净增 12 家，预计2027年底 22 + 12 × 4 = 70 家（区间 25–115 家）" in (
        result.basis_text
    )
    assert "往年数据不足两年" in result.basis_text and "企业名录中无该街镇企业" in result.basis_text


def test_one_earlier_year_is_still_linear_and_registry_lapses_count():
    series = {Month(2022, 12): 10, Month(2023, 6): 12, Month(2023, 12): 16}
    series |= months(2024, [16, 17, 17, 18, 18, 19])
    facts = fc.RegistryFacts(expiring=4, renewed=1, expired_before=4, recognised_this_year=2)
    result = fc.forecast(series, Month(2024, 6), target=23, registry=facts)
    # linear: (19 − 16) / 6 × 6 = 3; lapses 4 × (1 − 1/4) = 3
    assert result.method == fc.METHOD_LINEAR
    assert result.renewal_rate == Fraction(1, 4) and result.expected_lapses == 3
    assert result.projected == 19
    assert result.low == 19 + 0 - 4  # smallest monthly change 0, every expiring certificate lapses
    assert result.high == 19 + 1 * 6  # largest monthly change 1, all renewed
    assert result.gap == 4 and result.at_risk
    assert "年内到期未重新认定 4 家（往年重新认定率 25%（1/4）），预计失效 3 家" in result.basis_text
    assert "今年已新认定 2 家" in result.basis_text


def hold_year_series():
    return {
        Month(2022, 12): 100,
        Month(2023, 9): 102,
        Month(2023, 12): 120,
        Month(2024, 9): 120,  # a hold year: nothing changed after September
        Month(2024, 12): 120,
        Month(2025, 9): 125,
        Month(2025, 12): 150,
        Month(2026, 9): 160,
    }


def test_rhythm_of_earlier_years_with_a_hold_year():
    series = hold_year_series()
    result = fc.forecast(series, Month(2026, 9), target=185, target_2027=200)
    # g = (18 + 0 + 25) / (102 + 120 + 125) = 43/347; 160 × 43/347 = 19.83
    assert result.method == fc.METHOD_RHYTHM
    assert result.growth == Fraction(43, 347) and result.pattern_years == [2023, 2024, 2025]
    assert result.projected == 180
    assert result.low == 160  # the hold year: no growth
    assert result.high == 192  # 2025: 25/125 = 20%
    assert result.gap == 5
    # 2027: this year's 180 + the mean yearly net increase (20 + 0 + 30) / 3 = 16.67 → 17 a year;
    # range 160 + 0 (2024) and 192 + 30 (2025)
    assert result.step == 17 and result.step_years == [2023, 2024, 2025]
    assert (result.projected_2027, result.low_2027, result.high_2027) == (197, 160, 222)
    assert result.gap_2027 == 3
    assert "按往年节奏（2023、2024、2025年9月末至年底平均增长 12.4%）预计新增 20 家" in result.basis_text
    assert "预计2026年底 180 家（区间 160–192 家）" in result.basis_text
    assert "此后每年按往年（2023、2024、2025年）平均净增 17 家" in result.basis_text
    assert "预计2027年底 180 + 17 × 1 = 197 家（区间 160–222 家）" in result.basis_text


def test_no_renewal_observed_counts_every_expiring_certificate_and_no_firms_is_said():
    series = hold_year_series()
    facts = fc.RegistryFacts(expiring=2, expiring_later=3)
    result = fc.forecast(series, Month(2026, 9), target=185, target_2027=200, registry=facts)
    assert result.renewal_rate is None and result.expected_lapses == 2
    assert result.projected == 178 and result.low == 158 and result.high == 192
    # 2027: 178 + 17; the 3 certificates expiring in 2027 are not subtracted again (the yearly
    # net increases already have their years' lapses in them)
    assert result.projected_2027 == 195 and result.expiring_2027 == 5
    assert "2027年另有 3 家证书到期未重新认定，按年净增推算，不另扣减" in result.basis_text
    assert "往年无到期记录，按全部失效计" in result.basis_text


def test_december_and_a_missing_month():
    series = hold_year_series() | {Month(2026, 12): 170}
    result = fc.forecast(series, Month(2026, 12), target=185)
    assert (result.projected, result.low, result.high) == (170, 170, 170)
    missing = fc.forecast(series, Month(2026, 10), target=185)
    assert missing.projected is None and missing.gap is None and "未填报" in missing.basis_text


def test_district_total_is_the_sum_of_subdistricts():
    a = fc.forecast(hold_year_series(), Month(2026, 9), target=185)
    b = fc.forecast({Month(2025, 12): 10, Month(2026, 9): 13}, Month(2026, 9), target=20)
    total = fc.total([a, b], 2026, Month(2026, 9), 205, 230)
    assert total.actual == 173 and total.projected == a.projected + b.projected == 180 + 14
    assert total.low == a.low + b.low and total.high == a.high + b.high
    assert total.gap == 205 - 194
    assert fc.total([a, fc.forecast({}, Month(2026, 9), 1)], 2026, Month(2026, 9), 1, 1).projected is None


def test_round_half_up():
    assert [fc.round_half_up(Fraction(n, 2)) for n in (1, 3, 5, -1)] == [1, 2, 3, 0]


def test_backtest_mean_absolute_error_by_month():
    steady = {Month(2022, 12): 10} | months(2023, [10 + m for m in range(1, 13)])
    batch = {Month(2022, 12): 10} | months(2023, [10] * 11 + [22])
    rows, district = bt.backtest([steady, batch], [2023])
    assert [r.month for r in rows] == list(range(1, 12))
    # steady: linear is exact; batch: stays at 10 until December's 22, an error of 12
    assert all(r.cases == 2 and r.mae == 6 and r.mae_linear == 6 for r in rows)
    assert rows[0].mean_december == 22 and rows[0].relative_pct == pytest.approx(27.3)
    # the district: the sum of the two forecasts (22 + 10) against 22 + 22
    assert all(r.cases == 1 and r.mae == 12 for r in district) and district[0].mean_december == 44


def test_backtest_with_the_registry_as_it_stood():
    series = hold_year_series() | {Month(2026, 12): 175}
    calls = []

    def registry(index, month):
        calls.append(month)
        return fc.RegistryFacts(expiring=2, renewed=1, expired_before=2) if month == Month(2026, 9) else fc.NO_REGISTRY

    rows, _ = bt.backtest([series], [2026], registry)
    assert Month(2026, 9) in calls
    # from September: 180 (the rhythm) − 2 × (1 − 1/2) = 179, against 175
    september = next(r for r in rows if r.month == 9)
    assert september.mae == 4 and september.mae_counts == 5  # 180 on the counts alone


def test_earlier_lapses_make_the_rhythm_gross():
    facts = fc.RegistryFacts(earlier_lapses={2023: 2, 2024: 6})
    result = fc.forecast(hold_year_series(), Month(2026, 9), target=185, registry=facts)
    # (18 + 2 + 0 + 6 + 25) / 347 = 51/347; 160 × 51/347 = 23.5
    assert result.growth == Fraction(51, 347) and result.projected == 184
    assert result.low == 160 + 8 and result.high == 160 + 32  # 2024: 6/120 = 5%, 2025: 20%
    assert "（不计到期失效）" in result.basis_text


def test_provider_hook_must_be_registered(monkeypatch):
    monkeypatch.setattr(fc, "_provider", None)
    with pytest.raises(LookupError):
        fc.provider()
    fc.register(lambda *args: "ok")
    assert fc.provider()() == "ok"


def test_linear_adds_back_this_years_lapses():
    series = {Month(2022, 12): 10} | months(2023, [11, 11, 13])
    facts = fc.RegistryFacts(expiring=1, lapsed_this_year=3)
    result = fc.forecast(series, Month(2023, 3), target=40, registry=facts)
    # (13 − 10 + 3) / 3 = 2 a month for 9 months, then the one expiring certificate lapses
    assert result.increase == 18 and result.projected == 13 + 18 - 1 == 30
    assert "加回年内已失效 3 家" in result.basis_text


def test_2027_continues_a_decline_no_further_than_0():
    series = {Month(2022, 12): 10} | months(2023, [9, 8, 8, 7, 6, 6, 5, 5, 4])
    result = fc.forecast(series, Month(2023, 9), target=12, target_2027=20)
    # linear: (4 − 10) / 9 × 3 = −2 → 2; monthly changes −1 and 0: 4 − 3 = 1 to 4 + 0 = 4
    assert (result.projected, result.low, result.high) == (2, 1, 4)
    # this year's projected net change 2 − 10 = −8 a year would give 2 − 32 < 0 by 2027: limited to
    # what leaves 0 or more, −(2 // 4) = 0 a year; range 1 − 9 × 4 → 0 and 4 − 6 × 4 → 0 … 4
    assert (result.step_unlimited, result.step) == (-8, 0)
    assert (result.projected_2027, result.low_2027, result.high_2027) == (2, 0, 4)
    assert (
        "往年无完整年度数据，此后每年按本年预计净减少 8 家，以2027年底不少于 0 家为限，每年净增 0 家，"
        "预计2027年底 2 + 0 × 4 = 2 家（区间 0–4 家）"
    ) in result.basis_text


def test_a_stated_net_decrease_is_subtracted_as_stated():
    series = {Month(2022, 12): 50, Month(2023, 6): 48, Month(2023, 12): 45, Month(2024, 6): 45}
    series |= {Month(2024, 12): 44, Month(2025, 6): 44, Month(2025, 12): 40, Month(2026, 6): 40}
    result = fc.forecast(series, Month(2026, 6), target=45, target_2027=50)
    # rhythm: (45 − 48 + 44 − 45 + 40 − 44) / (48 + 45 + 44) = −8/137; 40 × −8/137 = −2.34 → 38;
    # slowest 2025: −4/44 → 40 − 3.6 = 36; fastest 2024: −1/45 → 40 − 0.9 = 39
    assert (result.projected, result.low, result.high) == (38, 36, 39)
    # yearly net −5, −1, −4: mean −10/3 = −3.33 → −3; range 36 − 5 = 31 to 39 − 1 = 38
    assert result.step == -3 and (result.projected_2027, result.low_2027, result.high_2027) == (35, 31, 38)
    assert "平均净减少 3 家" in result.basis_text
    assert "预计2027年底 38 − 3 × 1 = 35 家（区间 31–38 家）" in result.basis_text


def test_in_2027_the_2027_figures_are_this_years():
    series = hold_year_series() | {Month(2026, 12): 170, Month(2027, 9): 180}
    result = fc.forecast(series, Month(2027, 9), target=200, target_2027=200)
    assert result.projected_2027 == result.projected and result.gap_2027 == result.gap
    assert (result.low_2027, result.high_2027) == (result.low, result.high) and result.step is None
    assert "预计2027年底 " + str(result.projected) + " 家（区间" in result.basis_text
    assert "此后每年" not in result.basis_text


def test_the_districts_2027_is_its_projection_plus_the_sum_of_the_steps():
    a = fc.forecast(hold_year_series(), Month(2026, 9), target=185, target_2027=200)  # 180, +17 a year
    b_series = {Month(2022, 12): 10, Month(2023, 12): 12, Month(2024, 12): 12, Month(2025, 12): 13}
    b = fc.forecast(b_series | {Month(2026, 9): 13}, Month(2026, 9), target=20, target_2027=20)
    # b: one earlier year at September? none logged: linear from 13 − 13 = 0 → 13; yearly +2, 0, +1 → +1
    assert (b.projected, b.step) == (13, 1)
    total = fc.total([a, b], 2026, Month(2026, 9), 205, 220)
    assert total.step == 18 and total.projected_2027 == 193 + 18 == a.projected_2027 + b.projected_2027
    assert (total.low_2027, total.high_2027) == (a.low_2027 + b.low_2027, a.high_2027 + b.high_2027)
    assert "此后全区每年净增 18 家（各街镇年净增之和），预计2027年底 193 + 18 × 1 = 211 家" in total.basis_text


def test_a_steep_decline_stops_at_0():
    series = {Month(2022, 12): 10} | months(2023, [8, 6, 4])
    result = fc.forecast(series, Month(2023, 3), target=12, target_2027=20)
    # linear: (4 − 10) / 3 = −2 a month for 9 months: 4 − 18 < 0, so 0; monthly change −2 throughout
    assert (result.projected, result.low, result.high) == (0, 0, 0)
    # 2027: this year's net change 0 − 10 = −10 a year, limited to 0 a year from 0
    assert (result.step_unlimited, result.step, result.projected_2027) == (-10, 0, 0)
    assert "预计减少 18 家" in result.basis_text
    assert "预计2023年底 0 家（区间 0–0 家，减少不超过已有数）" in result.basis_text
