"""Recording a change of the district's map through a page (issue 27 point 1): a merge, a split,
a transfer in and out, the refusals (nothing written) and the page flow with preview and confirm.

Figures by hand: the test database has the plan (46号, 17 units of the old map) and the shipped
change of 2025-11 (five units left, five towns joined): 17 units from 2025-11 on, 12 of them
with a line in 46号 and 5 目标待分解.
"""

import datetime as dt

import pytest

from targets import boundaries, metrics
from targets.boundaries import ChangeInput, ChangeRefused, Kind, apply_change, plan_change
from targets.choices import Joined, Left
from targets.models import BoundaryChange, MonthLock, MonthlyCount, SubDistrict
from targets.months import Month
from targets.progress import district_progress, district_size, district_subdistricts
from targets.territory import map_of
from tests.support import log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today", "map_2025_11")]

JAN27, MAR27 = Month(2027, 1), Month(2027, 3)


def sub(slug):
    return SubDistrict.objects.get(slug=slug)


def change(kind, effective=JAN27, units=(), names=(), place=""):
    return ChangeInput(
        kind=kind, title="测试调整", authority="北碚府发〔2026〕1号", announced=dt.date(2026, 11, 10),
        effective=effective, source="区政府公告", units=tuple(sub(s).pk for s in units), names=tuple(names),
        place=place,
    )  # fmt: skip


def names(units):
    return [unit.name for unit in units]


def written():
    """What a refusal must leave as it was: the changes and the units with their spans."""
    return (
        BoundaryChange.objects.count(),
        list(SubDistrict.objects.order_by("pk").values_list("pk", "name", "joined", "left", "went_to")),
    )


def merge_liuyin_sansheng(bureau):
    return apply_change(change(Kind.MERGE, units=("liuyin", "sansheng"), names=("柳圣镇",)), bureau)


# --- a merge of two units into one ------------------------------------------------------------


def test_merge_two_units_into_a_new_one(bureau):
    log("liuyin", "2026-10", "high_tech", 7)
    log("sansheng", "2026-10", "high_tech", 4)
    recorded, plan = merge_liuyin_sansheng(bureau)

    liuyin, sansheng, liusheng = sub("liuyin"), sub("sansheng"), SubDistrict.objects.get(name="柳圣镇")
    assert (liuyin.left, liuyin.left_how, liuyin.left_by, liuyin.went_to) == (
        dt.date(2027, 1, 1), Left.MERGER, recorded, "柳圣镇",
    )  # fmt: skip
    assert liuyin.left_note == "2027年1月并入柳圣镇" and sansheng.left_note == "2027年1月并入柳圣镇"
    assert (liusheng.joined, liusheng.joined_how, liusheng.joined_by) == (dt.date(2027, 1, 1), Joined.MERGER, recorded)
    assert liusheng.joined_note == "2027年1月由柳荫镇、三圣镇合并设立"
    # a new unit has no class until a version lists it, and a 序号 after every other unit's
    assert liusheng.category == "" and liusheng.seq > max(s.seq for s in SubDistrict.objects.exclude(pk=liusheng.pk))
    assert liusheng.slug.startswith("unit-") or liusheng.slug == "liusheng"
    assert plan.summary == "2027年1月起：柳荫镇并入柳圣镇；三圣镇并入柳圣镇；柳圣镇由柳荫镇、三圣镇合并设立"

    # before: both report (17 units); from the effective month only the new one: 17 - 2 + 1 = 16
    assert district_size(Month(2026, 12)) == 17
    assert district_size(JAN27) == 16
    before, after = map_of(Month(2026, 12)), map_of(JAN27)
    assert {"柳荫镇", "三圣镇"} <= set(names(before.members)) and "柳圣镇" not in names(before.members)
    assert "柳圣镇" in names(after.members) and not {"柳荫镇", "三圣镇"} & set(names(after.members))
    # judged on 46号: 12 continuing units had a line, 2 of them merged away: 10; pending 5 + 1 = 6
    assert after.version.number == before.version.number
    assert len(after.targeted) == 10 and len(after.untargeted) == 6
    assert after.caliber == "原方案口径：延续的10个街镇"
    assert names(after.outside)[-2:] == ["柳荫镇", "三圣镇"] or {"柳荫镇", "三圣镇"} <= set(names(after.outside))

    # the counts, import and grid of the month name the new unit and not the merged ones
    assert "柳圣镇" in names(district_subdistricts(JAN27)) and "柳荫镇" not in names(district_subdistricts(JAN27))

    # January 2027: 天生 reports 20, 柳圣镇 11. 柳圣镇 shows its count, 目标待分解, no rank; the
    # total against targets covers 天生 alone (1 of the 10 targeted units), the 现辖区 total both: 31
    log("tiansheng", "2027-01", "high_tech", 20)
    MonthlyCount.objects.create(subdistrict=liusheng, month=JAN27.date, metric="high_tech", value=11)
    progress = district_progress(JAN27)
    row = next(r for r in progress.rows if r.subdistrict.name == "柳圣镇")
    assert row.metrics["high_tech"].actual == 11
    for metric in ("high_tech", "tech_based"):
        assert row.metrics[metric].status == metrics.STATUS_PENDING
        assert row.metrics[metric].rank_overall is None
    total = progress.total["high_tech"]
    assert (total.actual, total.covered, total.expected) == (20, 1, 10)
    assert (total.territory_actual, total.territory_covered, progress.reported["high_tech"]) == (31, 2, 2)
    assert metrics.STATUS_LABELS[metrics.STATUS_PENDING] == "目标待分解"

    # a past count is never deleted or rewritten, and is still read in its month
    assert MonthlyCount.objects.get(subdistrict=liuyin, month=dt.date(2026, 10, 1)).value == 7
    october = {r.subdistrict.name: r.metrics["high_tech"].actual for r in district_progress(Month(2026, 10)).rows}
    assert (october["柳荫镇"], october["三圣镇"]) == (7, 4) and "柳圣镇" not in october

    # history: who and why, in the same transaction as the change
    for unit in (liuyin, liusheng):
        last = unit.history.order_by("-history_id").first()
        assert last.history_user == bureau
        assert last.history_change_reason == "区划调整：测试调整（北碚府发〔2026〕1号）"
    assert recorded.history.get().history_user == bureau and recorded.recorded_by == bureau


