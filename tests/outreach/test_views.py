"""走访与诉求 pages for every role: who reads, logs, answers (403 otherwise); the visit form that
refuses bad rows with nothing written; the problem list's filters and its query count."""

import datetime as dt
import io

import openpyxl
import pytest

from outreach.models import Problem, Visit
from tests.outreach.conftest import raise_at_visit, sub, unit
from tests.support import firm

pytestmark = pytest.mark.django_db


def _visit_post(rows, date="2026-11-10"):
    data = {
        "date": date,
        "visitors": "张明、李华",
        "findings": "企业拟申报高新技术企业。",
        "problems-TOTAL_FORMS": "3",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "20",
    }
    for n, row in enumerate(rows):
        data |= {f"problems-{n}-{key}": value for key, value in row.items()}
    return data


def _row(category="funding", description="流动资金缺口约300万元", answering=None, due_date=""):
    answering = answering or f"unit:{unit('区经济信息委').pk}"
    return {"category": category, "description": description, "answering": answering, "due_date": due_date}


def test_an_official_logs_a_visit_with_problems_in_one_form(pinned_today, login, official, tiansheng_firm):
    client = login(official)
    page = client.get(f"/outreach/firms/{tiansheng_firm.pk}/visits/new/")
    assert "登记走访：测试企业1有限公司" in page.content.decode()
    rows = [_row(), _row("land", "扩产用地", f"sub:{sub('tiansheng').pk}", "2026-12-01")]
    response = client.post(f"/outreach/firms/{tiansheng_firm.pk}/visits/new/", _visit_post(rows))
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.date, visit.visitors, visit.subdistrict.slug, visit.recorded_by) == (
        dt.date(2026, 11, 10), "张明、李华", "tiansheng", official,
    )  # fmt: skip
    problems = list(visit.problems.order_by("pk").values_list("category", "answer_unit__name",
                                                               "answer_subdistrict__slug", "due_date", "state"))  # fmt: skip
    assert problems == [
        ("funding", "区经济信息委", None, dt.date(2026, 11, 25), "pending"),  # 15 days after the visit
        ("land", None, "tiansheng", dt.date(2026, 12, 1), "pending"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "流动资金缺口约300万元" in page and "扩产用地" in page and "2026年11月25日" in page


@pytest.mark.parametrize(
    "rows, date, message",
    [
        ([{"category": "funding", "description": "缺资金", "answering": "", "due_date": ""}],
         "2026-11-10", "这个字段是必填项"),
        ([{"category": "talent", "description": "缺人", "answering": "unit:6", "due_date": "2026-11-01"}],
         "2026-11-10", "办理期限不能早于走访日期。"),
        ([{"category": "nonsense", "description": "缺人", "answering": "unit:6", "due_date": ""}],
         "2026-11-10", "选择一个有效的选项"),
        ([{"category": "talent", "description": "缺人", "answering": "unit:6", "due_date": ""}],
         "2026-11-16", "走访日期不能晚于今天。"),
    ],
)  # fmt: skip
def test_the_form_refuses_bad_rows_with_nothing_written(pinned_today, login, official, tiansheng_firm, rows, date,
                                                        message):  # fmt: skip
    good = {"category": "ip", "description": "专利", "answering": f"unit:{unit('区市场监管局').pk}", "due_date": ""}
    response = login(official).post(
        f"/outreach/firms/{tiansheng_firm.pk}/visits/new/", _visit_post([good, *rows], date)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "有错误，走访和诉求均未保存" in response.content.decode()
    assert (Visit.objects.count(), Problem.objects.count()) == (0, 0)


def test_who_may_log_a_visit(pinned_today, login, bureau, leader, official, other_official, unit_user, tiansheng_firm):
    url = f"/outreach/firms/{tiansheng_firm.pk}/visits/new/"
    assert login(bureau).get(url).status_code == 200
    assert login(official).get(url).status_code == 200
    for user in (leader, other_official, unit_user):
        assert login(user).get(url).status_code == 403
        assert login(user).post(url, _visit_post([_row()])).status_code == 403
    assert login(other_official).get(f"/outreach/firms/{tiansheng_firm.pk}/problems/new/").status_code == 403
    assert Visit.objects.count() == 0


def test_who_reads_a_firms_visits(pinned_today, login, bureau, leader, official, other_official, unit_user,
                                  tiansheng_firm):  # fmt: skip
    raise_at_visit(official, tiansheng_firm, ("funding", unit("区经济信息委"), None))
    url = f"/outreach/firms/{tiansheng_firm.pk}/"
    for user in (bureau, leader, official):
        assert "张明、李华" in login(user).get(url).content.decode()
    assert "登记走访" not in login(leader).get(url).content.decode()  # leadership reads
    assert login(other_official).get(url).status_code == 403
    assert login(unit_user).get(url).status_code == 403  # units do not read the registry
    assert (
        f"/outreach/firms/{tiansheng_firm.pk}/"
        in login(official).get(f"/enterprises/{tiansheng_firm.pk}/").content.decode()
    )


def test_a_unit_sees_and_answers_only_its_own_problems(pinned_today, login, bureau, leader, official, unit_user,
                                                       kejiju_user, tiansheng_firm):  # fmt: skip
    visit = raise_at_visit(official, tiansheng_firm, ("funding", unit("区经济信息委"), None),
                           ("policy", unit("区科技局"), None))  # fmt: skip
    ours, theirs = visit.problems.order_by("pk")
    jxw = login(unit_user)
    assert jxw.get(f"/outreach/problems/{ours.pk}/").status_code == 200
    assert jxw.get(f"/outreach/problems/{theirs.pk}/").status_code == 403
    assert jxw.post(f"/outreach/problems/{theirs.pk}/close/", {"answer": "越权"}).status_code == 403
    assert login(leader).post(f"/outreach/problems/{ours.pk}/close/", {"answer": "阅"}).status_code == 403
    assert login(official).post(f"/outreach/problems/{ours.pk}/close/", {"answer": "代答"}).status_code == 403
    listed = jxw.get("/outreach/problems/to-answer/").context["table"].data
    assert [p.pk for p in listed] == [ours.pk]
    assert jxw.post(f"/outreach/problems/{ours.pk}/start/").status_code == 302
    assert jxw.post(f"/outreach/problems/{ours.pk}/close/", {"answer": "已协调授信300万元。"}).status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.state, ours.answer, ours.answered_by) == ("closed", "已协调授信300万元。", unit_user)
    assert theirs.state == "pending"
    assert jxw.get("/outreach/problems/to-answer/").context["table"].data.data.count() == 0
    assert login(leader).get("/outreach/problems/to-answer/").status_code == 403


def test_closing_without_an_answer_is_refused(pinned_today, login, unit_user, official, tiansheng_firm):
    problem = raise_at_visit(official, tiansheng_firm, ("funding", unit("区经济信息委"), None)).problems.get()
    response = login(unit_user).post(f"/outreach/problems/{problem.pk}/close/", {"answer": "  "}, follow=True)
    assert "办结须填写企业收到的答复。" in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == "pending"


def test_an_official_reads_the_problems_of_their_firms_and_those_they_answer(
    pinned_today, login, bureau, official, other_official, tiansheng_firm, shuitu_firm
):
    mine = raise_at_visit(bureau, tiansheng_firm, ("funding", unit("区科技局"), None)).problems.get()
    asked_of_me = raise_at_visit(bureau, shuitu_firm, ("land", sub("tiansheng"), None)).problems.get()
    elsewhere = raise_at_visit(bureau, shuitu_firm, ("talent", unit("区科技局"), None)).problems.get()
    listed = {p.pk for p in login(official).get("/outreach/problems/").context["table"].data}
    assert listed == {mine.pk, asked_of_me.pk}
    assert login(official).get(f"/outreach/problems/{elsewhere.pk}/").status_code == 403
    answerable = [p.pk for p in login(official).get("/outreach/problems/to-answer/").context["table"].data]
    assert answerable == [asked_of_me.pk]
    assert {p.pk for p in login(other_official).get("/outreach/problems/").context["table"].data} == {
        asked_of_me.pk, elsewhere.pk,
    }  # fmt: skip


def test_the_list_filters_by_state_category_unit_and_overdue(pinned_today, login, bureau, tiansheng_firm):
    jxw, kjj = unit("区经济信息委"), unit("区科技局")
    visit = raise_at_visit(bureau, tiansheng_firm, ("funding", jxw, dt.date(2026, 11, 1)),
                           ("talent", kjj, dt.date(2026, 11, 30)), ("funding", kjj, dt.date(2026, 11, 2)))  # fmt: skip
    late_jxw, later_kjj, late_kjj = visit.problems.order_by("pk")
    late_kjj.state, late_kjj.answer = "closed", "已答复"
    late_kjj.save()
    client = login(bureau)

    def listed(query):
        return [p.pk for p in client.get("/outreach/problems/?" + query).context["table"].data]

    assert listed("") == [late_jxw.pk, late_kjj.pk, later_kjj.pk]  # by due date
    assert listed("overdue=on") == [late_jxw.pk]  # a closed problem is never overdue
    assert listed("state=open") == [late_jxw.pk, later_kjj.pk]
    assert listed("state=closed") == [late_kjj.pk]
    assert listed("category=funding") == [late_jxw.pk, late_kjj.pk]
    assert listed(f"answering=unit:{kjj.pk}") == [late_kjj.pk, later_kjj.pk]
    page = client.get("/outreach/problems/?overdue=on").content.decode()
    assert "逾期14天" in page and "区经济信息委" in page
    export = client.get("/outreach/problems/?overdue=on&export=xlsx")
    assert (
        "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E8%AF%89%E6%B1%82%E6%B8%85%E5%8D%95.xlsx" in export["Content-Disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet["F2"].number_format == 'yyyy"年"m"月"d"日"'
    assert rows[0] == ["企业", "所属街镇", "类别", "诉求内容", "承办单位", "提出日期", "办理期限", "状态", "逾期"]
    assert rows[1:] == [
        [
            "测试企业1有限公司",
            "天生街道",
            "资金",
            "诉求1",
            "区经济信息委",
            dt.datetime(2026, 10, 20),  # dates stay dates to Excel, shown 2026年10月20日
            dt.datetime(2026, 11, 1),
            "待办理",
            "逾期14天",
        ]
    ]


def test_a_problem_raised_outside_a_visit(pinned_today, login, official, tiansheng_firm):
    url = f"/outreach/firms/{tiansheng_firm.pk}/problems/new/"
    data = {"category": "policy", "description": "来电反映奖补未兑现", "answering": f"unit:{unit('区科技局').pk}"}
    assert login(official).post(url, data).status_code == 302
    problem = Problem.objects.get()
    assert (problem.visit, problem.raised_on, problem.due_date, problem.subdistrict.slug) == (
        None, dt.date(2026, 11, 15), dt.date(2026, 11, 30), "tiansheng",
    )  # fmt: skip
    assert "来电反映奖补未兑现" in login(official).get(f"/outreach/firms/{tiansheng_firm.pk}/").content.decode()


def test_the_overdue_page_lists_overdue_problems(pinned_today, login, bureau, unit_user, kejiju_user, tiansheng_firm):
    raise_at_visit(bureau, tiansheng_firm, ("funding", unit("区经济信息委"), dt.date(2026, 11, 1)),
                   ("talent", unit("区科技局"), dt.date(2026, 11, 20)))  # fmt: skip
    page = login(bureau).get("/tasks/overdue/").content.decode()
    assert "企业诉求逾期未答复" in page
    assert "测试企业1有限公司" in page and "逾期" in page and "14天" in page
    assert "当前没有逾期未答复的企业诉求。" in login(kejiju_user).get("/tasks/overdue/").content.decode()
    assert "14天" in login(unit_user).get("/tasks/overdue/").content.decode()


def _grow(start, n, user):
    for i in range(start, start + n):
        enterprise = firm(100 + i, ["tiansheng", "shuitu", "jingguan"][i % 3])
        raise_at_visit(user, enterprise, ("funding", unit("区科技局"), None), ("land", sub("tiansheng"), None))


@pytest.mark.parametrize("url", ["/outreach/problems/", "/outreach/problems/?overdue=on&state=open",
                                 "/outreach/problems/to-answer/", "/outreach/problems/?export=xlsx"])  # fmt: skip
def test_the_problem_list_costs_the_same_queries_for_3_or_40_firms(
    pinned_today, login, bureau, django_assert_max_num_queries, url
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(bureau)
    client.get(url)  # the month's map is read once per plan version
    _grow(0, 3, bureau)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _grow(3, 37, bureau)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
    assert len(few) <= 10


def test_the_firm_page_costs_the_same_queries_for_1_or_10_visits(
    pinned_today, login, official, tiansheng_firm, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(official)
    url = f"/outreach/firms/{tiansheng_firm.pk}/"
    raise_at_visit(official, tiansheng_firm, ("funding", unit("区科技局"), None))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(9):
        raise_at_visit(official, tiansheng_firm, ("funding", unit("区科技局"), None), ("land", sub("tiansheng"), None))
    with django_assert_max_num_queries(len(few)):
        client.get(url)
