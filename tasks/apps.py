from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = "重点任务与指标"

    def ready(self):
        from targets import freshness

        freshness.connect(self.label)
