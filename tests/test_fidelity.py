"""Every quoted 原文 is verbatim from the plan document, in the section it is attributed to, and
the R&D share is one record (issue 12, item 6). Reads the loaded plan, not the fixture file."""

import pytest

from targets.models import Indicator
from tasks.models import KeyTask, TaskTarget
from tests import plan_document

pytestmark = pytest.mark.django_db


def test_every_indicator_quote_is_verbatim_in_its_section():
    wrong = [
        (i.code, i.source, i.text)
        for i in Indicator.objects.all()
        if i.text not in plan_document.section_text(i.source)
    ]
    assert wrong == []


def test_every_task_text_and_target_quote_is_verbatim_in_its_task():
    for task in KeyTask.objects.tasks():
        paragraph = plan_document.task_paragraph(task.number)
        assert task.text in paragraph, task.number
        for target in task.targets.all():
            assert target.text, f"任务{task.number}“{target.name}”没有引用原文"
            assert target.text in paragraph, (task.number, target.name, target.text)


def test_the_rd_share_is_one_record_with_the_plans_words():
    rd = Indicator.objects.get(code="rd_spending_share")
    assert (rd.source, rd.text) == ("三（三）12", "到2027年，全社会研发经费投入占GDP的比重超过4%，继续保持全市前列")
    assert not TaskTarget.objects.filter(name__contains="研发经费").exists()
    assert "继续保持全市领先" in plan_document.section_text(Indicator.objects.get(code="rd_spending_rank").source)


def test_task_17s_commitment_is_tracked_from_the_registry():
    target = TaskTarget.objects.get(task__number=17, task__kind="task")
    assert target.text == "推动高新技术企业实现高价值发明专利全覆盖"
    assert (target.value, target.unit, target.registry_code) == (100, "%", "high_value_patent_coverage")
    assert TaskTarget.objects.get(task__number=13, task__kind="task").registry_code == "ipo_reserve"


def test_the_checker_refuses_a_paraphrase():
    assert "超过4%，继续保持全市领先" not in plan_document.section_text("三（三）12")
    assert "超过4%，继续保持全市领先" not in plan_document.section_text("二（三）")
