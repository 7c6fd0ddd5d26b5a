from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "走访与诉求"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # 逾期督办 (tasks) lists the overdue problems beside the overdue reports: tasks reaches
        # them through this hook rather than an import of a higher app.
        from tasks import supervision

        from .supervision import overdue_problem_section

        supervision.register_overdue_section(overdue_problem_section)
