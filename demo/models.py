from django.db import models


class DemoDataset(models.Model):
    """Present while demo data (accounts, counts) is loaded; every page then shows a banner."""

    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        verbose_name = "演示数据"
        verbose_name_plural = "演示数据"

    def __str__(self):
        return f"演示数据（{self.loaded_at:%Y-%m-%d %H:%M}）"
