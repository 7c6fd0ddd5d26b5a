"""The monthly count pages through the test client, for every role."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.importers import IMPORT_SESSION_KEY
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from tests.support import all_rows, csv_bytes, grid_data, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]

OCT = Month(2026, 10)


@pytest.mark.parametrize(
    "url",
    ["/counts/2026-10/", "/counts/2026-10/template.xlsx", "/counts/import/", "/counts/import/confirm/"],
)
def test_only_bureau_staff_enter_import_or_download_templates(login, bureau, leader, official, unit_user, url):
    assert login(bureau).get(url).status_code in (200, 302)
    for user in (leader, official, unit_user):
        assert login(user).get(url).status_code == 403, (user, url)
        assert login(user).post(url, {}).status_code == 403, (user, url)


def test_month_list_shows_reporting_status(login, bureau, leader, official, unit_user):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    MonthlyCount.objects.create(subdistrict=tiansheng, month=OCT.date, metric="high_tech", value=5, updated_by=bureau)
    MonthlyCount.objects.create(subdistrict=tiansheng, month=OCT.date, metric="tech_based", value=50, updated_by=bureau)
    MonthlyCount.objects.create(
        subdistrict_id=SubDistrict.objects.get(slug="shuitu").pk, month=OCT.date, metric="high_tech", value=1
    )
    response = login(bureau).get("/counts/")
    assert response.status_code == 200
    statuses = {str(s.month): s for s in response.context["statuses"]}
    assert len(statuses) == 47  # 2023-01 .. 2026-11
    assert (statuses["2026-10"].reported, statuses["2026-10"].expected) == (1, 17)
    assert statuses["2026-10"].last_by in ("bureau_user", "")
    assert "1/17" in response.content.decode() and "0/17" in response.content.decode()
    assert login(leader).get("/counts/").status_code == 200
    assert login(official).get("/counts/").status_code == 403
    assert login(unit_user).get("/counts/").status_code == 403


def test_month_list_costs_a_fixed_number_of_queries(login, bureau, django_assert_max_num_queries):
    c = login(bureau)
    with django_assert_max_num_queries(10):
        c.get("/counts/")


def test_grid_shows_every_subdistrict_in_plan_order(login, bureau, django_assert_max_num_queries):
    c = login(bureau)
    with django_assert_max_num_queries(12):
        response = c.get("/counts/2026-10/")
    html = response.content.decode()
    assert html.index("天生街道") < html.index("东阳街道") < html.index("澄江镇") < html.index("金刀峡镇")
    assert html.count('name="v-') == 34
    assert "js/count-grid.js" in html


def test_grid_saves_in_one_go_and_history_shows_who(login, bureau):
    c = login(bureau)
    values = {("tiansheng", "high_tech"): 11, ("tiansheng", "tech_based"): 300, ("jindaoxia", "tech_based"): 13}
    response = c.post("/counts/2026-10/", grid_data(values))
    assert response.status_code == 302
    assert MonthlyCount.objects.filter(month=OCT.date).count() == 3
    history = c.get("/counts/2026-10/history/").content.decode()
    assert "bureau_user" in history and "天生街道" in history and "网页填报" in history


def test_grid_refuses_a_drop_until_confirmed_with_a_note(login, bureau):
    c = login(bureau)
    values = {("shuitu", "high_tech"): 120}  # 2022 actual is 129
    response = c.post("/counts/2026-10/", grid_data(values))
    assert response.status_code == 200
    assert "水土街道高新技术企业：较上月下降（129 → 120）" in response.content.decode()
    assert 'name="c-shuitu-high_tech"' in response.content.decode()
    assert not MonthlyCount.objects.exists()
    response = c.post("/counts/2026-10/", grid_data(values, confirm={("shuitu", "high_tech")}))
    assert "须填写备注" in response.content.decode()
    assert not MonthlyCount.objects.exists()
    notes = {("shuitu", "high_tech"): "9 家证书到期"}
    response = c.post("/counts/2026-10/", grid_data(values, notes, confirm={("shuitu", "high_tech")}))
    assert response.status_code == 302
    assert MonthlyCount.objects.get().note == "9 家证书到期"


def test_grid_refuses_bad_numbers_and_writes_nothing(login, bureau):
    c = login(bureau)
    values = {("tiansheng", "high_tech"): 11, ("chaoyang", "high_tech"): "-1", ("xiema", "tech_based"): "1.5"}
    response = c.post("/counts/2026-10/", grid_data(values))
    html = response.content.decode()
    assert "朝阳街道高新技术企业：“-1”是负数，企业数量不能为负" in html
    assert "歇马街道科技型企业：“1.5”是小数，企业数量必须是整数" in html
    assert not MonthlyCount.objects.exists()


def test_grid_cannot_clear_a_logged_value(login, bureau):
    MonthlyCount.objects.create(
        subdistrict=SubDistrict.objects.get(slug="tiansheng"), month=OCT.date, metric="high_tech", value=11
    )
    response = login(bureau).post("/counts/2026-10/", grid_data({}))
    assert "已填报的数值不能清空" in response.content.decode()
    assert MonthlyCount.objects.get().value == 11


def test_future_month_grid_is_404(login, bureau):
    assert login(bureau).get("/counts/2026-12/").status_code == 404
    assert login(bureau).get("/counts/2022-12/").status_code == 404
    assert login(bureau).get("/counts/2026-13/").status_code == 404


def test_template_download(login, bureau):
    response = login(bureau).get("/counts/2026-10/template.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"


def test_web_import_previews_then_writes(login, bureau):
    c = login(bureau)
    upload = SimpleUploadedFile("十月.csv", csv_bytes(all_rows(), encoding="gbk"), content_type="text/csv")
    response = c.post("/counts/import/", {"month": "2026-10", "file": upload})
    assert response.status_code == 302 and response["Location"].startswith("/counts/import/confirm/?token=")
    assert not MonthlyCount.objects.exists()
    preview = c.get(response["Location"])
    html = preview.content.decode()
    assert "十月.csv" in html and "较上月下降" in html
    assert len(preview.context["plan"].changes) == 34
    staged = {"token": preview.context["form"].initial["token"], "month": "2026-10"}
    response = c.post("/counts/import/confirm/", staged)
    assert "请确认" in response.content.decode()
    assert not MonthlyCount.objects.exists()
    response = c.post("/counts/import/confirm/", {**staged, "confirm": "on", "note": "按统计局口径核定"})
    assert response.status_code == 302
    assert MonthlyCount.objects.filter(month=OCT.date).count() == 34
    assert MonthlyCount.objects.get(subdistrict__slug="shuitu", metric="high_tech").note == "按统计局口径核定"
    assert "表格导入：十月.csv" in c.get("/counts/2026-10/history/").content.decode()


def test_web_import_refusal_lists_every_problem_and_writes_nothing(login, bureau):
    rows = all_rows()
    rows[0][1] = "abc"
    rows[-1][2] = -2
    upload = SimpleUploadedFile("bad.xlsx", xlsx_bytes(rows))
    response = login(bureau).post("/counts/import/", {"month": "2026-10", "file": upload})
    html = response.content.decode()
    assert "未写入任何数据" in html
    assert "第2行 B列（高新技术企业）：“abc”不是数字" in html
    assert "第18行 C列（科技型企业）：“-2”是负数" in html
    assert not MonthlyCount.objects.exists()


def test_web_import_refuses_an_oversized_file_before_reading_it(login, bureau):
    c = login(bureau)
    upload = SimpleUploadedFile("大文件.csv", b"x" * (5 * 1024 * 1024 + 1), content_type="text/csv")
    response = c.post("/counts/import/", {"month": "2026-10", "file": upload})
    assert response.status_code == 200
    assert "超过 5 MB 上限" in response.content.decode()
    assert not MonthlyCount.objects.exists()
    assert IMPORT_SESSION_KEY not in c.session
    assert c.get("/counts/import/confirm/").status_code == 302  # nothing staged to confirm


def test_web_import_refuses_a_changed_month_between_preview_and_confirm(login, bureau):
    c = login(bureau)
    upload = SimpleUploadedFile("a.csv", csv_bytes(all_rows(), encoding="utf-8"))
    token = c.post("/counts/import/", {"month": "2026-10", "file": upload})["Location"].split("token=")[1]
    MonthlyCount.objects.create(
        subdistrict=SubDistrict.objects.get(slug="tiansheng"), month=OCT.date, metric="high_tech", value=12
    )
    response = c.post("/counts/import/confirm/", {"token": token, "month": "2026-10", "confirm": "on", "note": "x"})
    assert "已被他人改为 12" in response.content.decode()
    assert MonthlyCount.objects.count() == 1


def test_history_is_scoped_to_the_officials_own_subdistrict(login, bureau, official, other_official):
    c = login(bureau)
    c.post("/counts/2026-10/", grid_data({("tiansheng", "high_tech"): 11, ("shuitu", "high_tech"): 130}))
    own = login(official).get("/counts/2026-10/history/")
    assert own.status_code == 200
    rows = own.context["table"].data.data
    assert {r.subdistrict for r in rows} == {"天生街道"}
    assert login(official).get("/counts/2026-10/history/?subdistrict=shuitu").status_code == 403
    assert login(other_official).get("/counts/2026-10/history/?subdistrict=tiansheng").status_code == 403


def test_api_progress_is_scoped(login, bureau, official, unit_user):
    login(bureau).post("/counts/2026-10/", grid_data({("tiansheng", "high_tech"): 11, ("shuitu", "high_tech"): 130}))
    everyone = login(bureau).get("/api/v1/progress?month=2026-10").json()
    assert everyone["month"] == "2026-10" and len(everyone["subdistricts"]) == 17
    first = everyone["subdistricts"][0]
    assert (first["slug"], first["category"], first["high_tech"]["actual"], first["tech_based"]["actual"]) == (
        "tiansheng",
        "A",
        11,
        None,
    )
    own = login(official).get("/api/v1/progress?month=2026-10").json()
    assert [row["slug"] for row in own["subdistricts"]] == ["tiansheng"]
    assert login(unit_user).get("/api/v1/progress?month=2026-10").json()["subdistricts"] == []
    bad = login(bureau).get("/api/v1/progress?month=2026-13")
    assert bad.status_code == 400 and "月份" in bad.json()["error"]


def test_two_tabs_cannot_cross(login, bureau):
    """Tab A previews October, tab B uploads September: A's confirmation writes A's file into October."""
    c = login(bureau)
    october = [[name, 20, 300] for name, _, _ in all_rows()]
    september = [[name, 1, 2] for name, _, _ in all_rows()]
    tab_a = c.post(
        "/counts/import/", {"month": "2026-10", "file": SimpleUploadedFile("十月.xlsx", xlsx_bytes(october))}
    )
    tab_b = c.post(
        "/counts/import/", {"month": "2026-09", "file": SimpleUploadedFile("九月.xlsx", xlsx_bytes(september))}
    )
    token_a = tab_a["Location"].split("token=")[1]
    token_b = tab_b["Location"].split("token=")[1]
    assert token_a != token_b
    preview_a = c.get(tab_a["Location"])
    assert "十月.xlsx" in preview_a.content.decode() and preview_a.context["month"] == OCT
    # Tab A's form, posted with B's month, is refused rather than mixed.
    crossed = c.post("/counts/import/confirm/", {"token": token_a, "month": "2026-09", "confirm": "on", "note": "x"})
    assert crossed.status_code == 302 and not MonthlyCount.objects.exists()
    response = c.post("/counts/import/confirm/", {"token": token_a, "month": "2026-10", "confirm": "on", "note": "x"})
    assert response.status_code == 302
    assert set(MonthlyCount.objects.values_list("month", "value")) == {(OCT.date, 20), (OCT.date, 300)}
    assert MonthlyCount.objects.get(subdistrict__slug="tiansheng", metric="high_tech").source_file == "十月.xlsx"
    # A's token is spent; B's is still its own file for September.
    again = c.post("/counts/import/confirm/", {"token": token_a, "month": "2026-10", "confirm": "on", "note": "x"})
    assert again.status_code == 302 and again["Location"] == "/counts/import/"
    assert c.get(tab_b["Location"]).context["file_name"] == "九月.xlsx"


def test_a_forged_or_expired_token_is_refused(login, bureau, time_machine):
    c = login(bureau)
    upload = SimpleUploadedFile("a.csv", csv_bytes(all_rows(), encoding="utf-8"))
    location = c.post("/counts/import/", {"month": "2026-10", "file": upload})["Location"]
    token = location.split("token=")[1]
    forged = c.post("/counts/import/confirm/", {"token": "x" + token, "month": "2026-10", "confirm": "on"}, follow=True)
    assert "找不到这次上传的待确认导入" in forged.content.decode()
    time_machine.move_to(dt.datetime(2026, 11, 15, 10, 31), tick=False)
    expired = c.post("/counts/import/confirm/", {"token": token, "month": "2026-10", "confirm": "on"}, follow=True)
    assert "已超过 30 分钟未确认，已失效" in expired.content.decode()
    assert not MonthlyCount.objects.exists()


def test_the_preview_names_the_sheet_aliases_and_skipped_rows(login, bureau):
    c = login(bureau)
    rows = [["天生" if name == "天生街道" else name, ht, tb] for name, ht, tb in all_rows()] + [["合计", 1, 1]]
    upload = SimpleUploadedFile("十月.xlsx", xlsx_bytes(rows, sheet="10月"))
    location = c.post("/counts/import/", {"month": "2026-10", "file": upload})["Location"]
    html = c.get(location).content.decode()
    assert "读取的工作表：“10月”" in html
    assert "原表“天生” → 天生街道" in html
    assert "已跳过1个分组或合计行" in html


def test_the_sheet_is_chosen_on_the_page(login, bureau):
    from tests import spreadsheet_corpus as corpus

    c = login(bureau)
    rows = [[name, 20, 300] for name, _, _ in all_rows()]
    data = corpus.one_sheet_per_month({"甲": all_rows(), "乙": rows}, active="乙")
    refused = c.post("/counts/import/", {"month": "2026-10", "file": SimpleUploadedFile("a.xlsx", data)})
    assert "都有表头：“甲”、“乙”" in refused.content.decode()
    chosen = c.post("/counts/import/", {"month": "2026-10", "sheet": "乙", "file": SimpleUploadedFile("a.xlsx", data)})
    preview = c.get(chosen["Location"])
    assert {cell.new for cell in preview.context["plan"].cells} == {20, 300}


def test_a_workbook_of_months_previews_the_chosen_months_sheet_and_names_the_others(login, bureau):
    from tests import spreadsheet_corpus as corpus

    c = login(bureau)
    october = [[name, 20, 300] for name, _, _ in all_rows()]
    data = corpus.one_sheet_per_month({"9月": all_rows(), "10月": october}, active="9月")
    location = c.post("/counts/import/", {"month": "2026-10", "file": SimpleUploadedFile("两个月.xlsx", data)})[
        "Location"
    ]
    preview = c.get(location)
    assert {cell.new for cell in preview.context["plan"].cells} == {20, 300}
    assert "按所选月份读取工作表“10月”，未读取：“9月”" in preview.content.decode()
    assert not MonthlyCount.objects.exists()


# --- issue 28: a month picker, the changed rows, notes per metric, reason boxes -------------------


def test_the_month_is_picked_from_the_months_that_can_be_imported(login, bureau):
    c = login(bureau)
    page = c.get("/counts/import/")
    form = page.context["form"]
    values = [value for value, _ in form.fields["month"].choices]
    assert values[0] == "2026-11" and values[-1] == "2023-01" and len(values) == 47  # 2023-01 … 2026-11
    html = page.content.decode()
    assert '<select name="month"' in html
    assert '<option value="2026-10" selected>2026年10月</option>' in html  # last month by default
    assert "2026-12" not in values


@pytest.mark.parametrize("month", ["2026-12", "2022-12", "10月", ""])
def test_a_month_outside_the_picker_is_refused_and_nothing_is_read(login, bureau, month):
    c = login(bureau)
    upload = SimpleUploadedFile("a.csv", csv_bytes(all_rows(), encoding="utf-8"))
    response = c.post("/counts/import/", {"month": month, "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("不可导入" in html) if month else ("这个字段是必填项" in html), html
    assert not MonthlyCount.objects.exists() and IMPORT_SESSION_KEY not in c.session


def _logged_october(high_tech=10, tech_based=100):
    for month in ("2026-09", "2026-10"):
        for name, _, _ in all_rows():
            sub = SubDistrict.objects.get(name=name)
            for metric, value in (("high_tech", high_tech), ("tech_based", tech_based)):
                MonthlyCount.objects.create(subdistrict=sub, month=Month.parse(month).date, metric=metric, value=value)


def test_the_preview_shows_only_the_changed_rows_on_request(login, bureau):
    """October logged at 10 / 100 everywhere; the file changes 天生's high-tech count (10 → 11)
    and 朝阳's tech-based count (100 → 105), with one 备注 for the row: 2 of 34 cells change, and
    天生's tech-based count, unchanged, is not shown as a change "100 → 100"."""
    _logged_october()
    c = login(bureau)
    rows = [[*row, ""] for row in all_rows()]
    rows[0][1:] = [11, 100, "新认定1家"]  # 天生街道
    rows[1][1:] = [10, 105, "新入库5家"]  # 朝阳街道
    upload = SimpleUploadedFile("十月.xlsx", xlsx_bytes(rows, header=["街镇", "高新技术企业", "科技型企业", "备注"]))
    location = c.post("/counts/import/", {"month": "2026-10", "file": upload})["Location"]
    whole = c.get(location)
    assert len(whole.context["rows"]) == 34
    html = whole.content.decode()
    assert "显示全部 34 行" in html and "只看有变化的 2 行" in html
    assert html.count("（不变）</td>") == 32
    changed = c.get(location + "&changed=1")
    cells = [(cell.subdistrict.name, cell.metric, cell.old, cell.new, cell.note) for cell in changed.context["rows"]]
    assert cells == [("天生街道", "high_tech", 10, 11, "新认定1家"), ("朝阳街道", "tech_based", 100, 105, "新入库5家")]
    html = changed.content.decode()
    assert "只显示有变化的 2 行" in html and "显示全部 34 行" in html
    assert "（不变）</td>" not in html
    response = c.post(location + "&changed=1", {"token": changed.context["token"], "month": "2026-10"})
    assert response.status_code == 302
    notes = dict(
        MonthlyCount.objects.filter(month=OCT.date, subdistrict__slug="tiansheng").values_list("metric", "note")
    )
    assert notes == {"high_tech": "新认定1家", "tech_based": ""}


