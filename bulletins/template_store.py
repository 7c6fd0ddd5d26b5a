"""The bulletin's Word templates: the one shipped with the application, the bureau's uploads
(checked in the sandbox of `word_template` before they are kept, disabled when found unsafe),
which one a version uses, and the Word file of a bulletin rendered with it.
"""

import hashlib
import struct
import zlib

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from targets.progress import latest_logged_month

from . import charts, docx_export, word_template
from .docx_template import TEMPLATE_PATH
from .figures import build_figures
from .models import BulletinSettings, BulletinTemplate


def document_lines():
    """报送 and 抄送 in force now."""
    current = BulletinSettings.current()
    return {"send_to": current.send_to, "copy_to": current.copy_to}


TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def shipped_template():
    data = TEMPLATE_PATH.read_bytes()
    return data, None, f"系统模板（{hashlib.sha256(data).hexdigest()[:8]}）"


def active_template():
    """(bytes, BulletinTemplate or None, label) of the template new exports and publications use:
    the newest upload, else the one shipped with the application."""
    row = BulletinTemplate.objects.filter(disabled_at__isnull=True).order_by("-number").first()
    if row is None:
        return shipped_template()
    return bytes(row.content), row, row.label


def template_of(version):
    """The template a published version was issued with; a draft uses the active one. A
    template disabled as unsafe is never rendered: its bulletins use the shipped one."""
    if version is None:
        return active_template()
    if version.template_id and not version.template.disabled:
        row = version.template
        return bytes(row.content), row, row.label
    return shipped_template()


def unnoted_disabled_templates():
    """Disabled templates the bureau has not yet acknowledged (its 待办 lists them)."""
    return [t for t in disabled_templates() if t.disabled_noted_at is None]


def note_disabled_templates():
    """The bureau has read that its disabled templates are no longer used."""
    return BulletinTemplate.objects.filter(disabled_at__isnull=False, disabled_noted_at__isnull=True).update(
        disabled_noted_at=timezone.now()
    )


def disabled_templates():
    """Uploaded templates disabled because their tags were refused, newest first."""
    return list(BulletinTemplate.objects.filter(disabled_at__isnull=False).defer("content").order_by("-number"))


class TemplateRefused(Exception):
    """An uploaded template was refused; the message is Chinese."""


def _sample_png():
    """A 1×1 white PNG, so that a template's picture tags are tried too."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def check_template(data):
    """Check every tag of `data` (nothing of it runs), then render a bulletin of the latest
    month with it in the sandbox; raise TemplateRefused with the reason."""
    if len(data) > TEMPLATE_MAX_BYTES:
        raise TemplateRefused("模板文件超过5 MB。")
    problems = word_template.template_problems(data)
    if problems:
        raise TemplateRefused(word_template.refusal(problems))
    figures = build_figures(latest_logged_month())
    figures["issue"] = {"year": 2000, "number": 1}
    sample = {key: (caption, _sample_png()) for key, (caption, _) in charts.image_figures(figures).items()}
    try:
        rendered = docx_export.render_docx(data, figures, False, sample, {**document_lines(), "charts_note": ""})
    except docx_export.TemplateBroken as exc:
        raise TemplateRefused(str(exc)) from None
    leftover = docx_export.unrendered_tags(rendered)
    if leftover:
        raise TemplateRefused(f"模板中有未能识别的标记：{leftover}（标记须在同一段文字中完整输入）。")


@transaction.atomic
def save_template(data, filename, user):
    """Keep an uploaded template once it has rendered a bulletin; the previous stays on error."""
    if not filename.lower().endswith(".docx"):
        raise TemplateRefused("请上传Word文档（.docx）。")
    check_template(data)
    number = (BulletinTemplate.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return BulletinTemplate.objects.create(
        number=number,
        content=data,
        filename=filename,  # the caller's tables.upload_name(): at most 200 characters, extension kept
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=timezone.now(),
        uploaded_by=user,
    )


def bulletin_docx(view):
    """The Word file of a BulletinView: its template, its 报送/抄送 and its pictures.

    A stored template the sandbox refuses (one that escaped the migration's check) is disabled
    on the spot and the file is made from the shipped template instead."""
    data, row, _ = template_of(view.version)
    document = dict(view.figures.get("document") or document_lines())
    try:
        images = charts.chart_images(view.figures)
        document["charts_note"] = ""
    except charts.ChartsUnavailable as exc:
        images = {}
        document["charts_note"] = f"（{exc}，图表请在平台网页版查看。）"
    try:
        return docx_export.render_docx(data, view.figures, view.draft, images, document)
    except word_template.TemplateUnsafe as exc:
        if row is None:
            raise
        disable_template(row, str(exc))
        data, _, _ = shipped_template()
        return docx_export.render_docx(data, view.figures, view.draft, images, document)


def disable_template(row, reason):
    """Never render `row` again (its bulletins fall back to the shipped template)."""
    BulletinTemplate.objects.filter(pk=row.pk, disabled_at__isnull=True).update(
        disabled_at=timezone.now(), disabled_reason=reason
    )
