from django.db import models


class Role(models.TextChoices):
    BUREAU = "bureau", "区科技局（专班办公室）"
    LEADER = "leader", "区领导"
    SUBDISTRICT = "subdistrict", "街镇"
    UNIT = "unit", "责任单位"
