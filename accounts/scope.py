"""Who may see and change what: decided here, once, for every page, export and API endpoint.

Views call these helpers (or the `visible_to()` query methods built on them) and never test a
role themselves; they fetch one object through `Model.objects.get_for(user, action, ...)` (see
`RestrictedQuerySet`), so that the check cannot be forgotten. Anything outside a user's scope
answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import Role


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows who may do what with its rows (NetBox's `RestrictedQuerySet`).

    A subclass names, for each action ("view", "change", ...), the query methods that keep the rows
    `user` may act on, each with the refusal a user outside it reads: `scope_rules = {"view":
    (("visible_to", "您无权查看该任务。"),)}`. The methods decide nothing themselves: they call the
    rules of this module.
    """

    scope_rules = {}

    def restrict(self, user, action="view"):
        """The rows `user` may `action`."""
        queryset = self
        for method, _refusal in self.scope_rules[action]:
            queryset = getattr(queryset, method)(user)
        return queryset

    def get_for(self, user, action="view", **lookup):
        """The row matching `lookup`, if `user` may `action` it: 404 when there is no such row (as
        `get_object_or_404`), 403 with the rule's refusal when there is one outside their scope.

        One query: each rule that restricts anything is an `EXISTS` beside the row."""
        base, queryset, refusals = type(self)(model=self.model, using=self._db), self, {}
        for number, (method, refusal) in enumerate(self.scope_rules[action]):
            allowed = getattr(base, method)(user)
            if allowed is not base:  # the user's scope is the whole table
                name = f"_in_scope_{number}"
                queryset = queryset.annotate(**{name: models.Exists(allowed.filter(pk=models.OuterRef("pk")))})
                refusals[name] = refusal
        obj = get_object_or_404(queryset, **lookup)
        for name, refusal in refusals.items():
            if not getattr(obj, name):
                raise PermissionDenied(refusal)
        return obj


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


def own_subdistrict(user):
    """The sub-district an official works for: their start page and 本街镇进度; None for the others."""
    return user.subdistrict if role_of(user) == Role.SUBDISTRICT and user.subdistrict_id else None


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


def can_unlock_accounts(user):
    """Bureau staff (the district's administrators) lift login lockouts."""
    return is_bureau(user)


def reads_counts(user):
    """The month's counts and their change history: bureau and leadership all of them, an
    official their own sub-district's rows."""
    return role_of(user) in (*WHOLE_DISTRICT_ROLES, Role.SUBDISTRICT)


def require(user, capability):
    """403 unless `user` has `capability`: the name of one of `CAPABILITIES`, the same
    predicate that decides whether the page's link is shown; the refusal says what is missing."""
    predicate, refusal = CAPABILITIES[capability]
    if not predicate(user):
        raise PermissionDenied(refusal)


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
# The task queryset names its own fields: `tasks()`, `led_by(unit)`, `of_unit(unit)` and
# `shared_with_subdistricts()` (the tasks of "各镇街").


def tasks_visible_to(user, queryset):
    """Restrict a KeyTask queryset to what `user` may read."""
    role = role_of(user)
    if role in (Role.BUREAU, Role.LEADER, Role.UNIT):
        return queryset
    if role == Role.SUBDISTRICT:
        return queryset.shared_with_subdistricts()
    return queryset.none()


def own_tasks(user, queryset):
    """本单位任务: a unit's tasks (as lead or responsible unit); 各镇街's for an official."""
    role = role_of(user)
    if role == Role.UNIT:
        return queryset.of_unit(user.unit_id)
    if role == Role.SUBDISTRICT:
        return queryset.shared_with_subdistricts()
    return queryset.none()


def has_own_tasks(user):
    """Whether the "本单位任务" filter means anything for `user`."""
    return role_of(user) in (Role.UNIT, Role.SUBDISTRICT)


def tasks_reportable_by(user, queryset):
    """The key tasks `user` may file progress reports on: those their unit leads."""
    role = role_of(user)
    queryset = queryset.tasks()
    if role == Role.BUREAU:
        return queryset
    if role == Role.UNIT:
        return queryset.led_by(user.unit_id)
    return queryset.none()


def can_review_reports(user):
    return is_bureau(user)


def can_record_indicators(user):
    return is_bureau(user)


ENTERPRISE_ROLES = (Role.BUREAU, Role.LEADER, Role.SUBDISTRICT)


