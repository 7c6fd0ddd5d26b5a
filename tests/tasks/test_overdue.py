"""Overdue with pinned dates: the 督办 page, the colours on the list, and the bulletin summary."""

from decimal import Decimal

import pytest
import time_machine

from tasks.models import KeyTask
from tasks.services import accept_report, bulletin_task_summary
from tasks.status import task_status_rows
from tests.support import at, file_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def september(unit_user, kejiju_user, bureau):
    """Reports as of mid-October 2026 (September due by 10 October).

    7  区经济信息委: September 正常推进, filed 8 Oct               -> green
    8  区经济信息委: August only                                -> yellow (overdue)
    9  区经济信息委: September 滞后                              -> red
    1  区科技局: Q3 quarterly report, filed 9 Oct                -> green (the quarter covers September)
    6  区科技局: September, every target met                    -> blue
    12 区科技局: 已完成 in June, accepted by the bureau          -> blue, owes nothing
    16 区科技局: September report filed on 12 Oct (late)         -> green from the 12th, yellow on the 11th
    every other task: no report                                  -> yellow
    """
    file_report(7, "2026-09", unit_user, when=at(2026, 10, 8))
    file_report(8, "2026-08", unit_user, when=at(2026, 9, 9))
    file_report(9, "2026-09", unit_user, status="lagging", problems="用地未落实", when=at(2026, 10, 9))
    file_report(1, "2026-Q3", kejiju_user, when=at(2026, 10, 9))
    met = {"市级以上孵化平台": Decimal(18), "孵化面积": Decimal(31), "入孵企业（团队）": Decimal(2000)}
    file_report(6, "2026-09", kejiju_user, values=met, when=at(2026, 10, 9))
    done = file_report(12, "2026-06", kejiju_user, status="done", when=at(2026, 7, 3))
    accept_report(done, bureau)
    file_report(16, "2026-09", kejiju_user, when=at(2026, 10, 12, 15))


def colours(day):
    with time_machine.travel(day, tick=False):
        return {row.task.number: row.colour for row in task_status_rows(KeyTask.objects.all())}


def test_colours_by_hand(september):
    got = colours(at(2026, 10, 20))
    assert {n: c for n, c in got.items() if c != "yellow"} == {
        7: "green",
        9: "red",
        1: "green",
        6: "blue",
        12: "blue",
        16: "green",
    }
    assert [n for n, c in got.items() if c == "yellow"] == [2, 3, 4, 5, 8, 10, 11, 13, 14, 15, 17, 18, 19]


def test_before_the_deadline_august_is_judged(september):
    # On 10 October September is still open: overdue means no report covering August.
    got = colours(at(2026, 10, 10, 20))
    assert got[8] == "green"  # its August report counts
    assert got[7] == "yellow"  # nothing for August
    assert got[1] == "green"  # Q3 covers August too


def test_a_late_report_counts_from_when_it_is_filed(september):
    assert colours(at(2026, 10, 11))[16] == "yellow"
    assert colours(at(2026, 10, 12, 23))[16] == "green"


def test_overdue_page_by_unit(login, bureau, september):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        response = login(bureau).get("/tasks/overdue/")
    html = response.content.decode()
    rows = response.context["table"].data.data
    assert "应报期：2026年9月，截止 2026年10月10日" in html
    by_unit = {}
    for row in rows:
        by_unit.setdefault(row["unit"], []).append(row["number"])
    assert by_unit["区经济信息委"] == [2, 4, 5, 8, 10]
    assert by_unit["区财政局"] == [18] and by_unit["区发展改革委"] == [18]
    assert by_unit["区科技局"] == [2, 4, 5, 13, 14, 19]
    assert 7 not in by_unit["区经济信息委"] and 16 not in by_unit["区科技局"]
    eight = next(r for r in rows if r["number"] == 8)
    assert (eight["days"], eight["deadline"], eight["last_report"]) == (10, "2026-10-10", "2026年8月（2026年9月9日）")
    units = list(by_unit)
    assert units[:3] == ["区经济信息委", "区科技局", "区招商投资促进局"]  # by first appearance (tasks 2, 2, 3)
    assert sum(len(v) for v in by_unit.values()) == len(rows)


def test_overdue_page_for_an_official_lists_only_gezhenjie_tasks(login, official, september):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        rows = login(official).get("/tasks/overdue/").context["table"].data.data
    assert {r["number"] for r in rows} == {2, 4, 5}


def test_list_page_shows_colours_and_overdue_marks(login, leader, september):
    with time_machine.travel(at(2026, 10, 20), tick=False):
        response = login(leader).get("/tasks/")
    html = response.content.decode()
    assert 'class="light light-red">滞后' in html
    assert 'class="light light-blue">超前/已完成' in html
    assert "逾期未报</span>（2026年9月）" in html
    assert dict((c, n) for c, _, n in response.context["counts"]) == {
        "red": 1, "yellow": 13, "green": 3, "blue": 2, "grey": 0
    }  # fmt: skip


def test_bulletin_task_summary(september):
    summary = bulletin_task_summary(at(2026, 10, 20).date())
    assert summary["checked_period"] == "2026-09" and summary["deadline"] == "2026-10-10"
    assert summary["counts"] == {"red": 1, "yellow": 13, "green": 3, "blue": 2, "grey": 0}
    assert summary["total"] == 19
    overdue = {item["number"]: item["lead_units"] for item in summary["overdue"]}
    assert overdue[8] == ["区经济信息委", "北碚经开区管委会"]
    assert overdue[11] == ["区农业农村委"]
    assert 9 not in overdue and 7 not in overdue and 12 not in overdue
    assert summary["lagging"] == [
        {"number": 9, "title": "壮大功能新材料产业", "lead_units": ["区经济信息委", "北碚经开区管委会"],
         "overdue": False, "data": [], "declared": True, "period": "2026-09", "problems": "用地未落实"},
    ]  # fmt: skip
    # every colour names its tasks, as /tasks/ colours them (test_colours_by_hand)
    assert summary["numbers"] == {
        "red": [9], "yellow": [2, 3, 4, 5, 8, 10, 11, 13, 14, 15, 17, 18, 19], "green": [1, 7, 16], "blue": [6, 12],
        "grey": [],
    }  # fmt: skip
    assert [t["number"] for t in summary["warned"]] == summary["numbers"]["yellow"]
    assert all(t["overdue"] and t["data"] == [] for t in summary["warned"])


def test_bulletin_as_of_an_earlier_date_ignores_later_reports(september):
    summary = bulletin_task_summary(at(2026, 9, 30).date())
    # As of 30 September, August is judged; only task 8's August report and task 12's June 已完成 exist.
    assert summary["checked_period"] == "2026-08"
    assert summary["counts"]["green"] == 1 and summary["counts"]["blue"] == 1
    assert summary["lagging"] == []
    assert len(summary["overdue"]) == 17
