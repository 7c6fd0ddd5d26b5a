"""Pages that compose every app: 待办."""

from django.http import JsonResponse
from django.shortcuts import render

from . import todo


def todo_list(request):
    """待办: what waits for this user, each item linked to where it is done."""
    return render(request, "todo_list.html", {"items": todo.items_for(request.user)})


def todo_count(request):
    """The menu's 待办 count as JSON, fetched by static/js/forms.js after the page has loaded."""
    return JsonResponse({"count": len(todo.items_for(request.user))})
