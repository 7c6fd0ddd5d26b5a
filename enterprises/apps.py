from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"
    verbose_name = "企业名录"

    def ready(self):
        from targets import forecast, freshness

        from . import indicators
        from .forecast import district_forecast

        # The dashboard's forecast reads the registry: its pages must refresh when firms change,
        # and targets reaches the forecast through this hook rather than an import of this app.
        freshness.connect(self.label)
        forecast.register(district_forecast)
        # The registry supplies the indicators it holds to targets.goals (same direction).
        indicators.register()
