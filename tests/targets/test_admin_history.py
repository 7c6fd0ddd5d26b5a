"""No untracked change (issue 12, item 7): the admin writes counts only through the grid's
service, and plan figures, indicators and task targets keep who/when/old/new/why."""

import pytest

from targets.models import Indicator, MonthLock, MonthlyCount, PlanFigure, SubDistrict
from targets.months import Month
from tasks.models import TaskTarget
from tests.support import log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

OCT = Month(2026, 10)


@pytest.fixture
def locked_october():
    log("tiansheng", "2026-09", "high_tech", 16)
    log("tiansheng", "2026-10", "high_tech", 16)
    MonthLock.objects.create(month=OCT.date)
    return MonthlyCount.objects.get(subdistrict__slug="tiansheng", month=OCT.date, metric="high_tech")


def change(client, row, **data):
    return client.post(f"/admin/targets/monthlycount/{row.pk}/change/", {"value": 17, "note": "", **data})


def test_a_locked_months_count_without_a_reason_is_refused(login, bureau, locked_october):
    c = login(bureau)
    response = change(c, locked_october)
    assert response.status_code == 200  # the form again, with the refusal
    assert "数据已锁定" in response.content.decode()
    locked_october.refresh_from_db()
    assert locked_october.value == 16
    assert locked_october.history.count() == 1  # nothing written


def test_with_a_reason_it_is_a_correction_with_history(login, bureau, locked_october):
    response = change(login(bureau), locked_october, reason="街道补报1家")
    assert response.status_code == 302
    locked_october.refresh_from_db()
    assert (locked_october.value, locked_october.source) == (17, "correction")
    latest = locked_october.history.order_by("-history_id").first()
    assert (latest.value, latest.history_user, latest.history_change_reason) == (17, bureau, "更正；原因：街道补报1家")
    assert locked_october.history.order_by("history_id").first().value == 16


def test_an_unlocked_month_through_the_admin_is_labelled(login, bureau):
    log("tiansheng", "2026-09", "high_tech", 16)
    row = MonthlyCount.objects.get()
    assert change(login(bureau), row, value=17, note="核对", confirmed="on").status_code == 302  # 10 → 17: a rise
    row.refresh_from_db()
    assert (row.value, row.note, row.source) == (17, "核对", "admin")
    assert row.history.order_by("-history_id").first().history_change_reason == "管理后台"


def test_a_drop_needs_a_confirmation(login, bureau, locked_october):
    response = change(login(bureau), locked_october, value=10, reason="复核")
    assert "请确认并填写备注" in response.content.decode()
    response = change(login(bureau), locked_october, value=10, reason="复核", confirmed="on", note="企业迁出")
    assert response.status_code == 302


def test_a_second_row_and_a_mid_month_day_are_refused(login, bureau, locked_october):
    c = login(bureau)
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    add = {"subdistrict": tiansheng.pk, "metric": "high_tech", "value": 20, "note": ""}
    duplicate = c.post("/admin/targets/monthlycount/add/", {**add, "month": "2026-10-01", "reason": "x"})
    assert "已有数据，请修改原记录" in duplicate.content.decode()
    mid_month = c.post("/admin/targets/monthlycount/add/", {**add, "month": "2026-08-15"})
    assert "月份须填当月1日" in mid_month.content.decode()
    assert MonthlyCount.objects.count() == 2
    # the grid's checks hold too: 20 against the plan's 2022 count of 10 is a large rise
    rise = c.post("/admin/targets/monthlycount/add/", {**add, "month": "2026-08-01"})
    assert "较上月增长超过20%" in rise.content.decode()
    fresh = c.post("/admin/targets/monthlycount/add/", {**add, "value": 11, "month": "2026-08-01"})
    assert fresh.status_code == 302
    assert MonthlyCount.objects.get(month="2026-08-01").history.get().history_change_reason == "管理后台"


def test_counts_cannot_be_deleted_in_the_admin(login, bureau, locked_october):
    assert login(bureau).get(f"/admin/targets/monthlycount/{locked_october.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("model", "url", "lookup", "data"),
    [
        (PlanFigure, "targets/planfigure", {"subdistrict__slug": "tiansheng", "metric": "high_tech", "year": 2027},
         {"metric": "high_tech", "year": 2027, "value": 19}),
        (Indicator, "targets/indicator", {"code": "little_giants"}, None),
        (TaskTarget, "tasks/tasktarget", {"task__number": 7, "name": "聚集企业"}, None),
    ],
)  # fmt: skip
def test_plan_data_changes_need_a_reason_and_keep_history(login, bureau, model, url, lookup, data):
    obj = model.objects.get(**lookup)
    c = login(bureau)
    page = c.get(f"/admin/{url}/{obj.pk}/change/")
    form = page.context["adminform"].form
    values = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    values.update(data or {})
    if model is PlanFigure:
        values["subdistrict"] = obj.subdistrict_id
    values["value"] = 21 if model is not PlanFigure else 19
    without = c.post(f"/admin/{url}/{obj.pk}/change/", values)
    assert without.status_code == 200 and "修改原因" in without.content.decode()
    obj.refresh_from_db()
    assert obj.value != values["value"]
    done = c.post(f"/admin/{url}/{obj.pk}/change/", {**values, "change_reason": "区科技局复核"})
    assert done.status_code == 302, done.content.decode()[:2000]
    obj.refresh_from_db()
    record = obj.history.order_by("-history_id").first()
    assert (record.value, record.history_user, record.history_change_reason) == (obj.value, bureau, "区科技局复核")
    assert obj.value == values["value"]
    assert c.get(f"/admin/{url}/{obj.pk}/delete/").status_code == 403
