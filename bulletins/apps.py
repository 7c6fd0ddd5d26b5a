from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bulletins"
    verbose_name = "月通报"

    def ready(self):
        from targets import freshness

        freshness.connect(self.label)
