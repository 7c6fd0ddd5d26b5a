"""beibei_dashboard.forms: every text a form takes loses its control characters before it is checked,
and no form of the project (pages or admin) has a text field that lets them through."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver

from beibei_dashboard.forms import CleanCharField

APPS = (
    "accounts",
    "targets",
    "tasks",
    "enterprises",
    "outreach",
    "bulletins",
    "assessment",
    "demo",
    "beibei_dashboard",
)


def test_a_one_line_text_loses_controls_and_its_line_breaks():
    field = CleanCharField(max_length=5)
    assert field.clean(" 天\x1b生\t\n街\u202e道\x85 ") == "天生 街道"
    # the limit counts the text as stored: the controls do not use it up
    assert field.clean("\x00" * 20 + "12345") == "12345"


def test_a_text_area_keeps_its_lines():
    field = CleanCharField(widget=forms.Textarea)
    assert field.multiline
    assert field.clean("第一行\x0b\r\n\t第二行\x7f") == "第一行\r\n\t第二行"


def test_a_text_of_controls_only_is_empty_and_required_says_so():
    with pytest.raises(forms.ValidationError) as refused:
        CleanCharField().clean("\x1b\x07\u202e")
    assert refused.value.code == "required"


def _project_forms():
    assert get_resolver().url_patterns  # imports every view, and with them every form
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in APPS:
            found.append(cls)
    return found


def _plain_text_fields(fields):
    """Text fields that would store a control character: a plain forms.CharField that is not a
    password (compared, never shown or exported; cleaning would change it)."""
    return [
        name
        for name, field in fields.items()
        if type(field) is forms.CharField and not isinstance(field.widget, forms.PasswordInput)
    ]


def test_every_form_of_the_pages_cleans_its_text():
    found = _project_forms()
    assert len(found) > 15  # the forms are imported (by the URLconf) and found
    plain = {f"{cls.__module__}.{cls.__name__}": _plain_text_fields(cls.base_fields) for cls in found}
    assert {name: fields for name, fields in plain.items() if fields} == {}


def test_every_admin_form_cleans_its_text(bureau):
    bureau.is_staff = bureau.is_superuser = True
    request = RequestFactory().get("/admin/")
    request.user = bureau
    plain = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        forms_ = [model_admin.get_form(request, change=True)]
        forms_ += [inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)]
        for form in forms_:
            fields = _plain_text_fields(form.base_fields)
            if fields:
                plain[f"{model.__name__} {form.__name__}"] = fields
    assert plain == {}
