"""Who and why for the next history row django-simple-history writes of an object."""


def with_history(obj, user, reason):
    """`obj`, marked so that its next save or delete records `user` and `reason` in its history."""
    obj._history_user = user
    obj._change_reason = reason
    return obj
