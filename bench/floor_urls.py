from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from targets.models import MonthlyCount


@login_not_required
def floor(request):
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def changed(request):
    """A correction of one count (水土街道's latest month, +1 then back), saved as the count
    form saves it, so that the next page is its first render after a change. Benchmark
    settings only."""
    count = MonthlyCount.objects.filter(subdistrict__slug="shuitu").order_by("-month", "metric").first()
    count.value += 1 if count.value % 2 == 0 else -1
    with transaction.atomic():
        count.save()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor", floor),
    path("bench/changed", changed),
    path("", include("beibei_dashboard.urls")),
]
