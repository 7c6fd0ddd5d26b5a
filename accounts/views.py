from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import lockout, scope


class CapabilityRequiredMixin(AccessMixin):
    """Answer 403 unless the user has `capability` (a name of `scope.CAPABILITIES`, the predicate
    that shows the page's link); login is required globally."""

    capability = None

    def dispatch(self, request, *args, **kwargs):
        scope.require(request.user, self.capability)
        return super().dispatch(request, *args, **kwargs)


def lockout_list(request):
    """Locked accounts and addresses, each with an unlock button (bureau staff)."""
    scope.require(request.user, "can_unlock_accounts")
    context = {
        "lockouts": lockout.lockouts(),
        "account_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.AXES_ADDRESS_FAILURE_LIMIT,
        "hours": settings.AXES_COOLOFF_TIME,
    }
    return render(request, "accounts/lockout_list.html", context)


@require_POST
def lockout_unlock(request):
    scope.require(request.user, "can_unlock_accounts")
    username, ip_address = request.POST.get("username", ""), request.POST.get("ip_address", "")
    if not (username or ip_address):
        messages.error(request, "请指定要解锁的账号或IP地址。")
    elif lockout.unlock(username, ip_address):
        who = f"账号“{username}”" if username else f"IP地址 {ip_address}"
        messages.success(request, f"已解除{who}{f'（来自 {ip_address}）' if username and ip_address else ''}的锁定。")
    else:
        messages.info(request, "没有需要解除的锁定（可能已自动解除）。")
    return redirect("lockout_list")
