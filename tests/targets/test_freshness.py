"""Cached progress pages never show a number after it has changed (targets.freshness)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.services import clear_demo, seed_demo, seed_demo_counts
from enterprises.models import Enterprise
from targets import freshness
from targets.charts import _month_x
from targets.models import District, Indicator, MonthlyCount, PlanFigure, SubDistrict
from targets.months import Month
from targets.progress import rank_history
from targets.services import save_month
from tests.support import firm, pinned

pytestmark = pytest.mark.django_db

MONTH = Month(2026, 10)


@pytest.fixture(autouse=True)
def _today():
    with pinned():
        yield


def _dashboard_total(client):
    response = client.get(f"/?month={MONTH}")
    assert response.status_code == 200
    return response.context["progress"].total["high_tech"].actual, response.content.decode()


def test_a_saved_count_shows_at_once_on_every_cached_page(login, leader, bureau):
    seed_demo_counts()
    client = login(leader)
    before, _ = _dashboard_total(client)
    again = client.get(f"/?month={MONTH}")  # served from the cache: the HTML, without loading the figures
    assert "progress" not in again.context and f"{before:,}" in again.content.decode()
    client.get(f"/bulletin/{MONTH}/")
    client.get(f"/subdistricts/tiansheng/?month={MONTH}")
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    old = MonthlyCount.objects.get(subdistrict=tiansheng, month=MONTH.date, metric="high_tech").value
    save_month(MONTH, {(tiansheng.pk, "high_tech"): (old + 5, "新认定")}, bureau, confirmed=True)
    after, html = _dashboard_total(client)
    assert after == before + 5
    bulletin = client.get(f"/bulletin/{MONTH}/").context["figures"]
    assert bulletin["metrics"]["high_tech"]["total"]["actual"] == after
    page = client.get(f"/subdistricts/tiansheng/?month={MONTH}")
    assert page.context["row"].metrics["high_tech"].actual == old + 5
    assert f"{old + 5}" in page.content.decode()


def test_every_write_gives_a_new_version_and_bulk_writes_bump_themselves(bureau):
    first = freshness.current_version()
    seed_demo_counts()
    second = freshness.current_version()
    assert second != first
    MonthlyCount.objects.first().save()
    assert freshness.current_version() not in (first, second)


def test_a_cached_page_costs_fewer_queries_than_a_computed_one(login, leader, django_assert_max_num_queries):
    seed_demo_counts()
    client = login(leader)
    with django_assert_max_num_queries(18):  # the forecast adds four, the month's map one, the pipeline two
        client.get(f"/?month={MONTH}")
    with django_assert_max_num_queries(3):  # session, user, the version tokens (all in one query)
        client.get(f"/?month={MONTH}")
    MonthlyCount.objects.first().save()  # a count's correction: the registry's aggregates stay cached
    with django_assert_max_num_queries(10):
        client.get(f"/?month={MONTH}")


def test_a_request_reads_every_version_token_in_one_query(login, leader):
    seed_demo_counts()
    client = login(leader)
    client.get(f"/?month={MONTH}")
    MonthlyCount.objects.first().save()
    with CaptureQueriesContext(connection) as seen:
        client.get(f"/?month={MONTH}")  # reads the data's, the plan's, the rows' and the registry's
    reads = [q["sql"] for q in seen.captured_queries if "targets_dataversion" in q["sql"]]
    assert len(reads) == 1


def test_the_demo_banner_follows_loading_and_clearing_the_demo(login, leader):
    client = login(leader)
    assert not client.get("/rules/").context["demo_data_present"]
    seed_demo()
    assert client.get("/rules/").context["demo_data_present"]
    clear_demo()
    assert not client.get("/rules/").context["demo_data_present"]


def test_generate_scale_data_fills_a_city_and_refuses_to_run_twice():
    call_command("generate_scale_data", "--subdistricts", "60", "--enterprises", "200", "--seed", "3")
    assert District.objects.count() == 38
    assert SubDistrict._base_manager.count() == 60
    assert SubDistrict._base_manager.filter(district__slug="beibei").count() == 17
    other = SubDistrict._base_manager.exclude(district__slug="beibei").first()
    assert PlanFigure._base_manager.filter(subdistrict=other).count() == 12
    months = MonthlyCount._base_manager.filter(subdistrict=other).values("month").distinct().count()
    assert months == 46  # 2023-01 .. 2026-10, the month before "today"
    assert Enterprise._base_manager.count() == 200
    assert Enterprise.history.model._base_manager.count() == 200
    assert MonthlyCount.history.model._base_manager.filter(subdistrict_id=other.pk).count() == 2 * 46
    # The deployment's own district (DISTRICT_SLUG) is all its default managers show.
    assert SubDistrict.objects.count() == 17
    assert not MonthlyCount.objects.filter(subdistrict=other).exists()
    assert not MonthlyCount.history.filter(subdistrict_id=other.pk).exists()
    beibei_firms = Enterprise._base_manager.filter(subdistrict__district__slug="beibei").count()
    assert Enterprise.objects.count() == beibei_firms < 200
    with pytest.raises(CommandError, match="已有规模测试数据"):
        call_command("generate_scale_data", "--subdistricts", "60", "--enterprises", "10")


def test_generate_scale_data_in_the_background_is_done_by_the_worker(settings, capsys):
    """`--background` only queues the job; the worker (here the immediate backend) builds it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("generate_scale_data", "--subdistricts", "30", "--enterprises", "50", "--seed", "4", "--background")
    assert "已交给后台任务" in capsys.readouterr().out
    assert SubDistrict._base_manager.count() == 30
    assert Enterprise._base_manager.count() == 50


