import pytest

from targets.choices import CountSource
from targets.models import MonthLock, MonthlyCount, SubDistrict
from targets.months import Month
from targets.services import CountsRejected, plan_month, previous_values, save_month

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

OCT = Month(2026, 10)


@pytest.fixture
def subs():
    return {s.slug: s for s in SubDistrict.objects.all()}


def log(sub, month, high_tech, tech_based):
    for metric, value in (("high_tech", high_tech), ("tech_based", tech_based)):
        MonthlyCount.objects.create(subdistrict=sub, month=month.date, metric=metric, value=value)


def lock(month):
    MonthLock.objects.create(month=month.date)


def test_previous_value_is_last_month_else_earlier_else_the_2022_actual(subs):
    tiansheng, shuitu = subs["tiansheng"], subs["shuitu"]
    log(tiansheng, Month(2026, 9), 15, 480)
    log(tiansheng, Month(2026, 7), 14, 470)
    log(shuitu, Month(2026, 6), 170, 460)
    previous = previous_values(OCT, [tiansheng, shuitu, subs["jindaoxia"]])
    assert previous[(tiansheng.pk, "high_tech")] == 15
    assert previous[(shuitu.pk, "tech_based")] == 460
    assert previous[(subs["jindaoxia"].pk, "high_tech")] == 0  # 2022 actual from the plan
    assert previous[(subs["jindaoxia"].pk, "tech_based")] == 12


def test_save_writes_changed_cells_with_history(subs, bureau):
    tiansheng = subs["tiansheng"]
    written = save_month(OCT, {(tiansheng.pk, "high_tech"): (11, "")}, bureau)
    assert [(c.subdistrict.slug, c.metric, c.old, c.new) for c in written] == [("tiansheng", "high_tech", None, 11)]
    row = MonthlyCount.objects.get(subdistrict=tiansheng, month=OCT.date, metric="high_tech")
    assert (row.value, row.updated_by, row.source) == (11, bureau, CountSource.GRID)
    save_month(OCT, {(tiansheng.pk, "high_tech"): (12, "")}, bureau)
    history = list(row.history.order_by("history_date"))
    assert [h.value for h in history] == [11, 12]
    assert all(h.history_user == bureau for h in history)
    assert history[-1].history_change_reason == "网页填报"
    # saving the same value again writes nothing and keeps no new history
    assert save_month(OCT, {(tiansheng.pk, "high_tech"): (12, "")}, bureau) == []
    assert row.history.count() == 2


def test_a_drop_needs_confirmation_and_a_note(subs, bureau):
    tiansheng = subs["tiansheng"]
    log(tiansheng, Month(2026, 9), 15, 480)
    entries = {(tiansheng.pk, "high_tech"): (13, "")}
    with pytest.raises(CountsRejected, match="天生街道高新技术企业：较上月下降（15 → 13），请确认"):
        save_month(OCT, entries, bureau)
    with pytest.raises(CountsRejected, match="须填写备注"):
        save_month(OCT, entries, bureau, confirmed=True)
    assert not MonthlyCount.objects.filter(month=OCT.date).exists()
    save_month(OCT, {(tiansheng.pk, "high_tech"): (13, "2 家高企证书到期")}, bureau, confirmed=True)
    assert (
        MonthlyCount.objects.get(month=OCT.date, subdistrict=tiansheng, metric="high_tech").note == "2 家高企证书到期"
    )


def test_a_rise_above_twenty_percent_needs_confirmation_but_twenty_does_not(subs, bureau):
    tiansheng = subs["tiansheng"]
    log(tiansheng, Month(2026, 9), 10, 100)
    save_month(OCT, {(tiansheng.pk, "high_tech"): (12, ""), (tiansheng.pk, "tech_based"): (120, "")}, bureau)
    with pytest.raises(CountsRejected, match="增长超过20%"):
        save_month(Month(2026, 11), {(tiansheng.pk, "tech_based"): (145, "")}, bureau)


def test_one_bad_cell_writes_nothing(subs, bureau):
    log(subs["shuitu"], Month(2026, 9), 170, 460)
    entries = {(subs["tiansheng"].pk, "high_tech"): (16, ""), (subs["shuitu"].pk, "high_tech"): (100, "")}
    with pytest.raises(CountsRejected):
        save_month(OCT, entries, bureau)
    assert not MonthlyCount.objects.filter(month=OCT.date).exists()


def test_locked_month_needs_a_reason_and_is_a_correction(subs, bureau):
    tiansheng = subs["tiansheng"]
    log(tiansheng, Month(2026, 9), 15, 480)
    log(tiansheng, OCT, 15, 480)
    lock(OCT)
    assert plan_month(OCT, {}).locked
    with pytest.raises(CountsRejected, match="已锁定"):
        save_month(OCT, {(tiansheng.pk, "high_tech"): (16, "")}, bureau)
    save_month(OCT, {(tiansheng.pk, "high_tech"): (16, "")}, bureau, reason="街道补报 1 家")
    row = MonthlyCount.objects.get(subdistrict=tiansheng, month=OCT.date, metric="high_tech")
    assert row.source == CountSource.CORRECTION
    assert row.history.order_by("-history_id").first().history_change_reason == "更正；原因：街道补报 1 家"


def test_a_change_made_meanwhile_is_not_overwritten(subs, bureau, leader):
    tiansheng = subs["tiansheng"]
    log(tiansheng, OCT, 15, 480)
    seen = {(tiansheng.pk, "high_tech"): 15}
    MonthlyCount.objects.filter(subdistrict=tiansheng, metric="high_tech").update(value=16)
    with pytest.raises(CountsRejected, match="已被他人改为 16"):
        save_month(OCT, {(tiansheng.pk, "high_tech"): (17, "")}, bureau, expected_old=seen)
    assert MonthlyCount.objects.get(subdistrict=tiansheng, metric="high_tech").value == 16


@pytest.mark.parametrize(("month", "message"), [(Month(2026, 12), "尚未到来"), (Month(2022, 12), "早于计划起始月份")])
def test_months_outside_the_plan_are_refused(subs, bureau, month, message):
    with pytest.raises(CountsRejected, match=message):
        save_month(month, {(subs["tiansheng"].pk, "high_tech"): (11, "")}, bureau)


def test_current_month_may_be_logged(subs, bureau):
    assert save_month(Month(2026, 11), {(subs["tiansheng"].pk, "high_tech"): (11, "")}, bureau)
