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