def test_a_count_leaves_the_registry_version_and_a_firm_changes_it():
    seed_demo_counts()
    registry, everything = freshness.registry_version(), freshness.current_version()
    MonthlyCount.objects.first().save()
    assert freshness.registry_version() == registry and freshness.current_version() != everything
    everything = freshness.current_version()
    firm(1, sub="tiansheng")
    assert freshness.registry_version() != registry and freshness.current_version() != everything
    registry = freshness.registry_version()
    freshness.bump()  # a bulk write that does not say what it wrote: both
    assert freshness.registry_version() != registry


def test_the_plan_has_its_own_version_and_a_changed_figure_shows_at_once(login, leader):
    seed_demo_counts()
    plan, registry = freshness.plan_version(), freshness.registry_version()
    MonthlyCount.objects.first().save()
    assert (freshness.plan_version(), freshness.registry_version()) == (plan, registry)
    client = login(leader)
    before = client.get(f"/?month={MONTH}").content.decode()
    figure = PlanFigure.objects.get(subdistrict__slug="tiansheng", metric="high_tech", year=2026)
    figure.value += 100
    figure.save()
    assert freshness.plan_version() != plan
    after = client.get(f"/?month={MONTH}").content.decode()
    assert (
        before != after and f"{figure.value}" in client.get(f"/subdistricts/tiansheng/?month={MONTH}").content.decode()
    )


def test_a_changed_goal_or_sub_district_name_shows_at_once(login, leader):
    """The headline goals and the list of sub-districts are kept under the plan's version: a
    change of either is a change of the plan."""
    seed_demo_counts()
    client = login(leader)
    assert "超过470家" in client.get(f"/?month={MONTH}").content.decode()
    goal = Indicator.objects.get(kind="headline", metric="high_tech", year=2025)
    goal.value += 5
    goal.save()
    sub = SubDistrict.objects.get(slug="jindaoxia")
    sub.name = "金刀峡镇（更名）"
    sub.save()
    html = client.get(f"/?month={MONTH}").content.decode()
    assert "超过475家" in html and "超过470家" not in html and "金刀峡镇（更名）" in html


