"""`send_reminders`: every user's 待办 list by e-mail, where Django's e-mail is configured."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from .todo import items_for

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def email_configured():
    """SMTP needs EMAIL_HOST; any other backend (console, file, a test's locmem) is configured by choice."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(settings.EMAIL_HOST)


@dataclass
class ReminderRun:
    sent: list = field(default_factory=list)  # usernames
    no_address: list = field(default_factory=list)
    nothing_to_do: int = 0


def message_for(user, items):
    lines = [
        f"{user.get_full_name() or user.username}，您好：",
        "",
        f"北碚区“高科双企”双倍增工作平台有{len(items)}项待办：",
    ]
    for item in items:
        lines.append(f"- [{item.group}] {item.text}  {settings.SITE_URL}{item.url}")
    lines += ["", "请登录平台处理。本邮件由系统自动发送。"]
    return "\n".join(lines)


def send_reminders(today=None):
    """One e-mail per active user with something waiting and an address. Call only when configured."""
    run = ReminderRun()
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        items = items_for(user, today)
        if not items:
            run.nothing_to_do += 1
            continue
        if not user.email:
            run.no_address.append(user.username)
            continue
        send_mail(f"【待办提醒】您有{len(items)}项待办", message_for(user, items), None, [user.email])
        run.sent.append(user.username)
    return run
