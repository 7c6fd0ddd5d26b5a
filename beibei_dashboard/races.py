"""Two people saving the same new thing at the same moment (the first report of a period, the
first value of an indicator for a month, the first count of an empty cell): the database's
unique constraint lets one write through; the other gets this message and their form back."""

from contextlib import contextmanager

from django.db import IntegrityError, transaction

SAVED_MEANWHILE = "刚刚已被他人保存，请核对后重新提交"


class SavedMeanwhile(Exception):
    """Someone else's write of the same row won; str() is the Chinese message."""

    def __init__(self, message=SAVED_MEANWHILE):
        super().__init__(message)


@contextmanager
def first_write():
    """Around the INSERT a unique constraint guards: its IntegrityError becomes SavedMeanwhile.

    A savepoint keeps the caller's transaction usable; the service that raises it rolls back
    as a whole, so nothing of the loser's change is written."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise SavedMeanwhile() from exc
