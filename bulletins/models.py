from django.conf import settings
from django.db import models

from targets.months import Month


class BulletinQuerySet(models.QuerySet):
    def published(self):
        return self.filter(versions__isnull=False).distinct()


class Bulletin(models.Model):
    """The monthly bulletin (月通报) of one month. Unpublished months have no row or no version.

    Once a version is published the month is locked: its counts change only through a
    correction with a reason, and the published figures stay as they were (`BulletinVersion`).
    """

    month = models.DateField("月份", unique=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = "月通报"
        verbose_name_plural = "月通报"
        ordering = ["-month"]

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
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("修订原因", blank=True)
    figures = models.JSONField("发布时的数据")

    class Meta:
        verbose_name = "月通报版本"
        verbose_name_plural = "月通报版本"
        ordering = ["bulletin", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "number"], name="bulletinversion_unique", violation_error_message="版本号不能重复。"
            ),
        ]

    def __str__(self):
        return f"{self.bulletin} 第{self.number}版"
