"""Settings for the Beibei "高科双企" dashboard.

Everything that differs between a laptop and the intranet server comes from the environment
(see `.env.example`). Helpers below refuse a value they cannot read, so a typo stops the
process at start-up instead of surfacing as odd behaviour later.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name, default):
    url = os.environ.get(name) or default
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={url!r}: only sqlite:///PATH and postgres://USER@HOST:PORT/NAME are supported"
        )
    config = environ.Env.db_url_config(url)
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={url!r} names no database")
    return config


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-beibei-dashboard"  # noqa: S105 - local quick start only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "targets",
    "tasks",
    "enterprises",
    "bulletins",
    "demo",
    "assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "beibei_dashboard.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
                "demo.context_processors.demo_banner",
            ],
        },
    },
]

WSGI_APPLICATION = "beibei_dashboard.wsgi.application"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.ChineseMinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Ten wrong passwords lock the account (not the whole office's shared IP) for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Offices share one NAT address: locking by IP would lock a whole bureau out, so we lock the
# account name (what the plan's users asked for) and accept the warning that says so.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: the intranet has no way out, so nothing is ever loaded from another
# host. Scripts are the static files only (no inline script or handler anywhere; charts are
# drawn from <script type="application/json"> data by static/js/charts.js). Styles allow
# 'unsafe-inline' because plotly.js injects its own <style> rules and sets style attributes on
# the SVG it draws; data: images are Plotly's and the browser's own small icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The intranet may or may not terminate TLS in front of us; one switch turns all of it on.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded evidence (佐证材料) lives outside the web root and is served only through views
# that check who may see it.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "uploads")
# Each upload form refuses a file above its own limit (counts 5 MB, evidence 10 MB, enterprise
# list 20 MB) with a Chinese message; above FILE_UPLOAD_MAX_MEMORY_SIZE a file is spooled to a
# temporary file instead of memory. The non-file part of a request (a form, the count grid) is
# small, and Django refuses anything above DATA_UPLOAD_MAX_MEMORY_SIZE with a 400.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Status of a sub-district (progress issue): yellow when increment completion is at most this
# many percentage points below time progress.
STATUS_YELLOW_THRESHOLD_PP = env_int("STATUS_YELLOW_THRESHOLD_PP", 10)

# A logged count above this is refused as implausible (Chongqing's largest sub-districts hold a
# few thousand tech-based firms).
MAX_PLAUSIBLE_COUNT = env_int("MAX_PLAUSIBLE_COUNT", 20000)

# Key-task progress reports (issue 6): a month's report is due by this day of the next month.
TASK_REPORT_DEADLINE_DAY = env_int("TASK_REPORT_DEADLINE_DAY", 10)
if not 1 <= TASK_REPORT_DEADLINE_DAY <= 28:
    raise ImproperlyConfigured(f"TASK_REPORT_DEADLINE_DAY={TASK_REPORT_DEADLINE_DAY} must be between 1 and 28")

# The plan this deployment serves; Chongqing may host several districts in one database.
DISTRICT_SLUG = os.environ.get("DISTRICT_SLUG", "beibei")

# Progress pages cache their figures under the data's version (targets/freshness.py), in each
# process's memory; a change to any count gives a new version, so this is only how long an
# unused entry is kept. 0 turns the cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

# E-mail for `send_reminders` (issue 18): reminders go out only when EMAIL_HOST is set; without
# it the command says so and sends nothing.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "beibei-dashboard@localhost")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")  # links in reminders, e.g. https://kjj.beibei.intranet

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Spreadsheet reading (issue 13): limits well above any real file, so that a hostile one (a
# sheet that claims a million rows, a zip bomb) is refused before it costs memory or minutes.
# A sheet is read up to IMPORT_MAX_ROWS rows and IMPORT_MAX_COLUMNS columns; an .xlsx/.ods is
# refused when its members would unpack to more than IMPORT_MAX_UNPACKED_MB in all, or one of
# them is compressed more than IMPORT_MAX_ZIP_RATIO times.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
# ... and up to this many non-empty cells in all (100,000 firms × 13 columns is 1.3 million).
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 3_000_000)
IMPORT_MAX_UNPACKED_MB = env_int("IMPORT_MAX_UNPACKED_MB", 160)
IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100)
# Old formats (.xls, .et, .ods) are read by python-calamine in a child process held to this
# much memory and time, since such a reader cannot be bounded from inside.
IMPORT_CHILD_MEMORY_MB = env_int("IMPORT_CHILD_MEMORY_MB", 400)
IMPORT_CHILD_SECONDS = env_int("IMPORT_CHILD_SECONDS", 20)
# A count import's preview stays confirmable this long; each upload is staged under its own token.
IMPORT_STAGE_MINUTES = env_int("IMPORT_STAGE_MINUTES", 30)

# Background jobs (issue 13): django-tasks with its database backend, on SQLite and PostgreSQL
# alike; `manage.py db_worker` runs them (`make run` and `make serve` start it beside the web
# server). An enterprise file larger than ENTERPRISE_BACKGROUND_BYTES (a few thousand rows) is
# checked and written by the worker, with a progress page, instead of inside the request.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
ENTERPRISE_BACKGROUND_BYTES = env_int("ENTERPRISE_BACKGROUND_BYTES", 300_000)

# The bulletin's Word file carries its charts as pictures drawn on the server by Plotly's static
# export (kaleido), which drives a headless Chromium: CHART_BROWSER is its path (empty: look for
# chromium / google-chrome on PATH). BULLETIN_CHART_IMAGES=0 leaves the pictures out (the file
# says so), as when no browser is installed.
CHART_BROWSER = os.environ.get("CHART_BROWSER", "/usr/bin/chromium")
BULLETIN_CHART_IMAGES = env_bool("BULLETIN_CHART_IMAGES", True)
CHART_IMAGE_TIMEOUT = env_int("CHART_IMAGE_TIMEOUT", 60)
