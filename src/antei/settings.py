"""Django settings for antei, read from ANTEI_* environment variables.

Every setting a deployment can change is listed in docs/settings.md. Defaults give a
working single-machine install: SQLite under ./var/, Japanese UI, Asia/Tokyo display.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ANTEI_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """ANTEI_SECRET_KEY, or a key generated once and kept in var/secret_key (mode 0600)."""
    if key := os.environ.get("ANTEI_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Write a private temporary file, then link it into place: the link either appears
    # complete or fails because another process (a second web worker) got there first.
    tmp = path.with_name(f".secret_key.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("ANTEI_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ANTEI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("ANTEI_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "antei.core",
    "antei.calendars",
    "antei.org",
    "antei.inventory",
    "antei.incidents",
    "antei.callout",
    "antei.settlement",
    "antei.capacity",
    "antei.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "antei.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "antei.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "antei.urls"
WSGI_APPLICATION = "antei.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "antei.core.context.navigation",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("ANTEI_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'antei.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        Path(str(config["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        config["TEST"] = {"NAME": None}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # Keep connections between requests: a new PostgreSQL backend per request costs more
        # than a whole alert batch, and prepared intake statements live per connection.
        config["CONN_MAX_AGE"] = int(os.environ.get("ANTEI_DB_CONN_MAX_AGE", "60"))
        # Several checkouts may test against one server at once: each names its own test
        # database (pytest-xdist adds _gw0, _gw1, ...).
        if test_name := os.environ.get("ANTEI_TEST_DB_NAME"):
            config["TEST"] = {"NAME": test_name}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("ANTEI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Japanese is the default for end users; English is one click away (a cookie).
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "antei_language"
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage; display converts to ANTEI_DISPLAY_TIME_ZONE
DISPLAY_TIME_ZONE = os.environ.get("ANTEI_DISPLAY_TIME_ZONE", "Asia/Tokyo")

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

API_PAGE_MAX = 500

# Call-out channels (docs/operations.md). E-mail goes through any SMTP server; SMS and voice
# through a provider's HTTP API (one adapter posting JSON to ANTEI_SMS_URL).
SMTP_HOST = os.environ.get("ANTEI_SMTP_HOST", "127.0.0.1")
SMTP_PORT = int(os.environ.get("ANTEI_SMTP_PORT", "25"))
SMTP_USER = os.environ.get("ANTEI_SMTP_USER", "")
SMTP_PASSWORD = os.environ.get("ANTEI_SMTP_PASSWORD", "")
SMTP_STARTTLS = _env_bool("ANTEI_SMTP_STARTTLS", False)
SMTP_SSL = _env_bool("ANTEI_SMTP_SSL", False)
# starttls | ssl | none; when set it wins over the two booleans above (docs/callout.md).
SMTP_TLS = os.environ.get("ANTEI_SMTP_TLS", "").strip().lower()
SMTP_CA_FILE = os.environ.get("ANTEI_SMTP_CA_FILE", "")  # extra CA to trust (own relay)
SMTP_TIMEOUT = float(os.environ.get("ANTEI_SMTP_TIMEOUT", "10"))
MAIL_FROM = os.environ.get("ANTEI_MAIL_FROM", "antei@localhost")
SMS_URL = os.environ.get("ANTEI_SMS_URL", "")
SMS_TOKEN = os.environ.get("ANTEI_SMS_TOKEN", "")
WEBHOOK_SECRET = os.environ.get("ANTEI_WEBHOOK_SECRET", "")
HTTP_TIMEOUT = float(os.environ.get("ANTEI_HTTP_TIMEOUT", "5"))
# Where people's acknowledgement links point (the address they reach antei at).
PUBLIC_URL = os.environ.get("ANTEI_PUBLIC_URL", "http://127.0.0.1:8000")
# Call-out timing (docs/callout.md): a page claimed by a worker that died is retried after
# CALLOUT_CLAIM_SECONDS (keep it above the longest delivery: contacts x timeouts); the sweep
# backing up the per-step timers runs every CALLOUT_SWEEP_SECONDS.
CALLOUT_CLAIM_SECONDS = int(os.environ.get("ANTEI_CALLOUT_CLAIM_SECONDS", "300"))
CALLOUT_SWEEP_SECONDS = int(os.environ.get("ANTEI_CALLOUT_SWEEP_SECONDS", "30"))
# Capacity: the Prometheus server limits with a PromQL expression are pulled from.
PROMETHEUS_URL = os.environ.get("ANTEI_PROMETHEUS_URL", "")
# Alert intake flow control (A2-PERF-CAP-2): concurrent intake requests per process (more
# are refused with 503 at once, so threads stay free for the UI), and the largest body.
ALERTS_INTAKE_CONCURRENCY = int(os.environ.get("ANTEI_ALERTS_INTAKE_CONCURRENCY", "2"))
ALERTS_INTAKE_MAX_BYTES = int(os.environ.get("ANTEI_ALERTS_INTAKE_MAX_BYTES", str(64 << 20)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANTEI_LOG_LEVEL", "WARNING")},
}
