"""待办 for every role: exactly what each must do, the menu count, and send_reminders."""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from beibei_dashboard.todo import items_for
from bulletins import services as bulletins
from bulletins.services import publish
from demo.services import seed_demo_counts
from enterprises.choices import FlagKind
from enterprises.verification import raise_flag
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from tasks.models import KeyTask
from tasks.services import accept_report, return_report, save_contribution
from tests.support import at, file_report, firm, pinned

pytestmark = pytest.mark.django_db


@pytest.fixture
def early_november():
    """2026-11-05: October's reports are open (due 11-10), September's are overdue."""
    with time_machine.travel(dt.datetime(2026, 11, 5, 10, 0), tick=False):
        yield


def texts(user):
    return [item.text for item in items_for(user)]


def test_each_role_sees_exactly_its_own_work(early_november, bureau, leader, official, zhaoshang, unit_user):
    sent_back = file_report(3, "2026-09", zhaoshang, when=at(2026, 10, 9))
    return_report(sent_back, bureau, "请补充数据")
    file_report(7, "2026-09", unit_user, when=at(2026, 10, 8))
    flag = raise_flag(user=official, subdistrict=official.subdistrict, kind=FlagKind.NOT_HERE, note="不在",
                      enterprise=firm(1, sub="tiansheng", tech_year=2024))  # fmt: skip
    save_contribution(task=KeyTask.objects.get(kind="task", number=2), key=("subdistrict", official.subdistrict_id),
                      user=official, period="2026-10", done="配合")  # fmt: skip

    assert texts(zhaoshang) == [
        "任务3「鼓励投资并购引进科技型企业」2026年9月进展报告已逾期（截止2026年10月10日）",
        "任务3「鼓励投资并购引进科技型企业」2026年10月进展报告，2026年11月10日前提交",
        "任务3「鼓励投资并购引进科技型企业」2026年9月进展报告被退回修改：请补充数据",
    ]
    assert texts(official) == [
        "任务4「运用高新技术转型升级传统企业」2026年10月配合情况，2026年11月10日前填报",
        "任务5「培育一批科创领军型企业」2026年10月配合情况，2026年11月10日前填报",
        "组织实施（1）「加强组织领导」2026年10月配合情况，2026年11月10日前填报",
    ]
    groups = [item.group for item in items_for(unit_user)]
    # 区经济信息委 leads tasks 2, 4, 5, 7, 8, 9, 10: six overdue for September (task 7 reported), seven
    # due for October; it is asked to contribute on 7 tasks and the 4 measures
    assert groups.count("进展报告") == 6 + 7 and groups.count("配合情况") == 11
    assert texts(bureau) == [
        "任务7「培育发展智能传感器产业」2026年9月进展报告待审核",
        f"天生街道提出“{flag.display_name}”不在本辖区，待处理",
        "2026年10月数据尚未录入（17个街镇均未录入）",
        "设立2026年考核方案",
        "2025年度考核结果待发布",
    ]
    assert texts(leader) == []


def test_a_month_not_complete_names_who_has_not_reported(bureau):
    """The item counts the units and names those missing (issue 28): a sub-district with one
    metric logged has not reported."""
    with pinned():
        for sub in SubDistrict.objects.exclude(slug__in=["tiansheng", "shuitu"]):
            for metric in ("high_tech", "tech_based"):
                MonthlyCount.objects.create(subdistrict=sub, month=dt.date(2026, 10, 1), metric=metric, value=5)
        MonthlyCount.objects.create(
            subdistrict=SubDistrict.objects.get(slug="shuitu"), month=dt.date(2026, 10, 1), metric="high_tech", value=5
        )
        assert "2026年10月数据尚未录入齐全（已录入15/17个街镇，未录入：天生街道、水土街道）" in texts(bureau)


def test_a_corrected_published_month_asks_for_a_revision(bureau):
    with pinned():
        seed_demo_counts(until=Month(2026, 10))
        assert "2026年10月数据已齐，月通报待发布" in texts(bureau)
        publish(Month(2026, 10), bureau)
        assert not any("月通报" in t for t in texts(bureau))
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0), tick=False):
        count = MonthlyCount.objects.get(subdistrict=SubDistrict.objects.get(slug="tiansheng"), month="2026-10-01",
                                         metric="high_tech")  # fmt: skip
        count.value += 1
        count.save()
        assert "2026年10月月通报发布后数据有更正，待修订发布" in texts(bureau)
    with time_machine.travel(dt.datetime(2026, 11, 17, 10, 0), tick=False):
        # put back as published: the bulletin page shows no pending revision, nor does 待办
        count.value -= 1
        count.save()
        assert bulletins.pending_revisions([Month(2026, 10)]) == {}
        assert not any("月通报" in t for t in texts(bureau))


def test_page_and_menu_count(early_november, login, official, leader):
    page = login(official).get("/todo/").content.decode()
    assert "配合情况（4）" in page and 'data-todo-count-url="/todo/count"' in page
    assert login(official).get("/todo/count").json() == {"count": 4}
    assert "目前没有等待您处理的事项" in login(leader).get("/todo/").content.decode()
    assert login(leader).get("/todo/count").json() == {"count": 0}


def test_send_reminders_by_mail_when_configured(early_november, official, leader, settings):
    official.email = "ts@example.gov"
    official.save()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "已发送提醒 1 封：tiansheng_user" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["ts@example.gov"]]
    assert "4项待办" in mail.outbox[0].subject and "/tasks/task/4/contributions/new/" in mail.outbox[0].body


def test_send_reminders_does_nothing_without_mail_settings(early_november, official, settings):
    official.email = "ts@example.gov"
    official.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "未配置邮件" in out.getvalue() and mail.outbox == []


def test_a_done_report_ends_the_reminders_only_once_accepted(early_november, bureau, unit_user):
    """Supervision counts 已完成 only once the bureau accepts it; 待办 asks for the next report until then."""
    done = file_report(7, "2026-09", unit_user, status="done", when=at(2026, 10, 8))
    october = "任务7「培育发展智能传感器产业」2026年10月进展报告，2026年11月10日前提交"
    assert october in texts(unit_user)
    accept_report(done, bureau)
    assert october not in texts(unit_user)
