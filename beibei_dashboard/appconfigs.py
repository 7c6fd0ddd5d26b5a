"""The base of the apps whose data the dashboard's pages show.

Kept out of `beibei_dashboard/apps.py`, and imported by its module (`appconfigs.WatchedAppConfig`),
so that each `apps.py` holds exactly one AppConfig subclass for Django to pick.
"""

from django.apps import AppConfig


class WatchedAppConfig(AppConfig):
    """An app whose saves and deletes refresh the pages' cache (`targets.freshness`)."""

    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from targets import freshness

        freshness.connect(self.label)
