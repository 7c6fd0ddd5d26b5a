from django.apps import AppConfig


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = "目标与月度数据"

    def ready(self):
        from . import freshness

        freshness.connect(self.label)
