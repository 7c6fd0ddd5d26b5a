"""Stored figures of an older schema are read in the current one."""

import pytest
from django.conf import settings
from django.utils import timezone

from bulletins.models import Bulletin, BulletinVersion
from bulletins.schema import SCHEMA, upgrade
from targets import metrics

OLD = {
    # schema 1 as early publications stored it: no `schema`, the 预警 under "forecast", no
    # tasks, curves, yellow_pp, ahead_cutoff, nor the later keys of a goal
    "month": "2026-05",
    "metrics": {"high_tech": {"label": "高新技术企业", "classes": {}, "total": {}}},
    "goals": [{"text": "高新技术企业达到300家", "value": 280, "met": False, "final": False, "gap": 20}],
    "forecast": {"lines": ["按当前进度，预计年底1个街镇未完成高新技术企业年度目标。"]},
    "summary": [],
}


def test_an_old_figures_dict_is_brought_to_the_current_schema():
    new = upgrade(OLD)
    assert new["schema"] == SCHEMA == 4
    assert new["small_increment"] is None  # judged by the plain rate: its notes say so
    assert "forecast" not in new and new["warning"]["lines"] == OLD["forecast"]["lines"]
    assert new["tasks"] == {"lines": [], "overdue": [], "lagging": [], "numbers": {}, "warned": []}
    assert new["curves"] == {} and new["yellow_pp"] == settings.STATUS_YELLOW_THRESHOLD_PP
    assert new["metrics"]["high_tech"]["ahead_cutoff"] == metrics.LEADING_CUTOFF
    goal = new["goals"][0]
    assert (goal["verdict"], goal["currently_met"], goal["gap_label"], goal["plan_total"]) == (
        None,
        False,
        "距总体目标",
        None,
    )
    assert goal["gap"] == 20 and "forecast" in OLD  # values kept, the stored dict untouched


def test_figures_of_schema_3_keep_the_plain_rate_and_its_note():
    from bulletins.exporters import bulletin_table_rows, ranking_note
    from bulletins.text import ranking_rule

    row = {"slug": "tiansheng", "name": "天生街道", "actual": 17, "target": 16, "base": 15, "new_year": 2}
    row |= {"increment_completion_pct": 200.0, "rank": 1, "status": "done", "status_label": "已完成年度目标"}
    total = {"actual": 17, "target": 16, "base": 15, "reported": 1, "expected": 1, "status_label": ""}
    three = {
        "schema": 3,
        "month": "2025-10",
        "time_progress_pct": 83.3,
        "yellow_pp": 10,
        "metrics": {
            "high_tech": {"label": "高新技术企业", "classes": {"A": {"rows": [row], "total": total}}, "total": total}
        },
    }
    new = upgrade(three)
    assert new["schema"] == 4 and new["small_increment"] is None
    table = [r for r in bulletin_table_rows(new, "high_tech") if r["kind"] == "row"]
    # as published: 200%, no mark; the firms are read from its stored target and base
    assert (table[0]["rate_text"], table[0]["firms"]) == ("200.0%", "+2/1")
    assert "达到目标记100%" in ranking_note(new) and "折算" not in ranking_note(new)
    assert "折算" not in ranking_rule(new)


def test_a_current_figures_dict_is_left_as_it_is():
    current = upgrade(OLD)
    assert upgrade(current) == current
    assert upgrade({**OLD, "warning": None, "forecast": None})["warning"] == {"lines": []}


@pytest.mark.django_db
def test_a_stored_old_version_is_upgraded_as_it_is_read():
    bulletin = Bulletin.objects.create(month="2026-05-01")
    BulletinVersion.objects.create(bulletin=bulletin, number=1, published_at=timezone.now(), figures=OLD)
    figures = BulletinVersion.objects.get().figures
    assert figures["schema"] == SCHEMA and figures["warning"]["lines"] == OLD["forecast"]["lines"]


def test_a_schema_3_task_section_keeps_its_declared_and_overdue_tasks():
    """Before schema 4 the section listed the tasks declared 滞后 and, apart, the overdue ones: they
    become 滞后 (declared, no quantitative reason) and 预警 (overdue), the published lines untouched."""
    lines = ["截至2026年11月20日，19项重点任务中正常推进17项，滞后2项（按2026年10月进展报告督办）。"]
    tasks = {
        "lines": lines,
        "overdue": [{"number": 3, "title": "甲", "lead_units": ["区招商投资促进局"]}],
        "lagging": [
            {"number": 9, "title": "乙", "lead_units": ["区经济信息委"], "period": "2026-10", "problems": "慢"}
        ],
    }
    new = upgrade({**OLD, "schema": 3, "tasks": tasks})
    assert new["tasks"]["lines"] == lines
    assert new["tasks"]["lagging"] == [{**tasks["lagging"][0], "declared": True, "data": [], "overdue": False}]
    assert new["tasks"]["warned"] == [{**tasks["overdue"][0], "data": [], "overdue": True}]
    assert new["tasks"]["numbers"] == {} and new["schema"] == 4
