"""The Word template plays the attacker (issue 25): a bureau account uploads templates whose tags
reach Python's internals through Jinja's globals, `self`, `__class__`, format strings and
filters. Each is refused at upload, naming the tag, with no side effect (no row, no file, no
process, nothing computed echoed), and a stored one is disabled and never rendered again."""

import importlib
import io
import os
import subprocess

import docx
import jinja2
import pytest
from django.apps import apps
from django.conf import settings
from django.utils.html import escape

from bulletins import template_store, word_template
from bulletins.docx_template import TEMPLATE_PATH
from bulletins.figures import build_figures
from bulletins.models import BulletinTemplate
from bulletins.services import publish
from tests.support import OCT, edited_template, texts, upload_template, word

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def payloads(marker):
    """Each family of the known escapes, written to create `marker` (or print what it reaches)."""
    cmd = f"touch {marker}"
    families = {
        "cycler": "{{ cycler.__init__.__globals__.os.popen('CMD').read() }}",
        "joiner": "{{ joiner.__init__.__globals__.os.popen('CMD').read() }}",
        "namespace": "{{ namespace.__init__.__globals__.os.popen('CMD').read() }}",
        "lipsum": "{{ lipsum.__globals__['os'].popen('CMD').read() }}",
        "self": "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('CMD').read() }}",
        "__class__": "{{ title.__class__.__mro__[1].__subclasses__() }}",
        "format string": "{{ '{0.__init__.__globals__[os].environ}'.format(cycler) }}",
        "attr filter": "{{ (cycler|attr('__init__')|attr('__globals__'))['os'].popen('CMD').read() }}",
        "set and call": "{% set o = lipsum.__globals__.os %}{{ o.popen('CMD').read() }}",
        "map filter": "{{ race|map(attribute='__class__')|list }}",
        "include": "{% include '/etc/passwd' %}",
        "macro": "{% macro m() %}{{ caller() }}{% endmacro %}",
        "power": "{{ 9**9**9 }}",
        "string bomb": "{{ title * 100000000 }}",
    }
    return {family: text.replace("CMD", cmd) for family, text in families.items()}


def family_ids():
    return list(payloads("x"))


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "ran"
    yield path
    assert not path.exists(), "a template ran a command on the server"


@pytest.fixture
def no_process(monkeypatch):
    """Fails the test if anything starts a process while the template is checked or rendered."""
    started = []

    def refuse(*args, **kwargs):
        started.append(args)
        raise AssertionError("a process was started")

    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "popen", refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    yield started
    assert started == []


def test_the_payloads_are_real(marker):
    """Rendered by a plain Jinja2 environment, as before this change, a payload runs a command."""
    plain = jinja2.Environment(autoescape=True)
    plain.from_string(payloads(marker)["cycler"]).render(title="x")
    assert marker.exists()
    marker.unlink()


@pytest.mark.parametrize("family", family_ids())
def test_each_payload_is_refused_at_upload_naming_the_tag(uneven, bureau, login, marker, no_process, family):
    payload = payloads(marker)[family]
    data = edited_template("抄送：{{ copy_to }}", "抄送：" + payload)
    c = login(bureau)
    html = upload_template(c, data).content.decode()
    assert "模板未更换（仍使用原模板）" in html and "不允许" in html
    first_tag = word_template._TAG.search(payload).group(0)
    assert escape(word_template._quote(first_tag)[:30]) in html
    assert not BulletinTemplate.objects.exists()
    for leaked in ("uid=", settings.SECRET_KEY, os.environ["PATH"], "&lt;class", "<class", "jinja2."):
        assert leaked not in html  # nothing computed is echoed
    assert word(c).paragraphs  # the bulletin is still made, from the shipped template


def test_a_payload_in_the_document_properties_or_header_is_refused(uneven, bureau, login, marker, no_process):
    document = docx.Document(str(TEMPLATE_PATH))
    document.core_properties.title = payloads(marker)["cycler"]
    out = io.BytesIO()
    document.save(out)
    html = upload_template(login(bureau), out.getvalue()).content.decode()
    assert "模板未更换" in html and "cycler.__init__" in html
    assert not BulletinTemplate.objects.exists()

    document = docx.Document(str(TEMPLATE_PATH))
    document.sections[0].header.paragraphs[0].text = payloads(marker)["lipsum"]
    out = io.BytesIO()
    document.save(out)
    assert word_template.template_problems(out.getvalue())


