from django.contrib.auth.mixins import AccessMixin

from . import scope


class RoleRequiredMixin(AccessMixin):
    """Answer 403 unless the user has one of `allowed_roles` (login is required globally)."""

    allowed_roles = ()

    def dispatch(self, request, *args, **kwargs):
        scope.check_role(request.user, *self.allowed_roles)
        return super().dispatch(request, *args, **kwargs)