def reads_enterprises(user):
    """The enterprise registry names firms: bureau and leadership read it all, an official their
    own sub-district's firms; unit users (责任单位) do not read it."""
    return role_of(user) in ENTERPRISE_ROLES


# Contributions of responsible units (issue 18). On a key task every responsible unit (and,
# for "各镇街", each sub-district's official) contributes for a period; on a measure of 四、组织实施
# every named unit does. Everyone who reads the task reads its contributions.


def official_of_a_unit_that_left(user, today=None):
    """Whether `user` is the official of a sub-district that has left the district (划出, 并入,
    撤销) by this month: they read its history and are offered nothing to fill in. Reads the
    unit's own `left` month (the first month it is no longer counted), so this layer needs no
    knowledge of the map beyond it."""
    if role_of(user) != Role.SUBDISTRICT or not user.subdistrict_id:
        return False
    left = user.subdistrict.left
    return left is not None and left <= (today or timezone.localdate()).replace(day=1)


def contributor_key(user, task):
    """("unit", id) or ("subdistrict", id) under which `user` contributes to `task`; None if not
    (an official of a unit that has left the district contributes to nothing).

    Uses the task's prefetched units (`KeyTask.objects.with_units()`).
    """
    role = role_of(user)
    units = task.contributing_units()
    if role == Role.UNIT and any(unit.pk == user.unit_id for unit in units):
        return ("unit", user.unit_id)
    if role == Role.SUBDISTRICT and user.subdistrict_id and any(unit.all_subdistricts for unit in units):
        return None if official_of_a_unit_that_left(user) else ("subdistrict", user.subdistrict_id)
    return None


def tasks_contributable_by(user, queryset):
    """The tasks and measures `user` contributes to, as a query: the rule of `contributor_key`."""
    role = role_of(user)
    if role == Role.UNIT and user.unit_id:
        return queryset.contributed_by_unit(user.unit_id)
    if role == Role.SUBDISTRICT and user.subdistrict_id and not official_of_a_unit_that_left(user):
        return queryset.contributed_by_subdistricts()
    return queryset.none()


# 属地核实 (issue 18): an official checks the firms attributed to their sub-district and flags
# them; the bureau resolves the flags; leadership reads them.


def flags_visible_to(user, queryset, accepted):
    """Flags `user` may read: all for bureau and leadership; an official those raised by their
    sub-district, and those the bureau accepted (state `accepted`) into it. Another
    sub-district's open or rejected flag naming theirs as the destination stays hidden: its
    firm is not theirs."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return queryset
    if role == Role.SUBDISTRICT:
        accepted_here = models.Q(destination_id=user.subdistrict_id, state=accepted)
        return queryset.filter(models.Q(subdistrict_id=user.subdistrict_id) | accepted_here)
    return queryset.none()


def checks_attribution(user):
    """Only a sub-district's official checks (and flags) the firms attributed to it, while it is
    one of the district's units."""
    if role_of(user) != Role.SUBDISTRICT or user.subdistrict_id is None:
        return False
    return not official_of_a_unit_that_left(user)


def firms_flaggable_by(user, queryset):
    """The firms `user` may flag: those of their own sub-district, if they check attribution."""
    if not checks_attribution(user):
        return queryset.none()
    return queryset.filter(subdistrict_id=user.subdistrict_id)


def can_resolve_flags(user):
    return is_bureau(user)


# The pipeline from 培优库 to certificate (issue 29): bureau and leadership read every firm's path,
# an official their own sub-district's; the bureau moves any firm along it, an official their own
# firms (while their sub-district is one of the district's units); leadership only reads.


def maintains_pipeline(user):
    """Who moves firms along their path: bureau staff, and officials of a current unit."""
    role = role_of(user)
    if role == Role.BUREAU:
        return True
    return role == Role.SUBDISTRICT and user.subdistrict_id is not None and not official_of_a_unit_that_left(user)


def pipeline_rows_changeable_by(user, queryset, field="subdistrict"):
    """The rows (firms, attempts) of the pipeline `user` may change: the rule of `maintains_pipeline`."""
    if not maintains_pipeline(user):
        return queryset.none()
    if role_of(user) == Role.BUREAU:
        return queryset
    return queryset.filter(**{f"{field}_id": user.subdistrict_id})


