from django.db import models


class Metric(models.TextChoices):
    HIGH_TECH = "high_tech", "高新技术企业"
    TECH_BASED = "tech_based", "科技型企业"


# The metrics' values in order, for the loops that run per sub-district and month
# (`Metric.values` builds a new list on every use).
METRICS = tuple(Metric.values)


class Category(models.TextChoices):
    A = "A", "A类镇街"
    B = "B", "B类镇街"


# Years of the attachment: 2022 is the actual count the plan starts from, 2023–2027 targets.
BASE_YEAR = 2022
PLAN_YEARS = (2023, 2024, 2025, 2026, 2027)
ALL_YEARS = (BASE_YEAR, *PLAN_YEARS)


class CountSource(models.TextChoices):
    GRID = "grid", "网页填报"
    IMPORT = "import", "表格导入"
    CORRECTION = "correction", "更正"
    ADMIN = "admin", "管理后台"
    DEMO = "demo", "演示数据"


class Comparator(models.TextChoices):
    GT = "gt", "超过"
    GTE = "gte", "达到"
    LEAD = "lead", "保持全市领先"


class IndicatorKind(models.TextChoices):
    HEADLINE = "headline", "数量实现倍增"
    STRUCTURE = "structure", "结构实现优化"
    CAPABILITY = "capability", "能力实现提升"


class Joined(models.TextChoices):
    """How a sub-district came into the district."""

    TRANSFER = "transfer", "划入"
    MERGER = "merger", "合并设立"
    SPLIT = "split", "分设"


class Left(models.TextChoices):
    """How a sub-district left the district."""

    TRANSFER = "transfer", "划出"
    MERGER = "merger", "并入"
    SPLIT = "split", "撤销分设"
