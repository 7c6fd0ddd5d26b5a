from django.db import models


class TaskKind(models.TextChoices):
    TASK = "task", "重点任务"
    MEASURE = "measure", "组织实施"


class ReportStatus(models.TextChoices):
    """What the lead unit says of its task in a progress report."""

    NORMAL = "normal", "正常推进"
    LAGGING = "lagging", "滞后"
    DONE = "done", "已完成"


class ReviewState(models.TextChoices):
    """Where a report stands with the bureau: counted while submitted or accepted."""

    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回修改"
    ACCEPTED = "accepted", "已采纳"


COUNTED_STATES = (ReviewState.SUBMITTED, ReviewState.ACCEPTED)


class Colour(models.TextChoices):
    """The plan's four-colour practice for task status (四色督办)."""

    RED = "red", "滞后"
    YELLOW = "yellow", "预警"
    GREEN = "green", "正常推进"
    BLUE = "blue", "超前/已完成"
    GREY = "grey", "暂无报告"
