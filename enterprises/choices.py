from django.db import models


class Industry(models.TextChoices):
    """The five industries of the plan's tasks 7–11, and everything else."""

    SENSORS = "sensors", "智能传感器"
    INDUSTRIAL_SOFTWARE = "industrial_software", "工业互联网软件和信息服务"
    NEW_MATERIALS = "new_materials", "功能新材料"
    NEXT_GEN_IT = "next_gen_it", "新一代信息技术"
    AGRI_FOOD_HEALTH = "agri_food_health", "现代农业和食品大健康"
    OTHER = "other", "其他"


FLAG_FIELDS = {
    "above_scale": "规上",
    "specialized": "专精特新",
    "little_giant": "“小巨人”",
    "cultivation_pool": "培优库",
    "high_value_patent": "高价值发明专利",
    "single_champion": "单项冠军",
    "ipo_reserve": "拟上市储备库",
}


class FlagKind(models.TextChoices):
    """What a sub-district says of a firm when it checks the firms attributed to it (属地核实)."""

    NOT_HERE = "not_here", "不在本辖区"
    MOVED = "moved", "已迁出"
    MISSING = "missing", "漏统"


class FlagState(models.TextChoices):
    OPEN = "open", "待处理"
    ACCEPTED = "accepted", "已采纳"
    REJECTED = "rejected", "已驳回"


class Programme(models.TextChoices):
    """What a firm is going through in a year: high-tech recognition or tech-based evaluation."""

    HIGH_TECH = "high_tech", "高新技术企业认定"
    TECH_BASED = "tech_based", "科技型企业评价"


class Stage(models.TextChoices):
    """Where a firm stands on its path of the year (issue 29). High-tech: 培育（培优库）→ 拟申报 →
    已申报 → 评审/公示 → 认定 or 未通过; tech-based: 待评价 → 已提交 → 入库 or 未入库."""

    CULTIVATING = "cultivating", "培育（培优库）"
    INTENDING = "intending", "拟申报"
    APPLIED = "applied", "已申报"
    REVIEW = "review", "评审/公示"
    RECOGNISED = "recognised", "认定"
    FAILED = "failed", "未通过"
    PENDING = "pending", "待评价"
    SUBMITTED = "submitted", "已提交"
    REGISTERED = "registered", "入库"
    REJECTED = "rejected", "未入库"


# Each programme's stages in order: the open ones, then the two outcomes (success, failure).
OPEN_STAGES = {
    Programme.HIGH_TECH: (Stage.CULTIVATING, Stage.INTENDING, Stage.APPLIED, Stage.REVIEW),
    Programme.TECH_BASED: (Stage.PENDING, Stage.SUBMITTED),
}
SUCCESS = {Programme.HIGH_TECH: Stage.RECOGNISED, Programme.TECH_BASED: Stage.REGISTERED}
FAILURE = {Programme.HIGH_TECH: Stage.FAILED, Programme.TECH_BASED: Stage.REJECTED}
# The stages from which a firm can fail: it has filed (已申报 or later, 已提交).
FILED_STAGES = {
    Programme.HIGH_TECH: (Stage.APPLIED, Stage.REVIEW),
    Programme.TECH_BASED: (Stage.SUBMITTED,),
}
# The stages that need the batch (申报批次) they were filed in.
BATCHED_STAGES = (Stage.APPLIED, Stage.REVIEW, Stage.RECOGNISED, Stage.FAILED)


def stages_of(programme):
    """Every stage of `programme`, in order."""
    return (*OPEN_STAGES[programme], SUCCESS[programme], FAILURE[programme])
