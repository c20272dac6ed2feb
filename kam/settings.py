"""KAM settings: one file, driven by KAM_* environment variables, safe development defaults."""

from __future__ import annotations

import os
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAM_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    """A string setting from the environment."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting: 1/true/yes/on are true, 0/false/no/off are false."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    """An integer setting."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def _dev_secret_key() -> str:
    # Generated once per checkout and kept in var/ (git-ignored), so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _saved_secret_key() -> str:
    # `make run` writes var/secret_key; reading it here lets the `kam` command, gunicorn and
    # `make run` share one key without the variable being exported in every shell.
    path = VAR_DIR / "secret_key"
    return path.read_text().strip() if path.is_file() else ""


DEBUG = env_bool("KAM_DEBUG", False)
SECRET_KEY = env_str("KAM_SECRET_KEY") or _saved_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"no secret key: set KAM_SECRET_KEY, or put one into {VAR_DIR / 'secret_key'} "
            "(`make var/secret_key` writes one), or set KAM_DEBUG=true for development"
        )
    SECRET_KEY = _dev_secret_key()

HTTPS = env_bool("KAM_HTTPS", not DEBUG)
ALLOWED_HOSTS = [h.strip() for h in env_str("KAM_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
ALLOWED_HOSTS = [h for h in ALLOWED_HOSTS if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env_str("KAM_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "kam.core",
    "kam.background",
    "kam.accounts",
    "kam.clients",
    "kam.portfolio",
    "kam.relations",
    "kam.imports",
    "kam.surveys",
    "kam.playbooks",
    "kam.deals",
    "kam.profiles",
    "kam.health",
    "kam.calls",
    "kam.reviews",
    "kam.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kam.core.memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kam.accounts.middleware.SessionIdleMiddleware",
    "kam.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kam.core.middleware.LoginRequiredMiddleware",
    "kam.core.middleware.MethodNotAllowedPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kam.accounts.context_processors.navigation",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    try:
        return dict(dj_database_url.parse(url, conn_max_age=env_int("KAM_DB_CONN_MAX_AGE", 60)))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"KAM_DATABASE_URL is not a database URL ({url!r}): use e.g. "
            "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////absolute/path/kam.sqlite3"
        ) from exc


DATABASES = {
    "default": _database(env_str("KAM_DATABASE_URL", f"sqlite:///{VAR_DIR / 'kam.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if env_str("KAM_TEST_SQLITE_FILE", ""):
        # Tests on a database file, as in production (the default in-memory test database
        # reports "table is locked" to concurrent writers instead of waiting): the race drill.
        DATABASES["default"]["TEST"] = {"NAME": env_str("KAM_TEST_SQLITE_FILE", "")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (import checks and writes, e-mails, scheduled jobs) is a queue in the same
# database, so the embedded SQLite default needs no extra server; `kam serve` starts the worker
# beside the web server (`kam worker` runs one alone). Tests switch to the immediate backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# "shared" lives in the database, so every gunicorn worker counts the same refused survey links
# (a per-process cache would give each worker its own allowance); migration core 0004 makes it.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kam_shared_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},  # one row per address that tried wrong links
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("KAM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KAM_LOGIN_COOLOFF_MINUTES", 15))
# Per name and address, and per name alone: many addresses together get no more guesses on one
# account than one address does (the account is locked for the cool-off, whoever tries).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("KAM_TIME_ZONE", "Europe/Moscow")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError) as _exc:
    raise ImproperlyConfigured(
        f"KAM_TIME_ZONE is not a time zone ({TIME_ZONE!r}): use an IANA name such as Europe/Moscow"
    ) from _exc
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kam.core.staticfinders.PlotlyFinder",
]
# Browser packages from npm (package.json, `npm ci` in `make install`): the plotly bundle.
NODE_MODULES = Path(os.environ.get("KAM_NODE_MODULES", BASE_DIR / "node_modules"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("KAM_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# E-mail (survey links, reminders). Setting KAM_EMAIL_HOST switches the default backend from
# "print to the console" to SMTP; KAM_EMAIL_BACKEND still overrides either.
_SMTP = bool(env_str("KAM_EMAIL_HOST").strip())
EMAIL_HOST = env_str("KAM_EMAIL_HOST").strip() or "localhost"
EMAIL_HOST_USER = env_str("KAM_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("KAM_EMAIL_PASSWORD")
EMAIL_USE_SSL = env_bool("KAM_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("KAM_EMAIL_USE_TLS", _SMTP and not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "KAM_EMAIL_USE_TLS and KAM_EMAIL_USE_SSL are both true: set only one "
        "(TLS for port 587, SSL for port 465)"
    )
EMAIL_PORT = env_int("KAM_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if _SMTP else 25)
EMAIL_TIMEOUT = env_int("KAM_EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = env_str(
    "KAM_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if _SMTP
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("KAM_DEFAULT_FROM_EMAIL", "kam@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers; the HTTPS-only parts follow KAM_HTTPS (true by default in production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A session ends after KAM_SESSION_IDLE_HOURS without a request (kam.accounts.middleware) and
# in any case KAM_SESSION_LIFETIME_HOURS after the login (the cookie's age).
SESSION_IDLE_SECONDS = env_int("KAM_SESSION_IDLE_HOURS", 8) * 3600
SESSION_COOKIE_AGE = env_int("KAM_SESSION_LIFETIME_HOURS", 14 * 24) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("KAM_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("KAM_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the documented reverse proxy (one hop, e.g. nginx with
# `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`): trust its scheme header, and
# take the client's address from the last X-Forwarded-For entry, the one the proxy appended.
BEHIND_PROXY = env_bool("KAM_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kam.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "kam.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "kam.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KAM API",
    "DESCRIPTION": "Key-account management: clients, contacts and (in later versions) more.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Two choice sets share the field name "channel": each gets its own stable enum name.
    "ENUM_NAME_OVERRIDES": {
        "ContactChannelEnum": "kam.relations.choices.ContactChannel",
        "ClientChannelEnum": "kam.clients.choices.Channel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kam.api.schema.document_errors",
    ],
}

SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KAM_LOG_LEVEL", "WARNING")},
}
