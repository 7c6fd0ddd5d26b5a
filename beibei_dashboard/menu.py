"""The menu of every page, in the project package because it links every app; who sees which
link is decided by `accounts.scope`."""

import functools
from typing import NamedTuple

from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from accounts import scope


def site(request):
    """What every page's frame needs: what the menu may offer this user —
    decided by `accounts.scope`, so templates never compare roles themselves."""
    user = getattr(request, "user", None)
    return {
        "can": {
            "see_district": bool(user) and scope.sees_whole_district(user),
            "edit": bool(user) and scope.keeps_the_books(user),
            "unlock": bool(user) and scope.can_unlock_accounts(user),
        },
        "menu": SimpleLazyObject(lambda: menu(user)),
    }


class MenuLink(NamedTuple):
    label: str
    url: str
    count_url: str = ""  # the 待办 link: where its badge reads how many are waiting


def menu(user):
    """The menu's links for `user`, in order. Shown twice (wide and folded), built once a
    request; each URL is reversed once a process (the menu was most of a cached page's
    template time)."""
    if not user or not user.is_authenticated:
        return []
    district, registry = scope.sees_whole_district(user), scope.reads_enterprises(user)
    own = scope.own_subdistrict(user)
    links = [
        MenuLink("全区进度", _url("home")) if district else None,
        MenuLink("本街镇进度", _url("targets:subdistrict_detail", own.slug)) if own else None,
        MenuLink("月通报", _url("bulletins:bulletin_list")),
        MenuLink("月度数据", _url("targets:monthlycount_list")) if district else None,
        MenuLink("重点任务", _url("tasks:keytask_list")),
        MenuLink("逾期督办", _url("tasks:overdue_list")),
        MenuLink("目标指标", _url("tasks:indicator_list")),
        MenuLink("企业名录", _url("enterprises:enterprise_list")) if registry else None,
        MenuLink("认定进程", _pipeline_url(own)) if registry else None,
        MenuLink("预警", _url("enterprises:warning_list")) if registry else None,
        MenuLink("走访与诉求", _url("outreach:problem_list")) if scope.reads_problems(user) else None,
        MenuLink("目标任务", _url("targets:plan")),
        MenuLink("年度考核", _url("assessment:assessment_index")),
        MenuLink("待办", _url("assessment:todo_list"), count_url=_url("assessment:todo_count")),
        MenuLink("登录锁定", _url("lockout_list")) if scope.can_unlock_accounts(user) else None,
        MenuLink("管理后台", _url("admin:index")) if user.is_staff else None,
    ]
    return [link for link in links if link]


def _pipeline_url(own):
    """An official lands on their own sub-district's pipeline, the others on the district's."""
    return _url("enterprises:pipeline_subdistrict", own.slug) if own else _url("enterprises:pipeline")


def _url(name, *args):
    return _reversed(get_script_prefix(), name, args)


@functools.cache
def _reversed(prefix, name, args):
    return reverse(name, args=args)
