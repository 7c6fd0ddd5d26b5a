from django.db import models

from beibei_dashboard import fields

from .catalogue import default_items


class AssessmentScheme(models.Model):
    """The assessment scheme (考核方案) of one year: its items with weights and rule parameters.

    One per year. `items` is [{code, weight, full, floor}] (see `assessment.catalogue`);
    `version` counts the saves, and `history` keeps every version with who, when and why.
    """

    year = models.PositiveSmallIntegerField("考核年度", unique=True)
    items = models.JSONField("考核项目", default=default_items)
    note = models.TextField("说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_by = fields.done_by("修改人", blank=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    history = fields.history()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年考核方案（第{self.version}版）"


class AssessmentResult(models.Model):
    """One published version of a year's assessment result: the scores as they were when published.

    Version 1 is the first publication; later versions are revisions with a reason. `figures`
    holds everything the page and the exports show (the scheme's items and rules included), so a
    published result never moves when the data does.
    """

    year = models.PositiveSmallIntegerField("考核年度")
    number = models.PositiveSmallIntegerField("版本")
    published_at = models.DateTimeField("发布时间")
    published_by = fields.done_by("发布人", blank=False)
    reason = models.TextField("修订原因", blank=True)
    figures = models.JSONField("发布时的结果")

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        ordering = ["year", "number"]
        constraints = [
            fields.unique("year", "number", name="assessmentresult_unique", message="版本号不能重复。"),
        ]

    def __str__(self):
        return f"{self.year}年考核结果 第{self.number}版"
