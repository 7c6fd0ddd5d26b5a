from beibei_dashboard import appconfigs


class EnterprisesConfig(appconfigs.WatchedAppConfig):
    name = "enterprises"
    verbose_name = "企业名录"

    def ready(self):
        # The dashboard's forecast reads the registry: its pages must refresh when firms change
        # (the base class), and targets reaches the forecast through this hook rather than an
        # import of this app.
        super().ready()
        from targets import forecast

        from . import indicators
        from .forecast import district_forecast

        forecast.register(district_forecast)
        # The registry supplies the indicators it holds to targets.goals (same direction).
        indicators.register()