def test_the_reason_of_a_correction_has_a_box_that_fits_it(login, bureau):
    from targets.models import MonthLock

    _logged_october()
    MonthLock.objects.create(month=OCT.date)
    c = login(bureau)
    grid = c.get("/counts/2026-10/").content.decode()
    assert '<textarea name="reason" cols="60" rows="4" maxlength="500" class="reason-box"' in grid
    rows = [list(row) for row in all_rows()]
    rows[0][1] = 11
    location = c.post("/counts/import/", {"month": "2026-10", "file": SimpleUploadedFile("a.xlsx", xlsx_bytes(rows))})[
        "Location"
    ]
    preview = c.get(location).content.decode()
    assert '<textarea name="reason" cols="60" rows="4" maxlength="500" class="reason-box"' in preview
    token = location.split("token=")[1]
    refused = c.post("/counts/import/confirm/", {"token": token, "month": "2026-10"})
    assert "须作为更正并填写更正原因" in refused.content.decode()
    assert not MonthlyCount.objects.filter(month=OCT.date, value=11).exists()
    reason = "街道补报：10月28日认定的1家企业\n漏填，经核实补录"
    c.post("/counts/import/confirm/", {"token": token, "month": "2026-10", "reason": reason})
    row = MonthlyCount.objects.get(month=OCT.date, subdistrict__slug="tiansheng", metric="high_tech")
    assert row.value == 11
    assert (
        row.history.order_by("-history_id")
        .first()
        .history_change_reason.endswith("原因：街道补报：10月28日认定的1家企业 漏填，经核实补录")
    )
