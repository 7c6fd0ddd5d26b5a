"""Admin pages for plan data that keep who, when, old, new and why (django-simple-history).

Every change form asks for a reason (修改原因) and writes it into the history record in the same
save; deleting is refused, since a deletion would leave the plan's numbers without a trace
in the pages that read them.
"""

from django import forms
from simple_history.admin import SimpleHistoryAdmin

from .forms import CleanCharField, CleanTextAdminMixin
from .history import with_history


class ReasonForm(forms.ModelForm):
    change_reason = CleanCharField(
        label="修改原因", max_length=200, help_text="必填：写入修改记录（谁、何时、原值、新值、原因）"
    )


class ReasonHistoryAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    form = ReasonForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        fields = [f for f in fieldsets[0][1]["fields"] if f != "change_reason"]
        return [(None, {"fields": [*fields, "change_reason"]})]

    def save_model(self, request, obj, form, change):
        with_history(obj, request.user, form.cleaned_data["change_reason"])
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """An admin that shows records only: none is added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """An inline that shows rows only: they are edited on their own page, with a reason."""

    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
