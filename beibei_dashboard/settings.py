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

DEV_SECRET_KEY = "dev-only-insecure-key-beibei-dashboard"  # noqa: S105 - local quick start only


def check_secret_key(key):
    """With DEBUG off the key signs sessions and CSRF tokens: refuse one that could be guessed
    (Django's own rule: at least 50 characters, 5 different, not a generated "insecure" one)."""
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    if key == DEV_SECRET_KEY or key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is short or a known default: use 50 or more random characters (openssl rand -hex 32)"
        )


def check_allowed_hosts(hosts):
    if not hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
    if "*" in hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS='*' accepts any Host header: name the server's host names")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if DEBUG:
    SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY
else:
    check_secret_key(SECRET_KEY)
    check_allowed_hosts(ALLOWED_HOSTS)

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
    "beibei_dashboard",  # before django_tasks_db: its db_worker (waits without locking) replaces the library's
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "targets",
    "tasks",
    "enterprises",
    "outreach",
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
    # Before CsrfViewMiddleware, which reads the body: an oversized request is refused unread.
    "beibei_dashboard.middleware.RequestSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "beibei_dashboard.middleware.PrivateNoStoreMiddleware",
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
                "beibei_dashboard.menu.site",
                "demo.context_processors.demo_banner",
            ],
        },
    },
]

WSGI_APPLICATION = "beibei_dashboard.wsgi.application"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections, checked before reuse, are the production default: a new PostgreSQL
# connection per request costs more than the page it serves (README: 性能基准).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Bounded waits on PostgreSQL: a database that accepts connections and never answers, or a
# statement stuck behind a lock, ends in an error page (and /healthz in a 503) instead of a
# worker that hangs until gunicorn kills it. tcp_user_timeout and keepalives end a connection
# whose packets go unanswered (a host that disappeared).
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3)  # seconds
DB_STATEMENT_TIMEOUT = env_int("DB_STATEMENT_TIMEOUT", 30_000)  # milliseconds; 0: none
HEALTHZ_TIMEOUT = env_int("HEALTHZ_TIMEOUT", 3)  # seconds /healthz waits for the database (answer < 5 s)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DB_CONNECT_TIMEOUT,
        options=f"-c statement_timeout={DB_STATEMENT_TIMEOUT}",
        tcp_user_timeout=DB_CONNECT_TIMEOUT * 1000 + 2000,
        keepalives=1,
        keepalives_idle=30,
        keepalives_interval=5,
        keepalives_count=3,
    )
# SQLite (`make run`, `make serve` without DATABASE_URL) serves the web process and the background
# worker from one file: every transaction starts as a writer (BEGIN IMMEDIATE), so two saves queue
# for the write lock instead of one failing with "database is locked" when both try to upgrade a
# read; a writer waits up to SQLITE_BUSY_TIMEOUT seconds for another's commit (below gunicorn's 30 s),
# then answers the 503. WAL (set when a file connection opens, beibei_dashboard.sqlite) lets pages
# read while someone writes; the worker looks for a task with a read only (its db_worker).
SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", 20)  # seconds
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=SQLITE_BUSY_TIMEOUT)

# export_data writes "exactjson": JSON whose timestamps keep their microseconds.
SERIALIZATION_MODULES = {"exactjson": "beibei_dashboard.exact_json"}

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

# Login protection (accounts/lockout.py): ten wrong passwords lock that user name from that
# address only, for an hour, so nobody elsewhere can lock the bureau out; fifty from one address
# (any names; offices behind one NAT address share it) lock the address. Bureau staff unlock on
# /accounts/locked/ or with `manage.py unlock_account`.
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
if not 0 < AXES_FAILURE_LIMIT <= AXES_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT (and both above 0)")
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Behind N reverse proxies (HTTPS terminated in front of us) the visitor's address is the N-th
# from the right of X-Forwarded-For; without proxies only REMOTE_ADDR, which nobody can forge
# (accounts.lockout.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"

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
# small, and Django refuses anything above DATA_UPLOAD_MAX_MEMORY_SIZE with a 400. Before any of
# that, RequestSizeMiddleware answers 413 unread to a request longer than its view declares
# (`accepts_upload`), or than DATA_UPLOAD_MAX_MEMORY_SIZE for a view without uploads.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

DJANGO_TABLES2_TEMPLATE = "tables/table.html"  # bootstrap5 with each cell naming its column
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
    "filters": {"one_line_forbidden": {"()": "beibei_dashboard.logging.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_forbidden"]}},
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