def test_merge_into_an_existing_unit_keeps_it(bureau):
    recorded, plan = apply_change(change(Kind.MERGE, units=("liuyin", "sansheng"), names=("柳荫镇",)), bureau)
    liuyin, sansheng = sub("liuyin"), sub("sansheng")
    assert liuyin.left is None and liuyin.is_member(JAN27)
    assert sansheng.left_note == "2027年1月并入柳荫镇" and sansheng.left_by == recorded
    assert plan.joining == [] and district_size(JAN27) == 16


# --- a split of one into two ------------------------------------------------------------------


def test_split_one_unit_into_two(bureau):
    log("sansheng", "2026-10", "tech_based", 30)
    recorded, _ = apply_change(change(Kind.SPLIT, MAR27, units=("sansheng",), names=("三圣东镇", "三圣西镇")), bureau)
    sansheng = sub("sansheng")
    east, west = SubDistrict.objects.get(name="三圣东镇"), SubDistrict.objects.get(name="三圣西镇")
    assert sansheng.left_note == "2027年3月撤销，分设为三圣东镇、三圣西镇"
    assert east.joined_note == west.joined_note == "2027年3月由三圣镇分设"
    assert east.joined_by == west.joined_by == recorded and east.slug != west.slug and east.seq != west.seq
    # 17 until February; from March 17 - 1 + 2 = 18, with 11 targeted and 5 + 2 = 7 pending
    assert (district_size(Month(2027, 2)), district_size(MAR27)) == (17, 18)
    area = map_of(MAR27)
    assert (len(area.targeted), len(area.untargeted)) == (11, 7)
    assert area.caliber == "原方案口径：延续的11个街镇" and area.territory == "现辖区18个街镇"
    assert MonthlyCount.objects.get(subdistrict=sansheng, month=dt.date(2026, 10, 1)).value == 30


# --- transfers --------------------------------------------------------------------------------


