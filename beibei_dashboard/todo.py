"""待办: what waits for a user, each item with the page where it is done.

Composes every app (so it lives in the top layer): reports due or sent back and contributions
due (tasks), flags to resolve (enterprises), firms' problems to answer and, for the bureau,
overdue ones (outreach), a month not yet complete, a bulletin to publish or
revise (targets), a scheme to set up or a result to publish (assessment). Who gets which item is
decided by `accounts.scope`. The same list feeds the page, the menu count and `send_reminders`.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from accounts import scope
from assessment.models import AssessmentResult, AssessmentScheme
from bulletins import services as bulletins
from bulletins import template_store
from enterprises.models import AttributionFlag
from outreach.models import Problem
from outreach.supervision import overdue_problems
from targets.choices import PLAN_YEARS
from targets.models import MonthlyCount
from targets.months import Month
from targets.progress import district_subdistricts
from tasks import supervision
from tasks.choices import ReviewState
from tasks.models import KeyTask, TaskContribution, TaskReport
from tasks.periods import Period
from tasks.status import task_status_rows

from .templatetags.dates import as_chinese


@dataclass(frozen=True)
class TodoItem:
    group: str
    text: str
    url: str


def items_for(user, today=None):
    """[TodoItem] for `user` as of `today`, in a fixed number of queries."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    items = []
    items += _reports_due(user, today)
    items += _returned_reports(user)
    items += _contributions_due(user, today)
    if scope.can_review_reports(user):
        items += _reports_to_review()
    if scope.can_resolve_flags(user):
        items += _flags_to_resolve()
    if scope.keeps_the_books(user):
        items += _month_and_bulletin(today)
    if scope.can_manage_assessment(user):
        items += _assessment(today)
    items += _problems_to_answer(user, today)
    if scope.supervises_problems(user):
        items += _problems_overdue(user, today)
    return items


def _reports_due(user, today):
    """Overdue reports (the checked month) and the report of the open month not yet filed."""
    owed = scope.owes_reports(user, KeyTask.objects.all())
    open_month, open_deadline = supervision.open_period(today)
    rows = task_status_rows(owed, today, judge_targets=False)
    covered = {}
    for task_id, period in TaskReport.objects.counted().filter(task__in=owed).values_list("task_id", "period"):
        covered.setdefault(task_id, set()).update(Period.parse(period).months)
    out = []
    for row in rows:
        task, new = row.task, reverse("tasks:taskreport_create", args=[row.task.number])
        name = _task_name(task)
        if row.assessment.overdue:
            text = f"{name}{row.checked_month.label}进展报告已逾期（截止{as_chinese(row.deadline)}）"
            out.append(TodoItem("进展报告", text, new))
        # 已完成 ends the reports only once accepted, as supervision judges overdue
        finished = row.latest is not None and row.latest.accepted_done
        if row.checked_month != open_month and not finished and open_month not in covered.get(task.pk, ()):
            out.append(
                TodoItem("进展报告", f"{name}{open_month.label}进展报告，{as_chinese(open_deadline)}前提交", new)
            )
    return out


def _task_name(task):
    return f"任务{task.number}「{task.title}」"


def _report_text(report, what):
    """任务N「title」<period>进展报告<what>."""
    return f"{_task_name(report.task)}{report.period_label}进展报告{what}"


def _returned_reports(user):
    owed = scope.owes_reports(user, KeyTask.objects.all())
    returned = TaskReport.objects.filter(task__in=owed, review_state=ReviewState.RETURNED).select_related("task")
    return [
        TodoItem(
            "进展报告",
            _report_text(r, f"被退回修改：{r.review_comment}"),
            reverse("tasks:taskreport_edit", args=[r.pk]),
        )
        for r in returned
    ]


def _contributions_due(user, today):
    open_month, deadline = supervision.open_period(today)
    period = Period.of_month(open_month)
    out = []
    tasks = [t for t in KeyTask.objects.visible_to(user).with_units() if scope.contributor_key(user, t)]
    tasks.sort(key=lambda t: (t.kind != "task", t.number))  # the key tasks, then the measures
    if not tasks:
        return out
    done = {
        c.contributor_key + (c.task_id,)
        for c in TaskContribution.objects.filter(task__in=tasks, period_end__gte=period.start)
        if open_month in Period.parse(c.period).months
    }
    for task in tasks:
        key = scope.contributor_key(user, task)
        if key + (task.pk,) in done:
            continue
        label = f"任务{task.number}" if task.kind == "task" else f"组织实施（{task.number}）"
        url = reverse("tasks:contribution_create", args=[task.kind, task.number]) + f"?period={period}"
        out.append(
            TodoItem(
                "配合情况", f"{label}「{task.title}」{open_month.label}配合情况，{as_chinese(deadline)}前填报", url
            )
        )
    return out


