"""The field declarations every app's models repeat, written once.

Each function returns a new field, so a model declares `recorded_by = fields.done_by("录入人")`
and the migrations see exactly the field that was written out by hand before.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


def done_by(label, *, blank=True):
    """The user who did something, kept as empty when that user is deleted (录入人, 审核人, 发布人 …)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def submitted_by(label):
    """The user who submitted or uploaded something: required, and protects the user from deletion."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=label, on_delete=models.PROTECT, related_name="+")


def history(**options):
    """simple_history's records with a change reason of any length (the reasons are sentences)."""
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True), **options)


def optional_ref(to, label, *, related_name, **options):
    """A reference that may be empty, and that protects what it points to from deletion."""
    return models.ForeignKey(
        to, verbose_name=label, null=True, blank=True, on_delete=models.PROTECT, related_name=related_name, **options
    )


def unique(*field_names, name, message):
    """A uniqueness constraint whose refusal reads as `message` on the form."""
    return models.UniqueConstraint(fields=list(field_names), name=name, violation_error_message=message)
