import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .choices import Role
from .models import User


class AccountError(Exception):
    """A Chinese message for the person running the command."""


def _bound(field):
    """The model an account is bound to (a sub-district, a unit), read from the user model's
    foreign key: the plan's apps sit above `accounts` and are never imported from here."""
    return User._meta.get_field(field).related_model


@transaction.atomic
def save_account(username, role, subdistrict_slug=None, unit_name=None, password=None, is_demo=False):
    """Create or update an account with its role and binding; return (user, created, password).

    When a new account gets no password, a random one is generated and returned so the
    caller can hand it over; an existing account keeps its password unless one is given.
    """
    if role not in Role.values:
        raise AccountError(f"未知角色“{role}”，可选：{', '.join(Role.values)}")
    subdistrict = unit = None
    if subdistrict_slug:
        subdistrict = _bound("subdistrict").objects.filter(slug=subdistrict_slug).first()
        if subdistrict is None:
            raise AccountError(f"未找到街镇“{subdistrict_slug}”，请先运行 load_plan 并使用街镇标识（如 tiansheng）")
    if unit_name:
        unit = _bound("unit").objects.filter(name=unit_name).first()
        if unit is None:
            raise AccountError(f"未找到单位“{unit_name}”，请使用计划中的单位名称（如 区科技局）")
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    user.role, user.subdistrict, user.unit, user.is_demo = role, subdistrict, unit, is_demo
    generated = None
    if password is None and created:
        password = generated = secrets.token_urlsafe(12)
    try:
        user.full_clean(exclude=["password"])
        if password is not None:
            validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("；".join(exc.messages)) from None
    if password is not None:
        user.set_password(password)
    user.save()
    return user, created, generated
