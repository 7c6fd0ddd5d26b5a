from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .sqlite import use_wal


class BeibeiDashboardConfig(AppConfig):
    """The project package as an app, for what every app shares about the database: WAL on
    SQLite, and a background worker that does not lock while it waits (its db_worker)."""

    name = "beibei_dashboard"
    verbose_name = "北碚区高科双企"

    def ready(self):
        connection_created.connect(use_wal, dispatch_uid="beibei_dashboard.sqlite.use_wal")
