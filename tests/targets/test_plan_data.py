"""The plan's data in the database equals the published document, cell by cell."""

import pytest
from django.core.management import call_command

from targets import metrics
from targets.choices import ALL_YEARS, Metric
from targets.models import PlanFigure, PlanVersion, SubDistrict
from tasks.plan import load_plan
from tests import plan_document

pytestmark = pytest.mark.django_db

SLUGS = {
    "天生街道": "tiansheng", "朝阳街道": "chaoyang", "北温泉街道": "beiwenquan", "龙凤桥街道": "longfengqiao",
    "歇马街道": "xiema", "蔡家岗街道": "caijiagang", "水土街道": "shuitu", "复兴街道": "fuxing",
    "施家梁镇": "shijialiang", "童家溪镇": "tongjiaxi", "东阳街道": "dongyang", "澄江镇": "chengjiang",
    "静观镇": "jingguan", "天府镇": "tianfu", "柳荫镇": "liuyin", "三圣镇": "sansheng", "金刀峡镇": "jindaoxia",
}  # fmt: skip


def test_seventeen_subdistricts_with_class_seq_and_slug():
    document = plan_document.attachment_rows()
    assert len(document) == 17
    subs = {s.name: s for s in SubDistrict.objects.select_related("district")}
    assert set(subs) == set(document)
    for name, (category, seq, _) in document.items():
        assert (subs[name].category, subs[name].seq, subs[name].slug) == (category, seq, SLUGS[name])
        assert subs[name].district.name == "北碚区"
    assert sum(1 for c, _, _ in document.values() if c == "A") == 11


def test_every_cell_equals_the_attachment():
    document = plan_document.attachment_rows()
    stored = {(f.subdistrict.name, f.metric, f.year): f.value for f in PlanFigure.objects.select_related("subdistrict")}
    assert len(stored) == 17 * 2 * 6 == 204
    for name, (_, _, figures) in document.items():
        for metric in Metric.values:
            for year in ALL_YEARS:
                assert stored[(name, metric, year)] == figures[metric][year], (name, metric, year)


def test_computed_total_equals_the_attachments_total_row():
    rows = PlanFigure.objects.rows_for(SubDistrict.objects.in_plan_order(), PlanVersion.objects.get())
    totals = metrics.sum_plan_figures(row.figures for row in rows)
    assert totals == plan_document.attachment_total()
    assert totals["high_tech"][2027] == 573 and totals["tech_based"][2022] == 2849


def test_plan_order_is_class_a_then_b_by_seq():
    names = list(SubDistrict.objects.in_plan_order().values_list("name", flat=True))
    assert names[:3] == ["天生街道", "朝阳街道", "北温泉街道"]
    assert names[10:12] == ["东阳街道", "澄江镇"]
    assert names[-1] == "金刀峡镇"


def test_load_plan_again_changes_nothing(capsys, map_2025_11):
    before = {f.pk: f.value for f in PlanFigure.objects.all()}
    report = load_plan()
    assert not report.changed
    assert {f.pk: f.value for f in PlanFigure.objects.all()} == before
    call_command("load_plan")
    assert "无改动" in capsys.readouterr().out


def test_load_plan_repairs_an_edited_cell():
    cell = PlanFigure.objects.get(subdistrict__slug="shuitu", metric="high_tech", year=2027)
    cell.value = 1
    cell.save()
    report = load_plan(boundaries=False)
    assert report.updated == {"目标任务分解": 1}
    cell.refresh_from_db()
    assert cell.value == 189