def test_the_shipped_template_and_ordinary_edits_pass():
    assert word_template.template_problems(TEMPLATE_PATH.read_bytes()) == []
    edited = edited_template(
        "抄送：{{ copy_to }}",
        "抄送：{{ copy_to|default('—') }}{% if draft %}（草稿）{% endif %}"
        "{% for p in overall %}{{ loop.index }}、{{ p|trim }}{% endfor %}{{ annex1.rows|length }}",
    )
    assert word_template.template_problems(edited) == []


def test_context_names_are_those_the_bulletin_hands_the_template(uneven):
    from bulletins import docx_export

    figures = build_figures(OCT)
    assert set(docx_export.docx_context(figures, False)) == word_template.CONTEXT_NAMES


def test_the_sandbox_refuses_at_render_what_the_check_would_miss():
    """Defence in depth: the environment itself reaches no Python attribute and calls nothing."""
    env = word_template.SandboxedTemplates()
    with pytest.raises(word_template.TemplateUnsafe):
        env.from_string("{{ cycler }}")
    assert env.globals == {}
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ title.upper }}").render(title="x")
    # a loop's counters are the one attribute it reads; printed text loses control characters
    rendered = env.from_string("{% for p in overall %}{{ loop.index }}{{ p }}{% endfor %}").render(
        overall=["a\x1bb", "c\x0bd"]
    )
    assert rendered == "1ab2cd"


def _store_unsafe(marker, bureau):
    """A template stored before the sandbox existed, as an attacker left it."""
    data = edited_template("抄送：{{ copy_to }}", "抄送：" + payloads(marker)["cycler"])
    return BulletinTemplate.objects.create(
        number=1,
        content=data,
        filename="旧模板.docx",
        sha256="0" * 64,
        uploaded_at="2026-10-01T08:00Z",
        uploaded_by=bureau,
    )


def test_migration_disables_a_stored_unsafe_template(uneven, bureau, leader, official, login, marker, no_process):
    row = _store_unsafe(marker, bureau)
    safe = BulletinTemplate.objects.create(
        number=2, content=TEMPLATE_PATH.read_bytes(), filename="好模板.docx", sha256="1" * 64,
        uploaded_at="2026-10-02T08:00Z", uploaded_by=bureau,
    )  # fmt: skip
    version = publish(OCT, bureau, confirm_partial=True)
    version.template = row  # frozen into a published bulletin
    version.save()
    migration = importlib.import_module("bulletins.migrations.0004_disable_unsafe_templates")
    migration.disable_unsafe(apps, None)
    row.refresh_from_db()
    safe.refresh_from_db()
    assert row.disabled and "cycler.__init__" in row.disabled_reason and not safe.disabled
    # every role downloads the published bulletin: made from the shipped template, nothing runs
    for user in (leader, official, bureau):
        assert "抄送：区级有关部门，各镇人民政府、街道办事处" in texts(word(login(user)))
    # the bureau is told, on its 待办 and on the settings page, until it says it has read it
    c = login(bureau)
    assert "（上传模板第1版（00000000））含有不允许的标记，已停用" in c.get("/todo/").content.decode()
    settings_page = c.get("/bulletin/settings/").content.decode()
    assert "已停用" in settings_page and "cycler.__init__" in settings_page
    c.post("/bulletin/settings/template/noted/")
    assert "已停用" not in c.get("/todo/").content.decode()


def test_an_unsafe_template_that_escaped_the_migration_is_never_rendered(
    uneven, bureau, leader, login, marker, no_process
):
    row = _store_unsafe(marker, bureau)
    document = word(login(leader))  # a draft uses the newest upload: refused by the sandbox
    assert "抄送：区级有关部门，各镇人民政府、街道办事处" in texts(document)
    row.refresh_from_db()
    assert row.disabled
    assert template_store.active_template()[1] is None
