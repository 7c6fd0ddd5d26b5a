from beibei_dashboard import appconfigs


class TargetsConfig(appconfigs.WatchedAppConfig):
    name = "targets"
    verbose_name = "目标与月度数据"