def _reports_to_review():
    submitted = (
        TaskReport.objects.filter(review_state=ReviewState.SUBMITTED)
        .select_related("task")
        .order_by("period_end", "task__number")
    )
    return [
        TodoItem(
            "审核", _report_text(r, "待审核"), reverse("tasks:keytask_detail", args=[r.task.number]) + f"#report-{r.pk}"
        )
        for r in submitted
    ]


def _flags_to_resolve():
    flags = AttributionFlag.objects.open().select_related("subdistrict", "enterprise").order_by("raised_at")
    return [
        TodoItem(
            "属地核实",
            f"{f.subdistrict}提出“{f.display_name}”{f.get_kind_display()}，待处理",
            reverse("enterprises:flag_detail", args=[f.pk]),
        )
        for f in flags
    ]


def _month_and_bulletin(today):
    """Last month's counts not complete, or complete and its bulletin unpublished; published
    bulletins whose counts changed since (a revision is pending)."""
    out = []
    month = Month.of(today).previous()
    status = MonthlyCount.objects.month_statuses([month], district_subdistricts)[0]
    if not status.complete:
        if status.reported:
            done, missing = f"{status.reported}/{status.expected}", "、".join(status.missing)
            text = f"{month.label}数据尚未录入齐全（已录入{done}个街镇，未录入：{missing}）"
        else:
            text = f"{month.label}数据尚未录入（{status.expected}个街镇均未录入）"
        out.append(TodoItem("月度数据", text, reverse("targets:monthlycount_entry", args=[month])))
    elif not status.locked:
        text = f"{month.label}数据已齐，月通报待发布"
        out.append(TodoItem("月通报", text, reverse("bulletins:bulletin_detail", args=[month])))
    for template in template_store.unnoted_disabled_templates():
        text = f"月通报Word模板（{template.label}）含有不允许的标记，已停用，通报改用系统模板，请核对"
        out.append(TodoItem("月通报", text, reverse("bulletins:bulletin_settings")))
    # the same count of corrections the bulletin pages show (values that differ from the published ones)
    for changed in sorted(bulletins.pending_revisions()):
        text = f"{changed.label}月通报发布后数据有更正，待修订发布"
        out.append(TodoItem("月通报", text, reverse("bulletins:bulletin_detail", args=[changed])))
    return out


def _assessment(today):
    """This year's scheme not set up; last year's result not published."""
    out = []
    schemes = set(AssessmentScheme.objects.values_list("year", flat=True))
    published = set(AssessmentResult.objects.values_list("year", flat=True))
    if today.year in PLAN_YEARS and today.year not in schemes:
        url = reverse("assessment:scheme_edit", args=[today.year])
        out.append(TodoItem("考核", f"设立{today.year}年考核方案", url))
    last_year = today.year - 1
    if last_year in PLAN_YEARS and last_year not in published:
        url = reverse("assessment:assessment_detail", args=[last_year])
        out.append(TodoItem("考核", f"{last_year}年度考核结果待发布", url))
    return out


def _problem_text(problem, today):
    days = problem.overdue_days(today)
    due = as_chinese(problem.due_date, "day")
    when = f"已逾期{days}天（期限{due}）" if days else f"{due}前答复"
    return f"{problem.enterprise.name}{problem.get_category_display()}诉求（{problem.get_state_display()}），{when}"


def _problems_to_answer(user, today):
    """The open problems a unit (or a sub-district) must answer, earliest due first. The bureau
    answers any problem but owes none: it supervises the overdue ones instead."""
    if scope.supervises_problems(user):
        return []
    problems = Problem.objects.restrict(user, "answer").open().select_related("enterprise").order_by("due_date", "pk")
    url = "outreach:problem_detail"
    return [TodoItem("企业诉求", _problem_text(p, today), reverse(url, args=[p.pk])) for p in problems]


def _problems_overdue(user, today):
    """督办: every overdue problem, with the unit that has not answered."""
    return [
        TodoItem(
            "诉求督办",
            f"{p.answering}：" + _problem_text(p, today),
            reverse("outreach:problem_detail", args=[p.pk]),
        )
        for p in overdue_problems(user, today)
    ]
