"""The 19 key tasks, the four measures, their units and targets, and the indicators."""

from decimal import Decimal

import pytest

from targets.models import Indicator
from tasks.models import KeyTask, TaskTarget, Unit
from tests import plan_document

pytestmark = pytest.mark.django_db


def test_nineteen_tasks_in_three_groups_and_four_measures():
    tasks = KeyTask.objects.filter(kind="task").select_related("group")
    assert [t.number for t in tasks] == list(range(1, 20))
    groups = {t.number: t.group.number for t in tasks}
    assert {n for n, g in groups.items() if g == 1} == set(range(1, 6))
    assert {n for n, g in groups.items() if g == 2} == set(range(6, 12))
    assert {n for n, g in groups.items() if g == 3} == set(range(12, 20))
    measures = KeyTask.objects.filter(kind="measure")
    assert [m.title for m in measures] == ["加强组织领导", "加强资源配置", "加强考核督查", "营造良好氛围"]


def test_every_tasks_units_equal_the_document():
    document = plan_document.task_units()
    assert len(document) == 19
    for task in KeyTask.objects.filter(kind="task").prefetch_related("tasklead_set__unit", "taskresponsible_set__unit"):
        leads = [row.unit.name for row in task.tasklead_set.all()]
        responsible = [row.unit.name for row in task.taskresponsible_set.all()]
        assert (leads, responsible) == document[task.number], task.number


def test_task_text_is_the_documents_paragraph():
    doc = plan_document.text()
    for task in KeyTask.objects.all():
        assert task.title in doc and task.text in doc
        assert "牵头单位" not in task.text


def test_units_are_stored_once_and_gezhenjie_stands_for_all_subdistricts():
    names = list(Unit.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert Unit.objects.get(name="各镇街").all_subdistricts
    assert Unit.objects.filter(all_subdistricts=True).count() == 1
    assert set(Unit.objects.get(name="各镇街").supported_tasks.values_list("number", flat=True)) >= {2, 4, 5}


@pytest.mark.parametrize(
    ("task", "name", "value", "unit", "comparator"),
    [
        (6, "市级以上孵化平台", "18", "个", "gte"),
        (6, "孵化面积", "30", "万平方米", "gte"),
        (6, "入孵企业（团队）", "2000", "家（个）", "gte"),
        (7, "聚集企业", "200", "家", "gte"),
        (7, "产值", "300", "亿元", "gte"),
        (10, "产值", "750", "亿元", "gte"),
        (17, "高新技术企业高价值发明专利覆盖率", "100", "%", "gte"),
        (13, "纳入市级拟上市企业储备库企业", "12", "家", "gte"),
        (16, "技术合同成交额", "20", "亿元", "gt"),
    ],
)
def test_quantitative_targets(task, name, value, unit, comparator):
    target = TaskTarget.objects.get(task__kind="task", task__number=task, name=name)
    assert (target.value, target.unit, target.comparator, target.year) == (Decimal(value), unit, comparator, 2027)


def test_headline_goals_are_strictly_greater():
    goals = {i.code: i for i in Indicator.objects.filter(kind="headline")}
    assert {(g.metric, g.year, int(g.value), g.comparator) for g in goals.values()} == {
        ("high_tech", 2025, 470, "gt"),
        ("tech_based", 2025, 4500, "gt"),
        ("high_tech", 2027, 570, "gt"),
        ("tech_based", 2027, 5600, "gt"),
    }
    assert goals["high_tech_2027"].is_met_by(570) is False
    assert goals["high_tech_2027"].is_met_by(571) is True
    assert goals["high_tech_2027"].target_text == "超过570家"


def test_other_2027_indicators():
    by_code = {i.code: i for i in Indicator.objects.exclude(kind="headline")}
    assert by_code["above_scale_high_tech"].value == 180
    assert by_code["little_giants"].comparator == "gt" and by_code["little_giants"].value == 20
    assert by_code["invention_patents_per_10k"].value == 45 and by_code["invention_patents_per_10k"].unit == "件"
    assert by_code["rd_spending_share"].value == 4 and by_code["rd_spending_share"].comparator == "gt"
    assert by_code["rd_institution_coverage"].value == 100
    qualitative = [i for i in by_code.values() if i.comparator == "lead"]
    assert len(qualitative) == 2 and all(i.value is None for i in qualitative)
    assert all(i.target_text == "保持全市领先" for i in qualitative)
    assert by_code["rd_institution_coverage"].is_met_by(Decimal("99.5")) is False
    assert qualitative[0].is_met_by(1) is None
