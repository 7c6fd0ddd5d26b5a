from django.db import models


class Comparator(models.TextChoices):
    GT = "gt", "超过"
    GTE = "gte", "达到"
    LEAD = "lead", "保持全市领先"


class IndicatorKind(models.TextChoices):
    HEADLINE = "headline", "数量实现倍增"
    STRUCTURE = "structure", "结构实现优化"
    CAPABILITY = "capability", "能力实现提升"


class TaskKind(models.TextChoices):
    TASK = "task", "重点任务"
    MEASURE = "measure", "组织实施"
