"""Plan revisions (issue 27 point 2): the example revision read, judged from its effective month
and nothing before; a revision effective mid-year; every refusal, with nothing written; the
page (upload → preview → confirm) for the bureau only; the command; LibreOffice's .xls/.ods."""

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from targets import metrics
from targets.example_revision import EXAMPLE_PATH, build_example, example_lines
from targets.models import Indicator, MonthLock, PlanFigure, PlanLine, PlanVersion, SubDistrict
from targets.months import Month
from targets.progress import district_progress
from targets.revisions import RevisionMeta, RevisionRejected, import_revision, read_revision
from tests.support import log, pinned

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("map_2025_11")]

EXAMPLE = EXAMPLE_PATH.read_bytes()
NUMBER = "北碚示例〔2025〕1号"


def meta(effective="2026-01", number=NUMBER, reason="", example=True):
    return RevisionMeta(
        number=number,
        issued=dt.date(2025, 12, 20),
        effective=Month.parse(effective),
        title="示例修订（演示用，非正式文件）",
        reason=reason,
        is_example=example,
    )


def load_example(effective="2026-01", **kwargs):
    return import_revision("example-revision.xlsx", EXAMPLE, meta(effective, **kwargs))


def edited(change):
    """The example workbook with `change(ws)` applied, as bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(EXAMPLE))
    change(wb.active)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def refused(data, m=None, name="revision.xlsx"):
    before = (
        PlanVersion.objects.count(),
        PlanFigure.objects.count(),
        PlanLine.objects.count(),
        Indicator.objects.count(),
    )
    with pytest.raises(RevisionRejected) as exc:
        import_revision(name, data, m or meta())
    after = (
        PlanVersion.objects.count(),
        PlanFigure.objects.count(),
        PlanLine.objects.count(),
        Indicator.objects.count(),
    )
    assert after == before  # nothing written
    return "\n".join(exc.value.errors)


def by_slug(progress):
    return {row.subdistrict.slug: row for row in progress.rows}


def test_the_shipped_example_is_what_the_builder_makes():
    wb = openpyxl.load_workbook(io.BytesIO(EXAMPLE))
    ws = wb.active
    assert ws["A1"].value.startswith("示例修订（演示用，非正式文件）")
    assert "A5:A10" in {str(r) for r in ws.merged_cells.ranges}  # 类型 merged down the A类 rows
    assert "D2:J2" in {str(r) for r in ws.merged_cells.ranges}  # 高新技术企业 over its columns
    fresh = openpyxl.load_workbook(io.BytesIO(build_example())).active
    assert [[c.value for c in r] for r in fresh.iter_rows()] == [[c.value for c in r] for r in ws.iter_rows()]
    lines = example_lines()
    assert len(lines) == 17
    assert [name for cat, _, name, _ in lines if cat == "B"][-5:] == ["大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇"]


def test_example_is_read_with_its_total():
    parsed = read_revision("example-revision.xlsx", EXAMPLE, meta())
    assert parsed.errors == []
    assert len(parsed.lines) == 17
    # 46号's 2027 row less the five units that left, plus the five towns: 573 − 359 + 24 = 238
    assert parsed.totals["high_tech"][2027] == 573 - 359 + 6 + 4 + 4 + 8 + 2
    assert parsed.totals["tech_based"][2027] == 5631 - 2152 + 80 + 50 + 60 + 110 + 30
    dawan = next(line for line in parsed.lines if line.name == "大湾镇")
    assert (dawan.category, dawan.seq) == ("B", 7)
    assert dawan.figures["tech_based"] == {2022: 40, 2023: 48, 2024: 56, 2025: 64, 2026: 72, 2027: 80}


def test_example_from_2026_01_ranks_the_new_towns_then_and_changes_nothing_before():
    for sub in SubDistrict.objects.all():
        for month in ("2025-12", "2026-03"):
            if sub.is_member(Month.parse(month)):
                log(sub.slug, month, "high_tech", 5)
                log(sub.slug, month, "tech_based", 64 if sub.slug == "dawan" and month == "2025-12" else 68)
    before = district_progress(Month(2025, 12))
    assert by_slug(before)["dawan"].pending
    version = load_example()
    assert version.label == f"{NUMBER}（示例，非正式文件）"

    december = district_progress(Month(2025, 12))  # still 46号, 大湾 目标待分解
    assert by_slug(december)["dawan"].metrics["tech_based"].status == metrics.STATUS_PENDING
    assert [r.subdistrict.slug for r in december.rows] == [r.subdistrict.slug for r in before.rows]

    march = district_progress(Month(2026, 3))
    rows = by_slug(march)
    assert len(rows) == 17 and not any(row.pending for row in rows.values())
    dawan = rows["dawan"].metrics["tech_based"]
    # target 2026 = 72, base = December 2025's count 64, actual 68: (68 − 64) / (72 − 64) = 1/2
    assert (dawan.target, dawan.base, dawan.actual) == (72, 64, 68)
    assert dawan.increment_completion == metrics.Fraction(1, 2)
    assert dawan.rank_overall is not None and dawan.rank_in_class is not None
    assert SubDistrict.objects.get(slug="dawan").category == "B"
    headline = Indicator.objects.headline(version)
    assert [(i.metric, i.year, i.comparator, int(i.value)) for i in headline] == [
        ("high_tech", 2027, "gte", 238),
        ("tech_based", 2027, "gte", 3809),
    ]


def test_a_revision_effective_mid_year_judges_june_on_46_and_july_on_the_revision():
    def raise_tiansheng(ws):
        # 天生街道 (row 5, column P): its 2026 tech-based target 496 → 520, and the 合计 to match
        ws["P5"].value = 520
        ws.cell(ws.max_row, 16).value += 24

    log("tiansheng", "2025-12", "tech_based", 440)
    for month in ("2026-06", "2026-07"):
        log("tiansheng", month, "tech_based", 470)
    import_revision("mid.xlsx", edited(raise_tiansheng), meta("2026-07", number="北碚示例〔2026〕2号"))
    june = by_slug(district_progress(Month(2026, 6)))["tiansheng"].metrics["tech_based"]
    july = by_slug(district_progress(Month(2026, 7)))["tiansheng"].metrics["tech_based"]
    # June on 46号: (470 − 440) / (496 − 440) = 30/56; July on the revision: 30 / (520 − 440) = 3/8
    assert (june.target, june.increment_completion) == (496, metrics.Fraction(30, 56))
    assert (july.target, july.increment_completion) == (520, metrics.Fraction(3, 8))
    assert by_slug(district_progress(Month(2026, 6)))["dawan"].pending


def test_a_total_that_disagrees_is_refused_naming_the_column_and_both_numbers():
    def wrong_total(ws):
        # 高新技术企业 2025年目标数: 46号's 475 less the 310 of the five units that left, plus the
        # five towns' 5 + 3 + 3 + 6 + 2 = 19: the lines sum to 184
        ws.cell(ws.max_row, 8).value = 190

    message = refused(edited(wrong_total))
    assert "工作表“示例修订”第22行 H列（高新技术企业 2025年目标数）：合计为190，各街镇之和为184，两者不一致" in message


def test_the_two_2027_columns_must_agree():
    def disagree(ws):
        ws["E5"].value = 19  # 天生街道's 2027年目标数; its 年度 2027年目标数 (J5) stays 18

    assert "工作表“示例修订”第5行：高新技术企业2027年目标数在E列为19、在J列（年度）为18，两处不一致" in refused(
        edited(disagree)
    )


def test_a_unit_that_left_is_refused_with_where_it_went():
    def shuitu(ws):
        ws["C5"].value = "水土街道"

    message = refused(edited(shuitu))
    assert "工作表“示例修订”第5行 C列（街镇）：水土街道已于2025年11月划出北碚区（划入两江新区）" in message


def test_an_unknown_unit_a_missing_unit_and_a_duplicate_are_refused():
    def unknown(ws):
        ws["C6"].value = "不存在街道"

    def duplicate(ws):
        ws["C6"].value = "天生街道"

    assert "第6行 C列（街镇）：未知街镇“不存在街道”" in refused(edited(unknown))
    message = refused(edited(duplicate))
    assert "第6行 C列（街镇）：“天生街道”重复出现（第5行已有）" in message
    assert "缺少1个街镇的行：朝阳街道（修订须分解到2026年1月全区17个街镇，每个街镇一行）" in message


@pytest.mark.parametrize(
    ("value", "problem"), [(-3, "“-3”是负数"), (12.5, "“12.5”是小数"), ("十二", "“十二”不是数字"), (None, "缺少数值")]
)
def test_a_figure_that_is_not_a_whole_number_is_refused(value, problem):
    def bad(ws):
        ws["F5"].value = value

    assert f"第5行 F列（高新技术企业 2023年目标数）：{problem}" in refused(edited(bad))


def test_overlapping_versions_are_refused():
    assert "2023年1月已有起用的方案版本北碚府办发〔2025〕46号，修订与其重叠" in refused(EXAMPLE, meta("2023-01"))
    load_example("2026-01")
    message = refused(EXAMPLE, meta("2025-12", number="北碚示例〔2025〕3号"))
    assert "起用月份2025年12月早于已有的最新版本" in message and "须按时间顺序追加" in message
    assert "文号“北碚示例〔2025〕1号”已有方案版本（2026年1月起用），不能重复导入" in refused(EXAMPLE, meta("2026-03"))


def test_an_effective_month_out_of_the_plan_is_refused():
    assert "起用月份2028年1月不在计划期内" in refused(EXAMPLE, meta("2028-01"))
    assert "起用月份2022年12月不在计划期内" in refused(EXAMPLE, meta("2022-12"))


def test_a_published_month_needs_a_reason_and_then_keeps_its_bulletin():
    MonthLock.objects.create(month=dt.date(2026, 2, 1))
    message = refused(EXAMPLE, meta("2026-01"))
    assert "2026年2月的月通报已发布，修订自2026年1月起用将改变这些月份的评价：须说明修订原因" in message
    version = load_example("2026-01", reason="区划调整后重新分解目标")
    assert version.reason == "区划调整后重新分解目标"
    assert MonthLock.objects.filter(month=dt.date(2026, 2, 1)).exists()


def test_the_units_take_the_new_class_and_seq_with_history():
    load_example()
    dongyang = SubDistrict.objects.get(slug="dongyang")
    assert (dongyang.category, dongyang.seq) == ("A", 6)
    assert dongyang.history.first().history_change_reason == f"载入方案修订{NUMBER}"
    shuitu = SubDistrict.objects.get(slug="shuitu")  # not in the revision: its class kept
    assert shuitu.category == "A"
    # 46号's own table is unchanged: 46号 still lists 东阳 11th
    old = PlanVersion.objects.get(effective=dt.date(2023, 1, 1))
    assert PlanLine.objects.get(version=old, subdistrict=dongyang).seq == 11


def test_the_command_loads_and_refuses(capsys):
    call_command(
        "load_plan_revision", str(EXAMPLE_PATH), "--number", NUMBER, "--date", "2025-12-20",
        "--effective", "2026-01", "--example",
    )  # fmt: skip
    assert (
        "已导入方案版本北碚示例〔2025〕1号（示例，非正式文件）：17个街镇，自2026年1月起按该版本评价"
        in capsys.readouterr().out
    )
    with pytest.raises(CommandError, match="修订未导入，未写入任何数据"):
        call_command(
            "load_plan_revision", str(EXAMPLE_PATH), "--number", "x", "--date", "2025-12-20", "--effective", "2026-01"
        )
    assert "2026年1月已有起用的方案版本" in capsys.readouterr().err
    assert PlanVersion.objects.count() == 2


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_example_saved_by_libreoffice(tmp_path, kind):
    source = tmp_path / "example-revision.xlsx"
    source.write_bytes(EXAMPLE)
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", "--headless", "--calc", "--convert-to", kind, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    version = import_revision(f"example-revision.{kind}", (out / f"example-revision.{kind}").read_bytes(), meta())
    assert version.lines.count() == 17
    assert (
        PlanFigure.objects.filter(version=version, subdistrict__slug="dawan", year=2027, metric="tech_based")
        .get()
        .value
        == 80
    )


# --- the page, /plan/ and the API ---------------------------------------------------------------


def upload(client, data=EXAMPLE, name="example-revision.xlsx", effective="2026-01", reason="", number=NUMBER):
    return client.post(
        "/plan/revisions/import/",
        {
            "file": SimpleUploadedFile(name, data),
            "number": number,
            "issued": "2025-12-20",
            "effective": effective,
            "title": "示例修订（演示用，非正式文件）",
            "reason": reason,
            "is_example": "on",
        },
    )


def test_the_page_previews_then_writes_on_confirmation(login, bureau):
    client = login(bureau)
    form = client.get("/plan/revisions/import/")
    assert '<select name="effective"' in form.content.decode()
    response = upload(client)
    assert response.status_code == 302 and "/plan/revisions/import/confirm/?token=" in response["Location"]
    assert PlanVersion.objects.count() == 1  # nothing written before the confirmation
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "核对方案修订：北碚示例〔2025〕1号（示例，非正式文件）" in page
    assert "自2026年1月起至2027年12月共24个月按本修订评价；此前各月仍按北碚府办发〔2025〕46号评价，不变" in page
    assert (
        "新增目标的街镇（此前“目标待分解”，自2026年1月起参与排名和着色）：大湾镇、统景镇、大盛镇、兴隆镇、茨竹镇"
        in page
    )
    assert "原版本中已划出的街镇（不在本修订中）：蔡家岗街道、水土街道、复兴街道、施家梁镇、童家溪镇" in page
    assert "高新技术企业达到238家，科技型企业达到3809家" in page
    assert len(preview.context["comparison"]["rows"]) == 17
    token = response["Location"].split("token=")[1]
    done = client.post("/plan/revisions/import/confirm/", {"token": token})
    assert done.status_code == 302 and done["Location"] == "/plan/?month=2026-01"
    version = PlanVersion.objects.get(number=NUMBER)
    assert (version.recorded_by, version.source_file, version.is_example) == (bureau, "example-revision.xlsx", True)
    # the token is spent: a second confirmation writes nothing
    again = client.post("/plan/revisions/import/confirm/", {"token": token})
    assert again.status_code == 302 and PlanVersion.objects.count() == 2
    listing = client.get("/plan/revisions/").content.decode()
    assert "北碚示例〔2025〕1号（示例，非正式文件）" in listing and "2026年1月" in listing


def test_the_page_refuses_with_what_and_where(login, bureau):
    def shuitu(ws):
        ws["C5"].value = "水土街道"

    response = upload(login(bureau), edited(shuitu))
    assert response.status_code == 200
    page = response.content.decode()
    assert "未写入任何数据" in page
    assert "第5行 C列（街镇）：水土街道已于2025年11月划出北碚区（划入两江新区）" in page
    assert PlanVersion.objects.count() == 1


def test_only_the_bureau_imports_revisions(login, leader, official, unit_user):
    for user in (leader, official, unit_user):
        client = login(user)
        assert client.get("/plan/revisions/import/").status_code == 403
        assert upload(client).status_code == 403
        assert client.post("/plan/revisions/import/confirm/", {"token": "x"}).status_code == 403
    assert PlanVersion.objects.count() == 1


def test_plan_page_shows_the_version_of_the_month_and_marks_the_units_that_left(login, leader):
    with pinned():
        client = login(leader)
        october = client.get("/plan/?month=2025-10")
        page = october.content.decode()
        assert "2025年10月适用的版本" in page and "北碚府办发〔2025〕46号），自2023年1月起用" in page
        assert "已划出" not in page
        december = client.get("/plan/?month=2025-12")
        names = [row["name"] for row in december.context["table"].data.data]
        assert "水土街道（已划出）" in names and len(names) == 18  # 46号's 17 lines and its 合计
        assert "目标待分解）：大湾镇、统景镇、大盛镇、兴隆镇、茨竹镇" in december.content.decode()
        load_example()
        january = client.get("/plan/?month=2026-01")
        names = [row["name"] for row in january.context["table"].data.data]
        assert len(names) == 18 and "大湾镇" in names and not any("已划出" in n for n in names)
        assert "北碚示例〔2025〕1号（示例，非正式文件）" in january.content.decode()


def test_api_lists_the_units_of_the_month_with_the_version(login, leader):
    load_example()
    client = login(leader)
    before = client.get("/api/v1/targets?month=2025-12").json()
    assert before["version"]["number"] == "北碚府办发〔2025〕46号" and before["version"]["effective"] == "2023-01"
    units = {u["slug"]: u for u in before["units"]}
    assert len(units) == 17 and "shuitu" not in units
    assert units["dawan"]["has_targets"] is False and units["dawan"]["joined_note"] == "2025年11月由原渝北区划入"
    shuitu = next(row for row in before["subdistricts"] if row["slug"] == "shuitu")
    assert shuitu["membership"]["left_note"] == "2025年11月划出北碚区（划入两江新区）"
    after = client.get("/api/v1/targets?month=2026-01").json()
    assert after["version"] == {
        "number": NUMBER,
        "label": f"{NUMBER}（示例，非正式文件）",
        "title": "示例修订（演示用，非正式文件）",
        "issued": "2025-12-20",
        "effective": "2026-01",
        "is_example": True,
    }
    assert all(u["has_targets"] for u in after["units"]) and len(after["subdistricts"]) == 17
    assert after["total"]["high_tech"]["2027"] == 238
    assert [(g["code"].split("_v")[0], g["value"]) for g in after["goals"] if g["kind"] == "headline"] == [
        ("high_tech_2027", 238),
        ("tech_based_2027", 3809),
    ]
    progress = client.get("/api/v1/progress?month=2026-01").json()
    assert progress["version"]["number"] == NUMBER
    dawan = next(row for row in progress["subdistricts"] if row["slug"] == "dawan")
    assert dawan["has_targets"] is True and dawan["membership"]["joined"] == "2025-11"
    december = client.get("/api/v1/progress?month=2025-12").json()
    assert next(row for row in december["subdistricts"] if row["slug"] == "dawan")["has_targets"] is False


def test_a_published_bulletin_keeps_its_figures_after_a_reasoned_revision(bureau):
    from bulletins.models import BulletinVersion
    from bulletins.services import publish

    for sub in SubDistrict.objects.all():
        if sub.is_member(Month(2026, 2)):
            log(sub.slug, "2026-02", "high_tech", 5)
            log(sub.slug, "2026-02", "tech_based", 60)
    with pinned():
        publish(Month(2026, 2), bureau, confirm_partial=True)
    frozen = BulletinVersion.objects.get().figures
    assert "2026年2月的月通报已发布" in refused(EXAMPLE, meta("2026-01"))
    load_example("2026-01", reason="区划调整后重新分解目标")
    assert BulletinVersion.objects.get().figures == frozen
    assert BulletinVersion.objects.count() == 1


def test_the_dashboard_ranks_the_new_towns_from_the_revision(login, leader):
    for sub in SubDistrict.objects.all():
        for month in ("2025-12", "2026-03"):
            if sub.is_member(Month.parse(month)):
                log(sub.slug, month, "high_tech", 5)
                log(sub.slug, month, "tech_based", 60)
    client = login(leader)
    with pinned():
        before = client.get("/?month=2026-03").context["progress"]
        assert by_slug(before)["dawan"].pending
        load_example()
        after = client.get("/?month=2026-03").context["progress"]
    assert not by_slug(after)["dawan"].pending
    assert by_slug(after)["dawan"].metrics["high_tech"].rank_overall is not None


def test_the_example_as_csv_in_gbk_reads_the_same():
    ws = openpyxl.load_workbook(io.BytesIO(EXAMPLE)).active
    text = "\r\n".join(",".join("" if c is None else str(c) for c in row) for row in ws.iter_rows(values_only=True))
    version = import_revision("example-revision.csv", text.encode("gbk"), meta())
    assert version.lines.count() == 17
    assert int(Indicator.objects.headline(version).get(metric="high_tech").value) == 238


def test_a_missing_total_row_is_refused():
    def no_total(ws):
        ws.delete_rows(ws.max_row)

    assert "工作表“示例修订”没有合计行：修订表须有“合计”行，用于核对各街镇之和" in refused(edited(no_total))


def test_load_plan_after_a_revision_changes_nothing_and_keeps_the_revisions_classes():
    """`make run` loads the plan each time: after a revision renumbered the units, loading 46号
    again must neither fail (two units on one 序号) nor undo the revision."""
    from tasks.plan import load_plan

    load_example()
    before = dict(SubDistrict.objects.values_list("slug", "seq"))
    report = load_plan()
    assert not report.changed
    assert dict(SubDistrict.objects.values_list("slug", "seq")) == before
    assert PlanLine.objects.filter(version__number="北碚府办发〔2025〕46号").count() == 17
