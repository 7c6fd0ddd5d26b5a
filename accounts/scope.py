"""Who may see and change what: decided here, once, for every page, export and API endpoint.

Views call these helpers (or the `visible_to()` query methods built on them) and never test a
role themselves. Anything outside a user's scope answers 403.
"""

from django.core.exceptions import PermissionDenied

from .choices import Role

WHOLE_DISTRICT_ROLES = (Role.BUREAU, Role.LEADER)


def role_of(user):
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.BUREAU
    return user.role


def sees_whole_district(user):
    return role_of(user) in WHOLE_DISTRICT_ROLES


def is_bureau(user):
    return role_of(user) == Role.BUREAU


def subdistricts_visible_to(user, queryset):
    """Restrict a SubDistrict queryset to what `user` may read."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return queryset
    if role == Role.SUBDISTRICT:
        return queryset.filter(pk=user.subdistrict_id)
    return queryset.none()


def plan_subdistricts_visible_to(user, queryset):
    """Sub-districts whose plan figures (the published attachment) `user` may read.

    Unit users read the whole plan; a sub-district official reads their own line (and the
    district total, which reveals nobody's line).
    """
    if role_of(user) == Role.UNIT:
        return queryset
    return subdistricts_visible_to(user, queryset)


def rows_visible_to(user, queryset, field="subdistrict"):
    """Restrict any queryset of per-sub-district rows (counts, firms) to `user`'s scope."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return queryset
    if role == Role.SUBDISTRICT:
        return queryset.filter(**{f"{field}_id": user.subdistrict_id})
    return queryset.none()


def reads_rows_of(user, subdistrict_id):
    """Whether `user` may read a row (a firm, a count) of sub-district `subdistrict_id`: the
    one-row form of `rows_visible_to`."""
    role = role_of(user)
    return role in WHOLE_DISTRICT_ROLES or (role == Role.SUBDISTRICT and user.subdistrict_id == subdistrict_id)


def check_subdistrict(user, subdistrict):
    """403 unless `user` may read this sub-district's pages."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return
    if role == Role.SUBDISTRICT and user.subdistrict_id == subdistrict.pk:
        return
    raise PermissionDenied("您无权查看该街镇的数据。")


def can_unlock_accounts(user):
    """Bureau staff (the district's administrators) lift login lockouts."""
    return is_bureau(user)


def check_can_unlock_accounts(user):
    if not can_unlock_accounts(user):
        raise PermissionDenied("只有区科技局可以解除账号锁定。")


def check_role(user, *roles):
    """403 unless `user` has one of `roles`."""
    if role_of(user) not in roles:
        raise PermissionDenied("您的账号无权访问此页面。")


def check_bulletin(user, published):
    """Leadership and bureau staff read every month's bulletin, drafts included; sub-district
    officials and unit users read published bulletins only."""
    if published and role_of(user) is not None:
        return
    if sees_whole_district(user):
        return
    raise PermissionDenied("该月通报尚未发布。")


# Key tasks (issue 6). The plan's tasks are read by every role except that a sub-district
# official reads only the tasks "各镇街" leads or shares; reports are filed by a task's lead
# units (and bureau staff); only bureau staff review reports and record indicator values.


def _gezhenjie_tasks(queryset):
    from django.db.models import Q

    return queryset.filter(
        pk__in=queryset.model.objects.filter(
            Q(lead_units__all_subdistricts=True) | Q(responsible_units__all_subdistricts=True)
        ).values("pk")
    )


def tasks_visible_to(user, queryset):
    """Restrict a KeyTask queryset to what `user` may read."""
    role = role_of(user)
    if role in (Role.BUREAU, Role.LEADER, Role.UNIT):
        return queryset
    if role == Role.SUBDISTRICT:
        return _gezhenjie_tasks(queryset)
    return queryset.none()


def own_tasks(user, queryset):
    """本单位任务: a unit's tasks (as lead or responsible unit); 各镇街's for an official."""
    from django.db.models import Q

    role = role_of(user)
    if role == Role.UNIT:
        return queryset.filter(
            pk__in=queryset.model.objects.filter(Q(lead_units=user.unit_id) | Q(responsible_units=user.unit_id)).values(
                "pk"
            )
        )
    if role == Role.SUBDISTRICT:
        return _gezhenjie_tasks(queryset)
    return queryset.none()


def has_own_tasks(user):
    """Whether the "本单位任务" filter means anything for `user`."""
    return role_of(user) in (Role.UNIT, Role.SUBDISTRICT)


def tasks_reportable_by(user, queryset):
    """The key tasks `user` may file progress reports on: those their unit leads."""
    role = role_of(user)
    queryset = queryset.filter(kind="task")
    if role == Role.BUREAU:
        return queryset
    if role == Role.UNIT:
        return queryset.filter(pk__in=queryset.model.objects.filter(lead_units=user.unit_id).values("pk"))
    return queryset.none()


def can_report_on(user, task):
    return tasks_reportable_by(user, type(task).objects.filter(pk=task.pk)).exists()


def check_can_report(user, task):
    """403 unless `user` may file (or revise) reports on `task`."""
    if not can_report_on(user, task):
        raise PermissionDenied("只有该任务的牵头单位（或区科技局）可以填报进展报告。")


def check_can_edit_report(user, report):
    """A lead unit revises its report until the bureau accepts it; bureau staff at any time."""
    check_can_report(user, report.task)
    if report.review_state == "accepted" and not is_bureau(user):
        raise PermissionDenied("该报告已被区科技局采纳，如需修改请联系区科技局。")


def can_edit_report(user, report, can_report=None):
    """Bool form of `check_can_edit_report`; `can_report` may be passed when already known."""
    if can_report is None:
        can_report = can_report_on(user, report.task)
    return can_report and (report.review_state != "accepted" or is_bureau(user))


def check_task_visible(user, task):
    """403 unless `user` may read `task`, its reports and their evidence."""
    if not tasks_visible_to(user, type(task).objects.filter(pk=task.pk)).exists():
        raise PermissionDenied("您无权查看该任务。")


def can_review_reports(user):
    return is_bureau(user)


def check_can_review(user):
    if not can_review_reports(user):
        raise PermissionDenied("只有区科技局可以审核、退回进展报告。")


def can_record_indicators(user):
    return is_bureau(user)


def check_can_record_indicators(user):
    if not can_record_indicators(user):
        raise PermissionDenied("只有区科技局可以录入指标数值。")


ENTERPRISE_ROLES = (Role.BUREAU, Role.LEADER, Role.SUBDISTRICT)


def reads_enterprises(user):
    """The enterprise registry names firms: bureau and leadership read it all, an official their
    own sub-district's firms; unit users (责任单位) do not read it."""
    return role_of(user) in ENTERPRISE_ROLES


def check_reads_enterprises(user):
    if not reads_enterprises(user):
        raise PermissionDenied("您的账号无权查看企业名录。")


# Contributions of responsible units (issue 18). On a key task every responsible unit (and,
# for "各镇街", each sub-district's official) contributes for a period; on a measure of 四、组织实施
# every named unit does. Everyone who reads the task reads its contributions.


def contributor_key(user, task):
    """("unit", id) or ("subdistrict", id) under which `user` contributes to `task`; None if not.

    Uses the task's prefetched units (`KeyTask.objects.with_units()`).
    """
    role = role_of(user)
    named = list(task.taskresponsible_set.all())
    if task.kind == "measure":
        named += list(task.tasklead_set.all())
    if role == Role.UNIT and any(row.unit_id == user.unit_id for row in named):
        return ("unit", user.unit_id)
    if role == Role.SUBDISTRICT and user.subdistrict_id and any(row.unit.all_subdistricts for row in named):
        return ("subdistrict", user.subdistrict_id)
    return None


def check_can_contribute(user, task):
    """403 unless `user` is a contributing unit (or sub-district) of `task`; returns its key."""
    key = contributor_key(user, task)
    if key is None:
        raise PermissionDenied("只有该任务的责任单位（“各镇街”为各街镇）可以填报配合情况。")
    return key


# 属地核实 (issue 18): an official checks the firms attributed to their sub-district and flags
# them; the bureau resolves the flags; leadership reads them.


def flags_visible_to(user, queryset):
    """Flags `user` may read: all for bureau and leadership; an official those raised by their
    sub-district, and those the bureau accepted into it. Another sub-district's open or rejected
    flag naming theirs as the destination stays hidden: its firm is not theirs."""
    from django.db.models import Q

    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return queryset
    if role == Role.SUBDISTRICT:
        accepted_here = Q(destination_id=user.subdistrict_id, state="accepted")
        return queryset.filter(Q(subdistrict_id=user.subdistrict_id) | accepted_here)
    return queryset.none()


def checks_attribution(user):
    """Only a sub-district's official checks (and flags) the firms attributed to it."""
    return role_of(user) == Role.SUBDISTRICT and user.subdistrict_id is not None


def check_can_flag(user, subdistrict=None):
    """403 unless `user` is the official of `subdistrict` (their own when None)."""
    if not checks_attribution(user) or (subdistrict is not None and subdistrict.pk != user.subdistrict_id):
        raise PermissionDenied("只有企业所属街镇的干部可以提出属地核实。")


def can_resolve_flags(user):
    return is_bureau(user)


def check_can_resolve_flags(user):
    if not can_resolve_flags(user):
        raise PermissionDenied("只有区科技局可以处理属地核实。")


def check_flag_visible(user, flag):
    if not flags_visible_to(user, type(flag).objects.filter(pk=flag.pk)).exists():
        raise PermissionDenied("您无权查看该属地核实。")


# The annual assessment (issue 18): the bureau sets up schemes and publishes results;
# leadership reads everything, running scores included; an official reads their sub-district's
# published score, a unit its own.


def sees_running_assessment(user):
    return sees_whole_district(user)


def can_manage_assessment(user):
    return is_bureau(user)


def check_can_manage_assessment(user):
    if not can_manage_assessment(user):
        raise PermissionDenied("只有区科技局可以设置考核方案、发布考核结果。")


def assessment_subject(user):
    """Whose scores `user` reads: "all", ("subdistrict", id), ("unit", id); 403 for anyone else."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return "all"
    if role == Role.SUBDISTRICT and user.subdistrict_id:
        return ("subdistrict", user.subdistrict_id)
    if role == Role.UNIT and user.unit_id:
        return ("unit", user.unit_id)
    raise PermissionDenied("您的账号无权查看考核结果。")


def owes_reports(user, queryset):
    """The key tasks whose progress reports `user`'s unit owes (it leads them); none for other roles.

    Bureau staff may file reports on any task but owe none: they are not on the to-do list for them.
    """
    if role_of(user) == Role.UNIT:
        return queryset.filter(kind="task", pk__in=queryset.model.objects.filter(lead_units=user.unit_id).values("pk"))
    return queryset.none()


def keeps_the_books(user):
    """Bureau staff: enter the month's counts, publish bulletins and the assessment (待办)."""
    return is_bureau(user)
