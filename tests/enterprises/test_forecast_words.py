"""Every forecast of the demo says what its number is: the 2027 projection is this year's
continued by the yearly net increase its sentence states, on every sub-district and the district,
in every month of the demo (issue 28)."""

import re

import pytest

from bulletins.warning import bulletin_section
from demo.services import seed_demo_counts, seed_demo_enterprises
from enterprises import forecast
from targets import forecast as model
from targets import territory
from targets.choices import BASE_YEAR, METRICS, Metric
from targets.forecast_pipeline import not_filed_words
from targets.models import MonthlyCount, PlanFigure
from targets.months import Month, month_range

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today", "map_2025_11")]

LATEST = Month(2026, 10)  # the last complete month when "today" is 2026-11-15

SENTENCE_2027 = re.compile(
    r"(?P<sign>净增|净减少) (?P<step>\d+) 家(?:（[^）]*）)?，预计2027年底 (?P<from>\d+) (?P<op>[+−]) "
    r"(?P<step2>\d+) × (?P<years>\d+) = (?P<result>\d+) 家（区间 (?P<low>\d+)–(?P<high>\d+) 家）"
)
HOW = {"往年（": "平均", "（各街镇年净增之和）": "之和", "按本年预计": "本年预计"}


@pytest.fixture
def demo():
    seed_demo_counts()
    seed_demo_enterprises()


def stated_2027(result):
    """The 2027 sentence of a forecast's basis, read back as numbers."""
    found = [m for m in map(SENTENCE_2027.search, result.basis) if m]
    assert len(found) == 1, result.basis_text
    m = found[0]
    step = int(m["step"]) * (1 if m["sign"] == "净增" else -1)
    assert int(m["step2"]) * (1 if m["op"] == "+" else -1) == step, result.basis_text
    how = [name for words, name in HOW.items() if words in m.string]
    assert len(how) == 1, m.string
    said = {k: int(m[k]) for k in ("from", "years", "result", "low", "high")} | {"step": step, "how": how[0]}
    assert said["result"] == said["from"] + step * said["years"]  # the sentence's own arithmetic
    return said


def assert_agrees(result):
    """The basis and the numbers are the same values, and 2027 continues this year's projection."""
    text = result.basis_text
    assert f"预计{result.year}年底 {result.projected} 家（区间 {result.low}–{result.high} 家" in text
    assert 0 <= result.low <= result.projected <= result.high
    said = stated_2027(result)
    assert said["from"] == result.projected and said["years"] == model.LAST_YEAR - result.year
    assert said["step"] == result.step
    assert said["result"] == result.projected_2027
    assert (said["low"], said["high"]) == (result.low_2027, result.high_2027)
    assert result.low_2027 <= result.projected_2027 <= result.high_2027
    if said["step"] >= 0:  # the sentence says the count grows: 2027 is not below this year's
        assert result.projected_2027 >= result.projected
    return said


def december_increases(sub, metric, year, version):
    """The sub-district's December-to-December net increases before `year`, read from the
    database apart from the model (December 2022 is the plan's figure)."""
    decembers = {
        BASE_YEAR: PlanFigure.objects.get(version=version, subdistrict=sub, metric=metric, year=BASE_YEAR).value
    }
    for month, value in MonthlyCount.objects.filter(subdistrict=sub, metric=metric, month__month=12).values_list(
        "month", "value"
    ):
        decembers[month.year] = value
    return [
        decembers[y] - decembers[y - 1] for y in range(BASE_YEAR + 1, year) if y in decembers and y - 1 in decembers
    ]


def test_the_latest_months_forecasts_say_what_their_numbers_are(demo):
    district = forecast.district_forecast(LATEST)
    area = territory.map_of(LATEST)
    # only the units of the month's map with a target are projected (水土街道 left in 2025-11)
    assert [row.subdistrict for row in district.rows] == list(area.targeted_members)
    assert "shuitu" not in {row.subdistrict.slug for row in district.rows}
    for metric in METRICS:
        steps = []
        for row in district.rows:
            result = row.metrics[metric]
            said = assert_agrees(result)
            increases = december_increases(row.subdistrict, metric, LATEST.year, area.version)
            assert len(increases) == 3 and said["how"] == "平均"  # 2023, 2024, 2025 complete
            # the stated step is the mean of the yearly net increases, rounded half up
            assert said["step"] == model.round_half_up(sum(increases) / model.Fraction(3))
            assert (result.low_2027, result.high_2027) == (result.low + min(increases), result.high + max(increases))
            steps.append(said["step"])
        total = district.total[metric]
        said = assert_agrees(total)
        assert said["how"] == "之和" and said["step"] == sum(steps)
        assert total.projected_2027 == sum(row.metrics[metric].projected_2027 for row in district.rows)


