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


def joined_clause(how, who, source):
    """How `who` came into the district from `source`: "大湾镇由原渝北区划入"."""
    if how == Joined.MERGER:
        return f"{who}由{source}合并设立"
    if how == Joined.SPLIT:
        return f"{who}由{source}分设"
    return f"{who}由{source}划入"


def left_clause(how, who, to, district):
    """How `who` left `district` for `to`: "水土街道划出北碚区（划入两江新区）"."""
    if how == Left.MERGER:
        return f"{who}并入{to}"
    if how == Left.SPLIT:
        return f"{who}撤销，分设为{to}"
    return f"{who}划出{district}（划入{to}）"
