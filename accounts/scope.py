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


def check_subdistrict(user, subdistrict):
    """403 unless `user` may read this sub-district's pages."""
    role = role_of(user)
    if role in WHOLE_DISTRICT_ROLES:
        return
    if role == Role.SUBDISTRICT and user.subdistrict_id == subdistrict.pk:
        return
    raise PermissionDenied("您无权查看该街镇的数据。")


def check_role(user, *roles):
    """403 unless `user` has one of `roles`."""
    if role_of(user) not in roles:
        raise PermissionDenied("您的账号无权访问此页面。")


def reads_plan(user):
    """Every logged-in role reads the plan itself (the published document)."""
    return role_of(user) is not None


ENTERPRISE_ROLES = (Role.BUREAU, Role.LEADER, Role.SUBDISTRICT)


def reads_enterprises(user):
    """The enterprise registry names firms: bureau and leadership read it all, an official their
    own sub-district's firms; unit users (责任单位) do not read it."""
    return role_of(user) in ENTERPRISE_ROLES


def check_reads_enterprises(user):
    if not reads_enterprises(user):
        raise PermissionDenied("您的账号无权查看企业名录。")
