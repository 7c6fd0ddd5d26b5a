from django import template

from accounts import scope

register = template.Library()


@register.filter
def reads_enterprises(user):
    """For the menu: whether to show the registry link (decided in accounts.scope)."""
    return scope.reads_enterprises(user)


@register.filter
def signed(value):
    """+3 / -2 / 0; blank for None (no logged count)."""
    if value is None:
        return ""
    return f"{value:+d}" if value else "0"
