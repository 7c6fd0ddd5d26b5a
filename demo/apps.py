from beibei_dashboard import appconfigs


class DemoConfig(appconfigs.WatchedAppConfig):
    """Its data carries the banner, which is kept under the data's version."""

    name = "demo"
    verbose_name = "演示数据"
