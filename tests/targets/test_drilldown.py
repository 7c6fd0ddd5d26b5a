"""The sub-district page's drill-down: rank history, chart readings, the phone layout's parts."""

import plotly.graph_objects as go
import pytest

from targets import charts
from targets.models import PlanFigure, SubDistrict
from targets.months import Month
from targets.progress import RankPoint, rank_history
from tests.support import log


def target(slug, metric, year=2026):
    return PlanFigure.objects.get(subdistrict__slug=slug, metric=metric, year=year).value


@pytest.mark.django_db
def test_rank_history_ranks_each_month_on_its_own_counts():
    # September: 天生 at its target (100%), 朝阳 at 1 firm; October: the other way round.
    # 静观 (class B) reports both months at its target. Sub-districts with no count rank last.
    log("tiansheng", "2026-09", "high_tech", target("tiansheng", "high_tech"))
    log("chaoyang", "2026-09", "high_tech", 1)
    log("jingguan", "2026-09", "high_tech", target("jingguan", "high_tech"))
    log("tiansheng", "2026-10", "high_tech", 1)
    log("chaoyang", "2026-10", "high_tech", target("chaoyang", "high_tech"))
    log("jingguan", "2026-10", "high_tech", target("jingguan", "high_tech"))
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    history = rank_history(tiansheng, Month(2026, 10))
    # in class A: 1st then 2nd; overall 天生 shares 1st with 静观 in September, then is 3rd
    assert history["high_tech"] == [
        RankPoint(Month(2026, 9), rank_in_class=1, rank_overall=1),
        RankPoint(Month(2026, 10), rank_in_class=2, rank_overall=3),
    ]
    assert history["tech_based"] == []  # never reported: no rank to draw
    assert rank_history(tiansheng, Month(2026, 9))["high_tech"] == history["high_tech"][:1]


@pytest.mark.django_db
def test_a_corrected_month_is_ranked_again_and_the_others_come_from_the_cache(django_assert_num_queries):
    """Each month's ranking is kept under the versions of its counts and last December's:
    correcting September's count ranks September again (reading only September's counts; last
    December's are kept), while October's ranking is the kept one."""
    from targets.models import MonthlyCount

    log("tiansheng", "2026-09", "high_tech", target("tiansheng", "high_tech"))
    log("chaoyang", "2026-09", "high_tech", 1)
    log("tiansheng", "2026-10", "high_tech", 1)
    log("chaoyang", "2026-10", "high_tech", target("chaoyang", "high_tech"))
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    subs = list(SubDistrict.objects.in_plan_order())
    before = rank_history(tiansheng, Month(2026, 10), subs)["high_tech"]
    assert [(p.rank_in_class, p.rank_overall) for p in before] == [(1, 1), (2, 2)]
    with django_assert_num_queries(3):  # the plan's version (the map, figures) and the months'; every month kept
        assert rank_history(tiansheng, Month(2026, 10), subs)["high_tech"] == before
    count = MonthlyCount.objects.get(subdistrict__slug="chaoyang", month=Month(2026, 9).date, metric="high_tech")
    count.value = target("chaoyang", "high_tech") + 5  # chaoyang past its target in September
    count.save()
    # then the months' versions once more (outside a request each read is a query) and September's counts
    with django_assert_num_queries(5) as seen:
        after = rank_history(tiansheng, Month(2026, 10), subs)["high_tech"]
    (read,) = [q["sql"] for q in seen.captured_queries if "targets_monthlycount" in q["sql"]]
    assert "2026-09-01" in read and "2025-12-01" not in read and "2026-10-01" not in read
    assert after == [RankPoint(Month(2026, 9), 2, 2), before[1]]


def test_curve_reading_counts_whole_firms():
    oct_ = Month(2026, 10)
    assert charts.curve_reading("全区高新技术企业", 470, 473.4, oct_) == (
        "全区高新技术企业较目标曲线低 4 家（2026年10月：实际 470 家，目标曲线 474 家）"
    )
    assert charts.curve_reading("科技型企业", 505, 486.2, oct_).startswith("科技型企业较目标曲线高 18 家")
    assert charts.curve_reading("X", 16, 15.6, oct_).startswith("X与目标曲线持平")
    assert "尚无完整数据" in charts.curve_reading("X", None, 15.6, oct_)


def test_rank_reading_says_rank_and_its_change():
    points = [RankPoint(Month(2026, 9), 4, 6), RankPoint(Month(2026, 10), 3, 5)]
    assert charts.rank_reading("高新技术企业", points, 11, 17, "A类镇街") == (
        "高新技术企业：2026年10月同类第 3 名（A类镇街共 11 个），全区第 5 名（共 17 个）；同类较上月上升 1 名。"
    )
    points = [RankPoint(Month(2026, 8), 4, 6), RankPoint(Month(2026, 10), 5, 7)]  # September missing
    assert charts.rank_reading("X", points, 11, 17, "A类镇街").endswith("全区第 7 名（共 17 个）。")
    assert charts.rank_reading("X", [], 11, 17, "A类镇街") == "X：尚无填报数据，无法排名。"