def test_transfer_out_and_in(bureau):
    apply_change(change(Kind.OUT, units=("jindaoxia",), place="璧山区"), bureau)
    assert sub("jindaoxia").left_note == "2027年1月划出北碚区（划入璧山区）"
    apply_change(change(Kind.IN, names=("新城镇",), place="合川区"), bureau)
    assert SubDistrict.objects.get(name="新城镇").joined_note == "2027年1月由合川区划入"
    assert district_size(JAN27) == 17 and "金刀峡镇" not in names(map_of(JAN27).members)


# --- refusals: a Chinese message, nothing written ---------------------------------------------


def refused(given, bureau):
    before = written()
    assert plan_change(given).errors
    with pytest.raises(ChangeRefused) as caught:
        apply_change(given, bureau)
    assert written() == before
    return caught.value.errors


def test_refused_before_a_logged_count_of_a_unit_that_leaves(bureau):
    log("tiansheng", "2026-03", "high_tech", 15)
    errors = refused(change(Kind.OUT, Month(2026, 2), units=("tiansheng",), place="璧山区"), bureau)
    assert errors == ["天生街道2026年3月已有填报数据，调整生效月份不能早于2026年4月。"]
    # from the month after the count it is accepted
    assert plan_change(change(Kind.OUT, Month(2026, 4), units=("tiansheng",), place="璧山区")).ok


def test_refused_at_or_before_a_published_month(bureau):
    MonthLock.objects.create(month=dt.date(2026, 10, 1))
    errors = refused(change(Kind.IN, Month(2026, 10), names=("新城镇",), place="合川区"), bureau)
    assert errors == ["2026年10月通报已发布（数据已锁定），调整生效月份不能早于2026年11月。"]


def test_refused_for_a_unit_that_is_not_a_member(bureau):
    errors = refused(change(Kind.OUT, units=("shuitu",), place="两江新区"), bureau)
    assert errors == ["水土街道已于2025年11月划出北碚区（划入两江新区），不能在2027年1月调整。"]


def test_refused_new_name_that_exists(bureau):
    errors = refused(change(Kind.IN, names=("大湾镇",), place="合川区"), bureau)
    assert errors == ["街镇名称“大湾镇”已存在，新设街镇不能与现有街镇同名。"]
    errors = refused(change(Kind.SPLIT, units=("sansheng",), names=("天生街道", "三圣西镇")), bureau)
    assert errors == ["街镇名称“天生街道”已存在，新设街镇不能与现有街镇同名。"]


def test_refused_merge_of_one_and_split_into_one(bureau):
    assert refused(change(Kind.MERGE, units=("liuyin",), names=("柳圣镇",)), bureau) == [
        "合并须至少选择两个街镇，现选择了1个。"
    ]
    assert refused(change(Kind.SPLIT, units=("sansheng",), names=("三圣东镇",)), bureau) == [
        "拆分须至少分设为两个新街镇，现填写了1个。"
    ]


def test_refused_input_that_does_not_fit_the_kind(bureau):
    assert refused(change(Kind.OUT, units=("liuyin",), names=("柳圣镇",), place="璧山区"), bureau) == [
        "划出不新设街镇，请清空“新街镇名称”。"
    ]
    assert refused(change(Kind.IN, units=("liuyin",), names=("新城镇",), place="合川区"), bureau) == [
        "划入的是新街镇，不选择现有街镇，请填写新街镇名称。"
    ]
    assert refused(change(Kind.OUT, units=("liuyin",)), bureau) == ["划出须填写去向（划入何处）。"]
    assert refused(change(Kind.SPLIT, units=("liuyin", "sansheng"), names=("甲镇", "乙镇")), bureau) == [
        "拆分须选择一个被拆分的街镇，现选择了2个。"
    ]


def test_refused_outside_the_plan(bureau):
    errors = refused(change(Kind.IN, Month(2028, 1), names=("新城镇",), place="合川区"), bureau)
    assert errors == ["生效月份2028年1月不在计划期内（2023年1月至2027年12月），不能录入。"]


# --- the pages --------------------------------------------------------------------------------


def form_data(**fields):
    data = {
        "kind": Kind.MERGE, "title": "柳荫镇、三圣镇合并", "authority": "渝府〔2026〕99号（测试）",
        "announced": "2026-11-10", "effective": "2027-01", "source": "测试来源",
        "units": [sub("liuyin").pk, sub("sansheng").pk], "names": "柳圣镇", "place": "",
    }  # fmt: skip
    return data | fields


