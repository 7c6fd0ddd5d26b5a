"""Cross-cutting answers every page shares."""

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import patch_cache_control

# What an upload's request carries besides the file: the form's other fields and the multipart
# framing. A file just under its view's limit must still reach the form's own check.
FORM_ALLOWANCE = 1024 * 1024
MB = 1024 * 1024


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every answer to a logged-in user (pages, exports,
    the API): a shared office PC's browser or a proxy must keep none of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def accepts_upload(max_bytes):
    """Declare that a view (function or class) takes uploads of up to `max_bytes` in one request;
    `RequestSizeMiddleware` refuses a larger request before its body is read."""

    def declare(view):
        view.upload_max_bytes = max_bytes
        return view

    return declare


def upload_limit(view_func):
    """The upload limit a view declared with `accepts_upload`, or None."""
    limit = getattr(view_func, "upload_max_bytes", None)
    return limit if limit is not None else getattr(getattr(view_func, "view_class", None), "upload_max_bytes", None)


class RequestSizeMiddleware:
    """413 for a request whose Content-Length is above what its view accepts, before anything
    reads the body: the file's own limit plus FORM_ALLOWANCE for a view that takes uploads,
    DATA_UPLOAD_MAX_MEMORY_SIZE (the most Django accepts of a form) for any other.

    It must stand before CsrfViewMiddleware, whose process_view reads request.POST. A body sent
    without Content-Length (chunked) is never read by Django at all (its length counts as 0)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body of a request whose length it cannot read
        upload = upload_limit(view_func)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if upload is None else upload + FORM_ALLOWANCE
        if length <= limit:
            return None
        shown = upload if upload is not None else limit
        context = {"limit": f"{shown // MB} MB", "size": f"{length / MB:.1f} MB", "upload": upload is not None}
        # Standing alone like the 500 page: no request context, nothing read from the database.
        return HttpResponse(loader.get_template("413.html").render(context), status=413)
