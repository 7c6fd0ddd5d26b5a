from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from targets import freshness


@login_not_required
def floor(request):
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def changed(request):
    """What a count's correction does to the caches (a new data version, the registry as it
    was), so that the next page is its first render after a change. Benchmark settings only."""
    with transaction.atomic():
        freshness.bump(registry=False)
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor", floor),
    path("bench/changed", changed),
    path("", include("beibei_dashboard.urls")),
]