def test_page_flow_preview_then_confirm(bureau, login):
    client = login(bureau)
    assert "区划调整" in client.get("/plan/").content.decode()
    page = client.get("/plan/changes/new/")
    assert page.status_code == 200 and "柳荫镇" in page.content.decode() and "水土街道" not in page.content.decode()

    answer = client.post("/plan/changes/new/", form_data())
    assert answer.status_code == 302 and answer.url.startswith("/plan/changes/confirm/?token=")
    assert not SubDistrict.objects.filter(name="柳圣镇").exists()  # nothing written before the confirmation

    preview = client.get(answer.url).content.decode()
    assert "柳荫镇：2027年1月并入柳圣镇，自2027年1月起不再填报" in preview
    assert "柳圣镇（新设）：2027年1月由柳荫镇、三圣镇合并设立，自2027年1月起须填报" in preview
    assert "2027年1月至2027年12月各月应报街镇由 17 个变为 16 个" in preview
    assert "目标待分解" in preview and "待方案修订后分解目标" in preview
    assert not SubDistrict.objects.filter(name="柳圣镇").exists()

    token = answer.url.split("token=")[1]
    done = client.post("/plan/changes/confirm/", {"token": token}, follow=True)
    assert done.redirect_chain[-1][0] == "/plan/changes/"
    text = done.content.decode()
    assert "已录入区划调整“柳荫镇、三圣镇合并”" in text
    assert SubDistrict.objects.get(name="柳圣镇").joined_by.title == "柳荫镇、三圣镇合并"
    # the shipped change of 2025-11 first, then the new one, each with its units and authority
    assert text.index("<h2>重庆市调整部分行政区划") < text.index("<h2>柳荫镇、三圣镇合并")
    assert "2027年1月并入柳圣镇" in text and "渝府〔2026〕99号（测试）" in text

    # the token is spent: confirming again writes nothing and says so
    again = client.post("/plan/changes/confirm/", {"token": token}, follow=True)
    assert "找不到待确认的区划调整" in again.content.decode()
    assert BoundaryChange.objects.filter(title="柳荫镇、三圣镇合并").count() == 1


def test_page_refusal_writes_nothing(bureau, login):
    client = login(bureau)
    before = written()
    page = client.post("/plan/changes/new/", form_data(units=[sub("liuyin").pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "未录入，未写入任何数据" in text and "合并须至少选择两个街镇，现选择了1个。" in text
    assert written() == before


def test_confirm_refuses_what_changed_since_the_preview(bureau, login):
    client = login(bureau)
    answer = client.post("/plan/changes/new/", form_data(effective="2026-11"))
    log("liuyin", "2026-11", "high_tech", 7)  # a count arrives between the preview and the confirmation
    before = written()
    page = client.post("/plan/changes/confirm/", {"token": answer.url.split("token=")[1]})
    assert page.status_code == 200
    assert "柳荫镇2026年11月已有填报数据，调整生效月份不能早于2026年12月。" in page.content.decode()
    assert written() == before


@pytest.mark.parametrize("who", ["leader", "official", "unit_user"])
@pytest.mark.parametrize("url", ["/plan/changes/", "/plan/changes/new/", "/plan/changes/confirm/"])
def test_other_roles_are_refused(who, url, login, request):
    client = login(request.getfixturevalue(who))
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert not BoundaryChange.objects.exclude(title__contains="两江新区").exists()


def test_names_are_split_on_the_usual_separators():
    assert boundaries.split_names(" 三圣东镇、三圣西镇，甲镇, 乙镇；丙镇 丁镇 ") == [
        "三圣东镇", "三圣西镇", "甲镇", "乙镇", "丙镇", "丁镇",
    ]  # fmt: skip


def test_staging_keeps_plain_input(bureau):
    given = change(Kind.SPLIT, units=("sansheng",), names=("三圣东镇", "三圣西镇"))
    session = {}
    token = boundaries.stage_change(session, given)
    assert boundaries.staged_change(session, token) == (given, None)
    boundaries.drop_staged_change(session, token)
    assert boundaries.staged_change(session, token)[0] is None