# The annual assessment (issue 18): the bureau sets up schemes and publishes results;
# leadership reads everything, running scores included; an official reads their sub-district's
# published score, a unit its own.


def sees_running_assessment(user):
    return sees_whole_district(user)


def can_manage_assessment(user):
    return is_bureau(user)


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
        return queryset.tasks().led_by(user.unit_id)
    return queryset.none()


def keeps_the_books(user):
    """Bureau staff: enter the month's counts, publish bulletins and the assessment (待办)."""
    return is_bureau(user)


# 走访与诉求 (issue 29): the bureau and sub-district officials log visits to firms and the
# problems the firms raise, each with the unit (a department or a sub-district) that must answer;
# that unit sees and answers its problems; leadership reads everything.


def logs_visits(user):
    """Bureau staff, and an official of a sub-district still in the district, log visits."""
    return is_bureau(user) or checks_attribution(user)


def firms_visitable_by(user, queryset):
    """The firms `user` may log a visit to: all for the bureau, an official's own sub-district's."""
    if is_bureau(user):
        return queryset
    if logs_visits(user):
        return queryset.filter(subdistrict_id=user.subdistrict_id)
    return queryset.none()


def visits_visible_to(user, queryset):
    """Visits `user` may read: all for bureau and leadership, an official's sub-district's (the
    firm's sub-district on the day of the visit); none for units, which do not read the registry."""
    return rows_visible_to(user, queryset)


def problems_visible_to(user, queryset):
    """Problems `user` may read: all for bureau and leadership; an official those of their
    sub-district's firms and those their sub-district must answer; a unit those it must answer."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return queryset
    if role == Role.SUBDISTRICT and user.subdistrict_id:
        own = models.Q(subdistrict_id=user.subdistrict_id) | models.Q(answer_subdistrict_id=user.subdistrict_id)
        return queryset.filter(own)
    if role == Role.UNIT and user.unit_id:
        return queryset.filter(answer_unit_id=user.unit_id)
    return queryset.none()


def problems_answerable_by(user, queryset):
    """Problems `user` answers (办理, 答复): all for the bureau; a unit's own; an official's when
    their sub-district is the answering unit."""
    role = role_of(user)
    if role == Role.BUREAU:
        return queryset
    if role == Role.SUBDISTRICT and user.subdistrict_id and not official_of_a_unit_that_left(user):
        return queryset.filter(answer_subdistrict_id=user.subdistrict_id)
    if role == Role.UNIT and user.unit_id:
        return queryset.filter(answer_unit_id=user.unit_id)
    return queryset.none()


def answers_problems(user):
    """Whether "待我答复" means anything for `user`."""
    return role_of(user) in (Role.BUREAU, Role.SUBDISTRICT, Role.UNIT)


def reads_problems(user):
    return role_of(user) is not None


def supervises_problems(user):
    """Bureau staff supervise overdue problems (待办)."""
    return is_bureau(user)


PAGE_REFUSED = "您的账号无权访问此页面。"

# The capabilities a page is gated by (`require`, `CapabilityRequiredMixin.capability`); its
# link is shown by the same predicate. Each with the refusal a user without it reads.
CAPABILITIES = {
    "sees_whole_district": (sees_whole_district, PAGE_REFUSED),
    "keeps_the_books": (keeps_the_books, PAGE_REFUSED),
    "reads_counts": (reads_counts, PAGE_REFUSED),
    "can_unlock_accounts": (can_unlock_accounts, "只有区科技局可以解除账号锁定。"),
    "can_record_indicators": (can_record_indicators, "只有区科技局可以录入指标数值。"),
    "reads_enterprises": (reads_enterprises, "您的账号无权查看企业名录。"),
    "checks_attribution": (checks_attribution, "只有企业所属街镇的干部可以提出属地核实。"),
    "can_resolve_flags": (can_resolve_flags, "只有区科技局可以处理属地核实。"),
    "maintains_pipeline": (maintains_pipeline, "只有区科技局和街镇干部可以更新企业认定进程。"),
    "can_manage_assessment": (can_manage_assessment, "只有区科技局可以设置考核方案、发布考核结果。"),
    "logs_visits": (logs_visits, "只有区科技局和企业所属街镇的干部可以登记走访。"),
    "reads_problems": (reads_problems, PAGE_REFUSED),
    "answers_problems": (answers_problems, "您的账号没有需要答复的诉求。"),
}