def test_rank_chart_shows_the_last_thirteen_months_with_horizontal_ticks():
    months = [Month(2025, 1)]
    while len(months) < 20:
        months.append(months[-1].next())
    figure = go.Figure(charts.rank_chart([RankPoint(m, 2, 5) for m in months], 11, 17, "A类镇街"))  # and valid
    assert len(figure.data[0].x) == 13
    assert figure.layout.xaxis.tickangle == 0
    assert list(figure.layout.yaxis.range) == [17.7, 0.3]  # rank 1 at the top, every rank in view
    assert "2026年" in " ".join(figure.layout.xaxis.ticktext)


@pytest.mark.django_db
def test_rank_history_agrees_with_the_ranking_of_every_month_in_the_demo():
    """The sub-district page's rank chart and each month's 赛马 ranking are the same ranks."""
    from demo.services import seed_demo_counts
    from targets.progress import district_progress

    seed_demo_counts(until=Month(2026, 10))
    subs = list(SubDistrict.objects.in_plan_order())
    chosen = [s for s in subs if s.slug in ("tiansheng", "tongjiaxi", "jindaoxia")]  # A, B, B
    assert len(chosen) == 3
    histories = {s.pk: rank_history(s, Month(2026, 10), subs) for s in chosen}
    months = {p.month for h in histories.values() for p in h["high_tech"]}
    assert len(months) > 40
    for month in sorted(months):
        ranking = {row.subdistrict.pk: row for row in district_progress(month, subs).rows}
        for sub in chosen:
            for metric, points in histories[sub.pk].items():
                point = next(p for p in points if p.month == month)
                shown = ranking[sub.pk].metrics[metric]
                assert (point.rank_in_class, point.rank_overall) == (shown.rank_in_class, shown.rank_overall)


@pytest.mark.django_db
def test_the_newest_changes_are_the_same_with_or_without_a_limit():
    """The sub-district page's ten newest changes (read two small queries) are the first ten of
    the whole history (read whole), with the same old values."""
    from demo.services import seed_demo_counts
    from targets.history import count_changes
    from targets.models import MonthlyCount

    seed_demo_counts(until=Month(2026, 10))
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    for step in range(3):  # corrections, some to the same count
        count = MonthlyCount.objects.filter(subdistrict=tiansheng).order_by("-month", "metric")[step % 2]
        count.value += step + 1
        count.save()
    whole = count_changes([tiansheng])
    assert count_changes([tiansheng], limit=10) == whole[:10]
    assert [c.old for c in whole[:3]] != [None, None, None]  # the corrections replaced values


@pytest.mark.django_db
def test_the_newest_changes_are_kept_until_the_subdistricts_own_history_grows(django_assert_num_queries):
    """The page's newest changes stay cached across another sub-district's correction (one
    query reads the fingerprint of the sub-district's history) and show its own at once."""
    from demo.services import seed_demo_counts
    from targets.history import count_changes, newest_changes
    from targets.models import MonthlyCount

    seed_demo_counts(until=Month(2026, 10))
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    first = newest_changes([tiansheng], limit=10)
    assert first == count_changes([tiansheng], limit=10)
    other = MonthlyCount.objects.filter(subdistrict__slug="shuitu").order_by("-month").first()
    other.value += 1
    other.save()
    with django_assert_num_queries(1):
        assert newest_changes([tiansheng], limit=10) == first
    own = MonthlyCount.objects.filter(subdistrict=tiansheng).order_by("-month").first()
    own.value += 1
    own.save()
    newest = newest_changes([tiansheng], limit=10)[0]
    assert (newest.month, newest.metric, newest.old, newest.new) == (
        Month.of(own.month),
        own.metric,
        own.value - 1,
        own.value,
    )


def test_a_chart_is_embedded_as_plotly_and_json_script_would_embed_it():
    """`as_json` serializes a figure once: the same data as plotly's own `to_json` (template
    included), and the same <script> element as `json_script`, escaped so that a name holding
    "</script>" cannot end it."""
    import json

    from django.utils.html import json_script

    from targets.templatetags.chart_tags import chart_script

    points = [RankPoint(Month(2026, 9), 2, 5), RankPoint(Month(2026, 10), 1, 4)]
    figure = charts.rank_chart(points, 11, 17, "A类</script><b>镇街")
    embedded = charts.as_json(figure)
    assert embedded.data == json.loads(go.Figure(figure).to_json())
    assert chart_script(embedded, "rank-data") == json_script(embedded.data, "rank-data")
    assert "</script><b>" not in chart_script(embedded, "rank-data")
    assert embedded["layout"]["template"]["layout"]  # plotly's default template, as go.Figure gives it


@pytest.mark.django_db
def test_the_pages_own_ranking_stands_in_for_its_month():
    """The sub-district page passes its month's ranking to the rank history, which then does not
    rank that month again: the same points as ranking it from the counts."""
    from django.core.cache import cache

    from demo.services import seed_demo_counts
    from targets.progress import district_progress

    seed_demo_counts(until=Month(2026, 10))
    subs = list(SubDistrict.objects.in_plan_order())
    progress = district_progress(Month(2026, 10), subs)
    for sub in subs:
        cache.clear()
        given = rank_history(sub, Month(2026, 10), subs, progress=progress)
        cache.clear()
        assert given == rank_history(sub, Month(2026, 10), subs)
        assert given["high_tech"][-1].month == Month(2026, 10)
