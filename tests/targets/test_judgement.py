"""One judgement everywhere: rank and colour never disagree, and a partial month is never the
default nor shows a subset against the district's target (issue 12, items 1 and 2)."""

import pytest

from bulletins.figures import build_figures
from demo.services import seed_demo_counts
from targets import metrics
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from targets.progress import default_month, district_progress, latest_complete_month, plannable_months
from tests.support import log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

WORSE = {s: i for i, s in enumerate(metrics.STATUS_ORDER)}  # done 0 … red 3, missing 4


def contradictions(lines):
    """Pairs (a, b) of one ranking where a ranks above b yet has a worse status.

    `lines` is [(name, group, rank, status)]; rank None means unranked.
    """
    out = []
    for a in lines:
        for b in lines:
            if a[1] == b[1] and a[2] is not None and b[2] is not None and a[2] < b[2] and WORSE[a[3]] > WORSE[b[3]]:
                out.append((a, b))
    return out


def test_the_checker_finds_a_contradiction():
    assert contradictions([("甲", "A", 1, "red"), ("乙", "A", 2, "green")]) == [
        (("甲", "A", 1, "red"), ("乙", "A", 2, "green"))
    ]
    assert contradictions([("甲", "A", 1, "red"), ("乙", "B", 2, "green")]) == []


def _progress_lines(progress, metric):
    rows = progress.rows
    in_class = [(r.subdistrict.name, r.subdistrict.category, r.metrics[metric].rank_in_class, r.metrics[metric].status)
                for r in rows]  # fmt: skip
    overall = [(r.subdistrict.name, "all", r.metrics[metric].rank_overall, r.metrics[metric].status) for r in rows]
    return in_class + overall


def _bulletin_lines(figures, metric):
    out = []
    for category, klass in figures["metrics"][metric]["classes"].items():
        out += [(r["name"], category, r["rank"], r["status"]) for r in klass["rows"]]
        out += [(r["name"], "all", r["rank_overall"], r["status"]) for r in klass["rows"]]
    return out


def _make_partial(month, slugs):
    MonthlyCount.objects.filter(month=month.date).exclude(subdistrict__slug__in=slugs).delete()


def test_no_contradictory_rank_and_colour_in_any_month_of_the_demo(login, leader):
    seed_demo_counts()
    _make_partial(Month(2026, 4), ["caijiagang", "tiansheng", "shuitu"])  # a month made partial
    c = login(leader)
    for month in plannable_months():
        progress = district_progress(month)
        api = c.get(f"/api/v1/progress?month={month}").json()
        for metric in ("high_tech", "tech_based"):
            assert contradictions(_progress_lines(progress, metric)) == [], (month, metric)
            api_lines = [(r["name"], r["category"], r[metric]["rank_in_class"], r[metric]["status"])
                         for r in api["subdistricts"]]  # fmt: skip
            api_lines += [
                (r["name"], "all", r[metric]["rank_overall"], r[metric]["status"]) for r in api["subdistricts"]
            ]
            assert contradictions(api_lines) == [], (month, metric)
            for row in progress.rows:
                m = row.metrics[metric]
                assert (m.rank_overall is None) == (m.status == metrics.STATUS_MISSING)
                assert (m.rank_change_overall is None) or m.actual is not None


def test_no_contradictory_rank_and_colour_in_the_bulletins(login, leader):
    seed_demo_counts()
    _make_partial(Month(2026, 10), ["caijiagang", "tiansheng", "shuitu"])
    for month in [Month(2025, 6), Month(2026, 4), Month(2026, 10)]:
        figures = build_figures(month)
        for metric in ("high_tech", "tech_based"):
            assert contradictions(_bulletin_lines(figures, metric)) == [], (month, metric)
            section = figures["metrics"][metric]
            ranked = {
                r["name"]: (r["rank_overall"], r["status"]) for c in section["classes"].values() for r in c["rows"]
            }
            # 进度靠前 names every done/green line ranked within the cut-off, ties included
            expected = [
                n for n, (rank, st) in ranked.items() if rank is not None and rank <= 5 and st in ("done", "green")
            ]
            assert sorted(section["ahead"]) == sorted(expected)


def test_the_2026_04_bulletin_puts_no_lagging_subdistrict_above_one_on_schedule():
    """The issue's example: 蔡家岗 ranked 4th and 滞后 above four that 达到序时进度."""
    seed_demo_counts()
    figures = build_figures(Month(2026, 4))
    rows = figures["metrics"]["high_tech"]["classes"]["A"]["rows"]
    statuses = [WORSE[r["status"]] for r in rows]
    assert statuses == sorted(statuses)  # in rank order, the status never improves


def test_a_partial_month_is_never_the_default_nor_negative(login, bureau, leader):
    seed_demo_counts()  # through 2026-10
    assert latest_complete_month() == Month(2026, 10)
    # three of seventeen report November, with figures well above October's
    for slug in ("tiansheng", "shuitu", "caijiagang"):
        october = {m.metric: m.value for m in MonthlyCount.objects.filter(subdistrict__slug=slug, month="2026-10-01")}
        log(slug, "2026-11", "high_tech", october["high_tech"] + 1)
        log(slug, "2026-11", "tech_based", october["tech_based"] + 2)
    assert default_month() == Month(2026, 10)
    c = login(leader)
    assert c.get("/").context["month"] == Month(2026, 10)
    assert c.get("/api/v1/progress").json()["month"] == "2026-10"
    response = c.get("/?month=2026-11")
    html = response.content.decode()
    assert "3/17 个街镇已填报" in html
    assert "2026年11月（3/17 个街镇已填报）" in html  # the month picker labels it
    progress = response.context["progress"]
    assert not progress.complete
    for metric in ("high_tech", "tech_based"):
        total = progress.total[metric]
        assert total.covered == 3
        assert total.increment_completion >= 0 and total.completion > 0
        assert total.new_this_month == (3 if metric == "high_tech" else 6)  # like for like: the same three
    unreported = progress.row_for(SubDistrict.objects.get(slug="beiwenquan"))
    assert unreported.metrics["high_tech"].rank_overall is None
    assert unreported.metrics["high_tech"].rank_change_overall is None
    figures = build_figures(Month(2026, 11))
    text = "".join(figures["summary"])
    assert "减少" not in text and "-" not in text
    assert text.count("无进度滞后的街镇") <= 2 and "高新技术企业无进度滞后的街镇无进度滞后" not in text