def test_each_months_counts_have_their_own_version():
    """A count's save or delete changes its month's version only (both months when it moves);
    a bulk write of counts changes every month's; no two months ever share a version."""
    seed_demo_counts()
    sep, oct_, nov = Month(2026, 9), Month(2026, 10), Month(2026, 11)
    months = [Month(2026, 8), sep, oct_, nov]

    def versions():
        return freshness.month_versions(months)

    first = versions()
    assert len(set(first.values())) == len(months)
    count = MonthlyCount.objects.get(subdistrict__slug="shuitu", month=oct_.date, metric="high_tech")
    count.value += 1
    count.save()
    second = versions()
    assert [m for m in months if second[m] != first[m]] == [oct_]
    count.month = sep.date  # moved to September (after deleting September's own)
    MonthlyCount.objects.filter(subdistrict__slug="shuitu", month=sep.date, metric="high_tech").delete()
    third = versions()
    assert [m for m in months if third[m] != second[m]] == [sep]
    count.save()
    fourth = versions()
    assert {m for m in months if fourth[m] != third[m]} == {sep, oct_}
    MonthlyCount.objects.create(subdistrict=count.subdistrict, month=nov.date, metric="high_tech", value=1)
    fifth = versions()
    assert [m for m in months if fifth[m] != fourth[m]] == [nov]
    freshness.bump(registry=False, plan=False, rows=False, counts=False)  # a write that says it wrote no count
    assert versions() == fifth
    freshness.bump()  # a bulk write that does not say what it wrote
    assert all(versions()[m] != fifth[m] for m in months)


def test_a_correction_of_an_old_month_shows_on_every_page_at_once(login, leader, bureau):
    """Pages keep each month's counts (and rankings) under that month's version: a correction
    of an earlier month reaches the pages that show it, the rank history included."""
    seed_demo_counts()
    client = login(leader)
    sep = Month(2026, 9)
    page = client.get(f"/subdistricts/shuitu/?month={sep}")
    before = page.context["row"].metrics["high_tech"]
    client.get(f"/subdistricts/shuitu/?month={MONTH}")
    client.get(f"/?month={sep}")
    shuitu = SubDistrict.objects.get(slug="shuitu")
    target = PlanFigure.objects.get(subdistrict=shuitu, metric="high_tech", year=2026).value
    save_month(sep, {(shuitu.pk, "high_tech"): (target + 30, "更正")}, bureau, confirmed=True)
    after = client.get(f"/subdistricts/shuitu/?month={sep}").context["row"].metrics["high_tech"]
    assert after.actual == target + 30 and after.rank_overall == 1 and before.actual != after.actual
    dashboard = client.get(f"/?month={sep}").context["progress"]
    assert dashboard.row_for(shuitu).metrics["high_tech"].actual == target + 30
    history = client.get(f"/subdistricts/shuitu/?month={MONTH}").context["rank_charts"]
    overall = history[0]["figure"]["data"][1]  # the page's chart of 全区排名, high-tech firms
    assert dict(zip(overall["x"], overall["y"], strict=True))[_month_x(sep)] == 1
    points = rank_history(shuitu, MONTH)["high_tech"]
    assert next(p for p in points if p.month == sep).rank_overall == 1


def test_which_counts_exist_has_its_own_version():
    """A corrected value leaves the rows' version (the complete months, the latest logged month
    stay cached); a count created, deleted or moved to another cell, or a plan change, writes it."""
    seed_demo_counts()
    rows = freshness.rows_version()
    count = MonthlyCount.objects.get(subdistrict__slug="tiansheng", month=MONTH.date, metric="high_tech")
    count.value += 1
    count.save()
    assert freshness.rows_version() == rows
    count.month = Month(2026, 11).date  # moved: October loses a line, November gains one
    count.save()
    assert freshness.rows_version() != rows
    rows = freshness.rows_version()
    count.delete()
    assert freshness.rows_version() != rows
    rows = freshness.rows_version()
    figure = PlanFigure.objects.first()
    figure.save()
    assert freshness.rows_version() != rows


def test_a_new_count_shows_in_the_month_picker_at_once(login, leader, bureau):
    """The months' completeness is cached under the rows' version: a first count of a new month
    is counted at once, a corrected value costs no recount."""
    seed_demo_counts()
    client = login(leader)
    november = Month(2026, 11)
    assert 'value="2026-11"' not in client.get("/").content.decode()  # not offered while empty
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    october = {c.metric: c.value for c in MonthlyCount.objects.filter(subdistrict=tiansheng, month=MONTH.date)}
    save_month(november, {(tiansheng.pk, metric): (value, "") for metric, value in october.items()}, bureau)
    assert "2026年11月（1/17 个街镇已填报）" in client.get("/").content.decode()
