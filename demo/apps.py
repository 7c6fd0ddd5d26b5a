from django.apps import AppConfig


class DemoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "演示数据"

    def ready(self):
        from targets import freshness

        freshness.connect(self.label)  # the banner is kept under the data's version
