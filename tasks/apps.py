from beibei_dashboard import appconfigs


class TasksConfig(appconfigs.WatchedAppConfig):
    name = "tasks"
    verbose_name = "重点任务与指标"
