"""The application's settings with one URL more, for the benchmark only: `/bench/floor`, a bare
Django view (no database, no template) served through the same middleware by the same
gunicorn, so every page's throughput is read as a share of what Django itself can do here."""

from beibei_dashboard.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
