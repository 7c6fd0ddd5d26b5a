from .todo import items_for


def todo(request):
    """The menu's 待办 count, computed only when a page's menu shows it (templates call callables)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_count": lambda: len(items_for(user))}
