"""Overdue problems (逾期诉求) as the 逾期督办 page and 待办 show them."""

from django.urls import reverse

from accounts import scope
from beibei_dashboard.templatetags.dates import as_chinese
from tasks.supervision import OverdueSection

from .models import Problem


def overdue_problems(user, today):
    """The open problems past their due date that `user` may read, longest overdue first; one query."""
    return list(
        Problem.objects.visible_to(user)
        .overdue(today)
        .select_related("enterprise", "answer_unit", "answer_subdistrict")
        .order_by("due_date", "pk")
    )


def overdue_problem_section(user, today):
    """The 逾期督办 page's block of overdue problems; None for a user who reads no problems."""
    if not scope.reads_problems(user):
        return None
    rows = tuple(
        (
            (
                p.enterprise.name,
                p.get_category_display(),
                str(p.answering),
                as_chinese(p.due_date, "day"),
                f"{p.overdue_days(today)}天",
                p.get_state_display(),
            ),
            reverse("outreach:problem_detail", args=[p.pk]),
        )  # fmt: skip
        for p in overdue_problems(user, today)
    )
    return OverdueSection(
        title="企业诉求逾期未答复",
        headers=("企业", "类别", "承办单位", "办理期限", "逾期", "状态"),
        rows=rows,
        more_url=reverse("outreach:problem_list") + "?overdue=on",
        more_text="全部逾期诉求 →",
        empty_text="当前没有逾期未答复的企业诉求。",
    )
