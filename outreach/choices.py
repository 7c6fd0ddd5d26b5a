from django.db import models


class ProblemCategory(models.TextChoices):
    """What a firm asks for help with (诉求类别)."""

    FUNDING = "funding", "资金"
    TALENT = "talent", "人才"
    LAND = "land", "用地"
    IP = "ip", "知识产权"
    POLICY = "policy", "政策兑现"
    OTHER = "other", "其他"


class ProblemState(models.TextChoices):
    """待办理 → 办理中 → 已答复; 已答复 closes the problem (with the answer the firm received)."""

    PENDING = "pending", "待办理"
    IN_PROGRESS = "in_progress", "办理中"
    CLOSED = "closed", "已答复"


OPEN_STATES = (ProblemState.PENDING, ProblemState.IN_PROGRESS)

# A problem logged without a due date is due this many days after it was raised (the form says so).
DEFAULT_DUE_DAYS = 15
