from beibei_dashboard import appconfigs


class BulletinsConfig(appconfigs.WatchedAppConfig):
    name = "bulletins"
    verbose_name = "月通报"
