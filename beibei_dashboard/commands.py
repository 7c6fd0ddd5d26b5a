"""What the management commands that read a file or act for a user share: their refusals are
CommandErrors in the words the pages use."""

from django.core.management.base import CommandError

from accounts.models import User
from targets.months import Month


def month_option(text):
    """The month of a YYYY-MM option."""
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def read_file(path):
    """The bytes of the file a command was given."""
    try:
        return path.read_bytes()
    except OSError:
        raise CommandError(f"无法读取文件：{path}") from None


def user_option(username):
    """The user named by --user (None when not given), recorded in the change history."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"未找到用户“{username}”")
    return user


def refusal(stderr, problems, message):
    """Writes each problem of a refused file to stderr; the CommandError to raise with `message`."""
    for problem in problems:
        stderr.write(str(problem))
    return CommandError(message)
