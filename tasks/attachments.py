"""The abstract evidence attachment (佐证材料) that a report's and a contribution's evidence share,
and where its files are stored."""

from django.db import models

from beibei_dashboard import fields
from beibei_dashboard.evidence import evidence_storage, stored_name


def evidence_path(instance, filename):
    """A random name: the uploader's file name is kept in `original_name`, never on disk."""
    return stored_name("evidence", filename)


class Attachment(models.Model):
    """A piece of evidence (佐证材料): PDF, image or Office file, at most 10 MB.

    Stored under MEDIA_ROOT with a random name; `kind` is what its content was found to be,
    and decides the Content-Type it is served with. A concrete attachment adds the row it
    belongs to, its history and its Meta.
    """

    file = models.FileField("文件", storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("文件类型", max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = fields.submitted_by("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
