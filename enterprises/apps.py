from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"
    verbose_name = "企业名录"

    def ready(self):
        # The registry supplies the indicators it holds to targets.goals (targets may not
        # import enterprises: the dependency is passed up, not reached down).
        from . import indicators

        indicators.register()
