"""Form fields that clean what a user types (`cleantext`) before it is checked or stored.

Every text field of every form is a `CleanCharField`: declared fields directly, model forms
through `free_text_formfield` (their `Meta.formfield_callback`), the admin through
`CleanTextAdminMixin`. tests/test_cleantext.py refuses a plain `forms.CharField` anywhere.
"""

from django import forms
from django.db import models

from .cleantext import clean_text


class CleanCharField(forms.CharField):
    """A CharField whose text loses its control characters before `required`, `max_length` and
    the form's own checks see it. `multiline` (default: the widget is a text area) keeps tabs and
    line breaks; a one-line text has each run of them replaced by a space."""

    def __init__(self, *, multiline=None, **kwargs):
        super().__init__(**kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline

    def to_python(self, value):
        return super().to_python(clean_text(value, multiline=self.multiline))


def is_free_text(db_field):
    """A model field a user types into: CharField or TextField itself (not a slug, an e-mail, a
    URL, which validate their own characters), without choices."""
    return type(db_field) in (models.CharField, models.TextField) and not db_field.choices


def free_text_formfield(db_field, **kwargs):
    """`Meta.formfield_callback` of a model form: free text becomes a CleanCharField."""
    if is_free_text(db_field):
        kwargs.setdefault("form_class", CleanCharField)
    return db_field.formfield(**kwargs)


class CleanTextAdminMixin:
    """A ModelAdmin or inline whose free-text fields are CleanCharFields (the admin's widgets kept)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_free_text(db_field):
            kwargs.setdefault("form_class", CleanCharField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
