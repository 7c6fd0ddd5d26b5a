"""Login protection that an attacker cannot turn against the bureau (django-axes).

A wrong password counts against the pair (user name, address): `AXES_FAILURE_LIMIT` failures
lock that name from that address only, so someone at another desk cannot keep the bureau
out. A separate, higher limit per address (`AXES_ADDRESS_FAILURE_LIMIT`, all names together)
stops one machine guessing through many accounts. Both last `AXES_COOLOFF_TIME` hours; a
bureau administrator lifts them on /accounts/locked/ or with `manage.py unlock_account`.
"""

import datetime as dt
import ipaddress
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def client_address(request):
    """The visitor's address, as axes counts it (`AXES_CLIENT_IP_CALLABLE`). Without proxies,
    REMOTE_ADDR. Behind `TRUSTED_PROXY_COUNT` reverse proxies, each of which appends the address
    it was reached from to X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`), the N-th entry
    from the right: what a visitor writes into the header themselves stays to the left of it, so
    nobody can pose as another desk. A header with fewer entries did not come through every proxy:
    REMOTE_ADDR again. (django-ipware, axes' optional reader, counts the last proxy's own address
    in the header and finds no address at all in nginx's single-entry one.)"""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote


def _since():
    return timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)


def address_failures(ip_address):
    """Wrong passwords from `ip_address`, for every user name, within the cool-off time."""
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=_since()).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes compares one failure count with one limit; the two limits are folded into it:
    locked when pair ≥ L or address ≥ L_address, i.e. when max(pair, address × L / L_address)
    ≥ L. Everything else (recording, cool-off, reset on success) is axes' own."""

    def get_failures(self, request, credentials=None):
        pair = super().get_failures(request, credentials)
        address = address_failures(request.axes_ip_address)
        return max(pair, address * settings.AXES_FAILURE_LIMIT / settings.AXES_ADDRESS_FAILURE_LIMIT)


@dataclass
class Lockout:
    """A lock in force: a user name at an address, or (username "") a whole address."""

    username: str
    ip_address: str
    failures: int
    last_attempt: dt.datetime

    @property
    def until(self):
        return self.last_attempt + dt.timedelta(hours=settings.AXES_COOLOFF_TIME)


def lockouts():
    """Every lock in force, newest first: accounts (name + address), then whole addresses."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=_since())
    accounts = [
        Lockout(a.username or "", a.ip_address or "", a.failures, a.last)
        for a in recent.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
        .values_list("username", "ip_address", "failures", "last", named=True)
    ]
    addresses = [
        Lockout("", a.ip_address or "", a.failures, a.last)
        for a in recent.values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_ADDRESS_FAILURE_LIMIT)
        .order_by("-last")
        .values_list("ip_address", "failures", "last", named=True)
    ]
    return accounts + addresses


def unlock(username="", ip_address=""):
    """Lift the locks of a user name (at `ip_address`, or everywhere when empty), or of a whole
    address when `username` is empty; returns how many records were cleared."""
    if not username and not ip_address:
        raise ValueError("请指定账号或IP地址")
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    count, _ = attempts.delete()
    return count
