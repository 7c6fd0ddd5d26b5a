"""The bulletin's task section counts and names the tasks by /tasks/'s colours (issue 28): a task
late by its data is named as surely as one whose lead unit declared itself late."""

from decimal import Decimal

import pytest
import time_machine

from bulletins import exporters
from bulletins.text import task_lines
from tasks.models import KeyTask
from tasks.services import bulletin_task_summary
from tasks.status import task_status_rows
from tests.support import at, file_report

pytestmark = pytest.mark.django_db

GREEN = [1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]


@pytest.fixture
def september(unit_user, kejiju_user, bureau):
    """Reports as of 20 October 2026 (September due by 10 October). A target's path runs from 0 at
    the end of 2022 to its 2027 value: at the end of September 2026 its 序时进度 is 45/60 = 75%.

    6  区科技局: 正常推进, 市级以上孵化平台 9 of 18 = 50%, 25 points below 75%  -> red (data)
    9  区经济信息委: declares 滞后 (用地未落实), no values                       -> red (declared)
    7  区经济信息委: 正常推进, 聚集企业 140 of 200 = 70%, 5 points below 75%    -> yellow (data)
    8  区经济信息委: no report                                                 -> yellow (overdue)
    every other task: 正常推进 (13 and 17 read the enterprise registry, empty here) -> green
    """
    file_report(6, "2026-09", kejiju_user, values={"市级以上孵化平台": Decimal(9)}, when=at(2026, 10, 9))
    file_report(9, "2026-09", unit_user, status="lagging", problems="用地未落实。", when=at(2026, 10, 9))
    file_report(7, "2026-09", unit_user, values={"聚集企业": Decimal(140)}, when=at(2026, 10, 9))
    for number in GREEN:
        file_report(number, "2026-09", bureau, when=at(2026, 10, 9))


def test_every_task_the_section_counts_is_named_in_its_tasks_colour(september):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        colours = {row.task.number: row.colour for row in task_status_rows(KeyTask.objects.all())}
    summary = bulletin_task_summary(at(2026, 10, 20).date())
    assert summary["numbers"] == {"red": [6, 9], "yellow": [7, 8], "green": GREEN, "blue": [], "grey": []}
    for colour, numbers in summary["numbers"].items():  # the same judgement as /tasks/
        assert numbers == [n for n, c in colours.items() if c == colour]
    assert summary["counts"] == {"red": 2, "yellow": 2, "green": 15, "blue": 0, "grey": 0}
    late = {t["number"]: (t["declared"], t["data"], t["overdue"]) for t in summary["lagging"]}
    assert late[6] == (False, ["市级以上孵化平台9/18个（完成50%，序时进度75%：滞后）"], False)
    assert late[9] == (True, [], False)
    warned = {t["number"]: (t["data"], t["overdue"]) for t in summary["warned"]}
    assert warned == {7: (["聚集企业140/200家（完成70%，序时进度75%：略低于序时进度）"], False), 8: ([], True)}


def test_the_lines_name_the_late_tasks_by_data_and_by_declaration(september):
    summary = bulletin_task_summary(at(2026, 10, 20).date())
    lines = task_lines(summary, at(2026, 10, 20).date())
    assert lines[0] == (
        "截至2026年10月20日，按2026年9月进展报告督办，19项重点任务中滞后2项（任务6、任务9），预警2项（任务7、任务8），"
        "正常推进15项（任务1、任务2、任务3、任务4、任务5、任务10、任务11、任务12、任务13、任务14、任务15、任务16、"
        "任务17、任务18、任务19）。"
    )
    assert lines[1:] == [
        "滞后任务6“提升环西南大学创新生态圈孵化能级”（区科技局、区发展改革委），量化目标低于序时进度："
        "市级以上孵化平台9/18个（完成50%，序时进度75%：滞后）。",
        "滞后任务9“壮大功能新材料产业”（区经济信息委、北碚经开区管委会），牵头单位报告滞后：用地未落实。",
        "预警任务7“培育发展智能传感器产业”（区经济信息委、北碚经开区管委会），量化目标略低于序时进度："
        "聚集企业140/200家（完成70%，序时进度75%：略低于序时进度）。",
        "预警任务8“发展工业互联网软件和信息服务业”（区经济信息委、北碚经开区管委会），"
        "逾期未报送2026年9月进展报告，请牵头单位尽快报送。",
    ]


def test_the_excel_sheet_lists_the_same_tasks_with_why(september):
    summary = bulletin_task_summary(at(2026, 10, 20).date())
    summary["lines"] = task_lines(summary, at(2026, 10, 20).date())
    rows = exporters.task_rows({"tasks": summary})
    assert rows[0] == ["总体情况", summary["lines"][0], "", ""]
    assert [(r[0], r[1].split("　")[0]) for r in rows[1:]] == [
        ("滞后", "任务6"),
        ("滞后", "任务9"),
        ("预警", "任务7"),
        ("预警", "任务8"),
    ]
    assert rows[1][3] == "量化目标低于序时进度：市级以上孵化平台9/18个（完成50%，序时进度75%：滞后）"
    assert rows[2][3] == "牵头单位报告滞后：用地未落实"
    assert rows[4][3] == "逾期未报送2026年9月进展报告"
