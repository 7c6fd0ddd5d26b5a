from django import template

register = template.Library()


@register.filter
def signed(value):
    """+3 / -2 / 0; blank for None (no logged count)."""
    if value is None:
        return ""
    return f"{value:+d}" if value else "0"