def test_the_bulletin_and_the_api_give_the_same_2027_figures(demo, leader, login):
    district = forecast.district_forecast(LATEST)
    section = bulletin_section(district, {m: Metric(m).label for m in METRICS})
    for metric, line in zip(METRICS, section["lines"], strict=True):
        total = district.total[metric]
        assert f"预计2026年底{total.projected}家（{total.low}–{total.high}家）" in line
        assert f"全区预计2027年底{total.projected_2027}家（{total.low_2027}–{total.high_2027}家）" in line
        stored = section["metrics"][metric]
        assert (stored["projected_2027"], stored["low_2027"], stored["high_2027"]) == (
            total.projected_2027,
            total.low_2027,
            total.high_2027,
        )
    body = login(leader).get("/api/v1/forecast?year=2027").json()
    for metric in METRICS:
        total = district.total[metric]
        api = body["total"][metric]
        assert (api["projected"], api["low"], api["high"]) == (total.projected_2027, total.low_2027, total.high_2027)
        assert (api["from_projected"], api["step"], api["years_left"]) == (total.projected, total.step, 1)


def test_every_month_of_the_demo_agrees_with_its_words(demo):
    """From January 2023 (no complete earlier year: this year's own net increase continued) to
    the latest month, on the map of each month."""
    for month in month_range(Month(2023, 1), LATEST):
        district = forecast.district_forecast(month)
        members = set(territory.map_of(month).targeted_members)
        assert {row.subdistrict for row in district.rows} == members
        for metric in METRICS:
            for result in [row.metrics[metric] for row in district.rows] + [district.total[metric]]:
                said = assert_agrees(result)
                if month.year == 2023 and result is not district.total[metric]:
                    assert said["how"] == "本年预计"


def test_the_demos_pipeline_forecasts_say_what_their_numbers_are(demo):
    """With the demo's 认定进程: the latest month reads it as it stands, the earlier months as the
    history shows it then; every sentence still agrees with its numbers."""
    from accounts.models import User
    from demo.pipeline import seed_demo_pipeline
    from demo.services import HIGH_TECH_BATCHES
    from enterprises.pipeline_report import year_pipeline

    seed_demo_pipeline(LATEST, User.objects.filter(role="bureau").first(), HIGH_TECH_BATCHES)
    for month in (Month(2025, 6), Month(2025, 10), LATEST):
        district = forecast.district_forecast(month)
        piped = [row.metrics[Metric.HIGH_TECH] for row in district.rows if row.metrics[Metric.HIGH_TECH].pipeline]
        assert piped, month
        for result in piped:
            assert_agrees(result)
            pipe = result.pipeline
            if pipe.rated:
                assert (
                    f"在途申报{pipe.rated}家，按往年通过率{pipe.rates}预计认定{pipe.expected_firms}家"
                    in result.basis_text
                )
            if pipe.renewals_not_filed:
                words = f"到期尚未申请重新认定{pipe.renewals_not_filed}家，{not_filed_words(result.pipeline_estimate)}"
                assert words in result.basis_text
        if month == LATEST:  # the numbers the pipeline page states
            lines = {line.slug: line for line in year_pipeline(LATEST.year).lines}
            for row in district.rows:
                pipe, line = row.metrics[Metric.HIGH_TECH].pipeline, lines[row.subdistrict.slug]
                if pipe is not None:
                    assert (pipe.in_review, pipe.expected) == (line.filed.count, line.filed.value)
        total = district.total[Metric.HIGH_TECH]
        assert_agrees(total)
        assert f"其中{len(piped)}个街镇按认定进程：在途申报{sum(r.pipeline.rated for r in piped)}家" in total.basis_text
