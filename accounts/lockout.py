"""Login protection that an attacker cannot turn against the bureau (django-axes).

A wrong password counts against the pair (user name, address): `AXES_FAILURE_LIMIT` failures
lock that name from that address only, so someone at another desk cannot keep the bureau
out. A separate, higher limit per address (`AXES_ADDRESS_FAILURE_LIMIT`, all names together)
stops one machine guessing through many accounts. Both last `AXES_COOLOFF_TIME` hours; a
bureau administrator lifts them on /accounts/locked/ or with `manage.py unlock_account`.
"""

import datetime as dt
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


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
