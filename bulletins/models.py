from django.db import models

from beibei_dashboard import fields
from targets.months import Month

from .schema import upgrade


class BulletinQuerySet(models.QuerySet):
    def published(self):
        return self.filter(versions__isnull=False).distinct()


class Bulletin(models.Model):
    """The monthly bulletin (月通报) of one month. Unpublished months have no row or no version.

    Once a version is published the month is locked: its counts change only through a
    correction with a reason, and the published figures stay as they were (`BulletinVersion`).
    """

    month = models.DateField("月份", unique=True)
    issue_year = models.PositiveSmallIntegerField("期数年份", null=True, blank=True)
    issue_number = models.PositiveSmallIntegerField("期数", null=True, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = "月通报"
        verbose_name_plural = "月通报"
        ordering = ["-month"]
        constraints = [
            fields.unique(
                "issue_year", "issue_number", name="bulletin_unique_issue", message="同一年度的期数不能重复。"
            ),
        ]

    def __str__(self):
        return f"{Month.of(self.month).label}月通报"


class BulletinVersion(models.Model):
    """One published version of a bulletin: the figures as they were when published.

    Version 1 is the first publication; later versions are revisions with a reason. The stored
    `figures` are what the page and the exports show, whatever happens to the counts later.
    """

    bulletin = models.ForeignKey(Bulletin, verbose_name="月通报", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    published_at = models.DateTimeField("发布时间")
    published_by = fields.done_by("发布人", blank=False)
    reason = models.TextField("修订原因", blank=True)
    figures = models.JSONField("发布时的数据")
    template = fields.optional_ref("BulletinTemplate", "Word模板", related_name="+", help_text="空：随系统提供的模板")
    template_label = models.CharField("使用的Word模板", max_length=80, blank=True)

    class Meta:
        verbose_name = "月通报版本"
        verbose_name_plural = "月通报版本"
        ordering = ["bulletin", "number"]
        constraints = [
            fields.unique("bulletin", "number", name="bulletinversion_unique", message="版本号不能重复。"),
        ]

    def __str__(self):
        return f"{self.bulletin} 第{self.number}版"

    @classmethod
    def from_db(cls, db, field_names, values):
        """Stored figures of an older schema are upgraded to the current one as they are read."""
        version = super().from_db(db, field_names, values)
        if "figures" in version.__dict__ and version.figures is not None:
            version.figures = upgrade(version.figures)
        return version


class BulletinTemplate(models.Model):
    """A Word template (.docx, docxtpl tags) uploaded by the bureau for the bulletin.

    `number` counts uploads from 1; the template in use is the newest row that is not disabled,
    or the one shipped with the application when there is none. A row is only written after its
    tags passed `bulletins.word_template`'s check and it rendered a bulletin without error. A
    row stored before that check existed and failing it is disabled (`disabled_at`, with the
    refused tags in `disabled_reason`) and never rendered again: the bulletins issued with it
    are exported with the shipped template.
    """

    number = models.PositiveIntegerField("模板版本", unique=True)
    content = models.BinaryField("文件内容")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = fields.done_by("上传人", blank=False)
    disabled_at = models.DateTimeField("停用时间", null=True, blank=True)
    disabled_reason = models.TextField("停用原因", blank=True)
    disabled_noted_at = models.DateTimeField("区科技局知悉停用的时间", null=True, blank=True)

    class Meta:
        verbose_name = "月通报Word模板"
        verbose_name_plural = "月通报Word模板"
        ordering = ["-number"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"上传模板第{self.number}版（{self.sha256[:8]}）"

    @property
    def disabled(self):
        return self.disabled_at is not None


class BulletinSettings(models.Model):
    """The bulletin's configurable lines (one row): 报送 and 抄送 at the end of the Word file.

    A publication stores the lines in force in its figures, so a published bulletin keeps them.
    """

    send_to = models.CharField("报送", max_length=300, blank=True, default="区委、区政府主要领导，分管区领导")
    copy_to = models.CharField("抄送", max_length=300, blank=True, default="区级有关部门，各镇人民政府、街道办事处")

    class Meta:
        verbose_name = "月通报设置"
        verbose_name_plural = "月通报设置"

    def __str__(self):
        return "月通报设置"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)