def test_nothing_reported_ranks_nobody_and_says_so_once():
    seed_demo_counts(until=Month(2026, 9))
    progress = district_progress(Month(2026, 10))
    assert all(r.metrics[m].rank_overall is None for r in progress.rows for m in ("high_tech", "tech_based"))
    assert all(r.metrics[m].rank_change_overall is None for r in progress.rows for m in ("high_tech", "tech_based"))
    figures = build_figures(Month(2026, 10))
    text = "".join(figures["summary"])
    assert "无进度滞后的街镇" not in text
    assert "本月尚无街镇填报数据" in text


def test_no_complete_month_defaults_to_last_month():
    log("tiansheng", "2026-10", "high_tech", 16)
    assert latest_complete_month() is None
    assert default_month() == Month(2026, 10)


def test_rules_page_states_the_rules_with_computed_examples(login, official):
    response = login(official).get("/rules/")
    html = response.content.decode()
    assert "口径说明" in html
    for label in metrics.STATUS_LABELS.values():
        assert label in html
    assert "保持年" not in html  # plain words: 今年只需保住
    assert "今年应新增不足 5 家" in html and "并列" in html and "完整月份" in html
    assert "60.0%" in html and "53.3%※" in html and "120.0%※" in html  # the computed examples


@pytest.mark.parametrize("url", ["/", "/subdistricts/tiansheng/", "/bulletin/2026-10/"])
def test_every_judging_page_links_the_rules(login, bureau, url):
    seed_demo_counts()
    assert 'href="/rules/"' in login(bureau).get(url).content.decode()


def test_the_goals_read_the_same_on_every_page_and_api(login, leader):
    """Item 3: one judgement of every goal (dashboard, bulletin, /indicators/, the API)."""
    seed_demo_counts()  # through 2026-10, every month complete
    december = sum(MonthlyCount.objects.filter(month="2025-12-01", metric="high_tech").values_list("value", flat=True))
    c = login(leader)
    dashboard = {g.indicator.code: g for g in c.get("/").context["goal_rows"]}
    indicators = {r.indicator.code: r for r in c.get("/indicators/").context["rows"]}
    api = {i["code"]: i for i in c.get("/api/v1/indicators").json()["indicators"]}
    bulletin = {(g["metric"], g["year"]): g for g in build_figures(Month(2026, 10))["goals"]}
    for source in (dashboard["high_tech_2025"], indicators["high_tech_2025"]):
        assert (source.value, source.as_of, source.final) == (december, Month(2025, 12), True)
        assert source.met is metrics.goal_met(december, 470, "gt")
    assert api["high_tech_2025"]["judged"]["value"] == december
    assert api["high_tech_2025"]["judged"]["as_of"] == "2025-12"
    assert bulletin[("high_tech", 2025)]["value"] == december and bulletin[("high_tech", 2025)]["final"]
    # the 2027 distance: two figures, each labelled, the same on every page
    october = sum(MonthlyCount.objects.filter(month="2026-10-01", metric="high_tech").values_list("value", flat=True))
    assert dashboard["high_tech_2027"].gap_goal == max(0, 571 - october)
    assert dashboard["high_tech_2027"].gap_plan == max(0, 573 - october)
    assert bulletin[("high_tech", 2027)]["gap"] == dashboard["high_tech_2027"].gap_goal
    assert api["high_tech_2027"]["judged"]["gap_to_plan_total"] == dashboard["high_tech_2027"].gap_plan
    html = c.get("/").content.decode()
    assert "距总体目标（超过570家）" in html and "距附件分解表2027年合计（573家）" in html


def test_judge_goal_by_hand():
    points = {(2025, 11): 480, (2025, 12): 468, (2026, 3): 500}
    # seen from 2026: the 2025 goal is judged on December 2025 only (468, not met), never on March 2026
    judged = metrics.judge_goal(470, "gt", 2025, Month(2026, 3), points)
    assert (judged["value"], judged["as_of"], judged["final"], judged["met"]) == (468, (2025, 12), True, False)
    # seen from November 2025: not judged yet, above for now
    judged = metrics.judge_goal(470, "gt", 2025, Month(2025, 11), points)
    assert (judged["value"], judged["final"], judged["met"], judged["currently_met"]) == (480, False, None, True)
    # December missing: undecided, not judged on another month
    judged = metrics.judge_goal(470, "gt", 2025, Month(2026, 3), {(2025, 11): 480})
    assert (judged["value"], judged["met"], judged["verdict"]) == (None, None, "未判定（2025年12月数据未齐）")
    assert metrics.judge_goal(470, "gt", 2025, Month(2024, 1), points)["verdict"] == "暂无完整数据"
    assert metrics.least_meeting(570, "gt") == 571 and metrics.least_meeting(45, "gte") == 45
    assert metrics.least_meeting(None, "lead") is None
