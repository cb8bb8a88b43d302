"""Settings for the Jiangsu–Hong Kong technology-cooperation portal.

One file, driven by the environment. Development needs no variables at all
(SQLite in the project folder, Celery tasks run in-process, console e-mail).
Production sets DJANGO_DEBUG=false and must then provide a secret key, the
allowed hosts, DATABASE_URL (PostgreSQL) and REDIS_URL (Redis); it refuses to
start on SQLite with in-process tasks unless DJANGO_ALLOW_EMBEDDED=true says so.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

# Development only: a fixed key so sessions survive restarts of runserver.
DEV_SECRET_KEY = "dev-insecure-key-not-for-production-8f2b1c7e9d4a6053"
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=false.")
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    # Sessions, password-reset links and CSRF tokens are signed with it.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a random value of at least 50 characters, not the development key."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG=false.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
elif not DEBUG and "*" in ALLOWED_HOSTS:
    # Links in password-reset e-mails are built from the Host header.
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the portal's hosts, not '*', when DJANGO_DEBUG=false."
    )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "portal",
    "needs",
    "partners",
    "matching",
]

MIDDLEWARE = [
    # First: refuses an oversized body before anything can read or spool it.
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it asks who is logged in), inside WhiteNoise (static
    # files stay cacheable).
    "portal.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Serves collected static files from gunicorn, compressed and cache-busted.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: SQLite file by default, PostgreSQL from DATABASE_URL
# ---------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections are a production knob (DB_CONN_MAX_AGE=60); the
    # default closes them, so test databases can be dropped cleanly.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
            # A persistent connection the server dropped is replaced, not reused.
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # Wait for a writer instead of failing at once under the dev server.
            "OPTIONS": {"timeout": 20},
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache and Celery: local memory and in-process tasks by default, Redis from REDIS_URL
# ---------------------------------------------------------------------------

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Production runs on PostgreSQL with Celery workers. Without DATABASE_URL or
# REDIS_URL it would quietly fall back to a SQLite file and to tasks run inside
# web requests, so DJANGO_DEBUG=false refuses that unless the operator says
# DJANGO_ALLOW_EMBEDDED=true (a single-machine demo, a smoke test).
ALLOW_EMBEDDED = env_bool("DJANGO_ALLOW_EMBEDDED", False)
if not DEBUG and not ALLOW_EMBEDDED:
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not env(name)]
    if missing:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} must be set when DJANGO_DEBUG=false (PostgreSQL and Redis); "
            "set DJANGO_ALLOW_EMBEDDED=true to run on SQLite with in-process tasks on purpose."
        )

# A monitor that sends "Authorization: Bearer <token>" to /healthz sees which
# part is down; everyone else only "ok" or not. Empty: staff only.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Seconds after which Redis gives a job whose worker died outright (SIGKILL,
# lost machine) to another worker. It must exceed every task's hard time limit
# (the longest is a full rescore, 2 h), or a job still running is handed out a
# second time; tests shorten it to see the redelivery.
JOB_VISIBILITY_TIMEOUT = env_int("JOB_VISIBILITY_TIMEOUT", 3 * 60 * 60)

# ---------------------------------------------------------------------------
# Accounts and authentication
# ---------------------------------------------------------------------------

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # Throttles failed logins before the model backend is asked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login throttling: per username *and* IP, so a company behind one
# shared address is never locked out as a whole; lockouts expire. An address
# is also locked once its failures across all accounts reach a higher limit
# (password spraying); see portal/login_throttle.py.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_HANDLER = "portal.login_throttle.PortalAxesHandler"
# Reverse proxies in front of gunicorn that append the client's address to
# X-Forwarded-For. 0 (no proxy) ignores that header, which clients can forge;
# behind one proxy every client would otherwise share the proxy's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "portal.login_throttle.client_ip_address"

# ---------------------------------------------------------------------------
# Internationalisation
# ---------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static files (Bootstrap and icons are vendored under static/, never a CDN)
# ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------
# E-mail: console by default, SMTP when EMAIL_HOST is set
# ---------------------------------------------------------------------------

EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "苏港技术合作需求对接平台 <noreply@localhost>")

# ---------------------------------------------------------------------------
# Security (production values come with DJANGO_DEBUG=false)
# ---------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # gunicorn sits behind a TLS-terminating proxy that sets this header (and
    # must overwrite it from clients). "none" when nothing in front sets it:
    # a header a client can forge would otherwise mark plain HTTP as secure.
    _proxy_ssl_header = env("SECURE_PROXY_SSL_HEADER") or "X-Forwarded-Proto"
    if _proxy_ssl_header.lower() != "none":
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Content-Security-Policy (django-csp): everything from the portal's own
# origin, no inline scripts or event handlers (scripts live in static/js).
# Inline style *attributes* stay allowed (style-src-attr only, never <style>
# elements): progress and score bars set their width from the data, and
# Django's admin uses a few; an attribute can style only its own element.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # Bootstrap draws checkboxes and select arrows with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ---------------------------------------------------------------------------
# Uploads and exports
# ---------------------------------------------------------------------------

# Checked before openpyxl opens anything.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int("UPLOAD_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 2000)
# Batch import needs 40 columns, partners 16, Attachment 2 four.
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 60)
UPLOAD_MAX_SHEETS = env_int("UPLOAD_MAX_SHEETS", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# The whole request body, refused with 413 from its Content-Length before
# anything reads or spools it (portal/middleware.py). Views marked
# @accepts_upload take an upload plus its form (the form then says "too large"
# itself); every other URL takes small forms only.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 1024 * 1024)
UPLOAD_REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# ---------------------------------------------------------------------------
# Domain knobs
# ---------------------------------------------------------------------------

# Wording version of the consent checkboxes; bump when their text changes.
CONSENT_VERSION = env("CONSENT_VERSION", "2026-1")
# Days after which an unanswered expression of interest expires.
INTEREST_EXPIRY_DAYS = env_int("INTEREST_EXPIRY_DAYS", 30)
# Matching: how many partners are kept per need, and the weight of each part
# of the score (see docs/matching.md).
MATCHING_TOP_N = env_int("MATCHING_TOP_N", 20)
MATCHING_WEIGHTS: dict[str, float] = {}
# Lowest score (0..1) of a match listed on a Hong Kong institution's
# "recommended needs" page. 0.10 keeps 44 of 45 strong and 50 of 58 plausible
# pairs of the development corpus and drops 78 % of the unjudged ones among the
# top 20 (docs/matching.md, "Recommendations to Hong Kong institutions").
MATCHING_RECOMMEND_MIN_SCORE = float(env("MATCHING_RECOMMEND_MIN_SCORE", "0.10"))
# Worker processes a full rescore forks to score chunks of needs (default: the
# CPU count; 1 scores serially). See docs/matching.md for the queue it needs.
MATCHING_PROCESSES = env_int("MATCHING_PROCESSES", os.cpu_count() or 1)
# A prefork pool child may not fork, so a full rescore uses every core only in
# a worker with the solo or threads pool. Production routes it to such a worker
# (README, "Production"); the default keeps it on the ordinary queue.
MATCHING_FULL_QUEUE = env("MATCHING_FULL_QUEUE", "celery")
CELERY_TASK_ROUTES = {"matching.tasks.rescore_all": {"queue": MATCHING_FULL_QUEUE}}

# Demo accounts are printed at start-up only in development.
DEMO_PASSWORD = "demo-pass-2026"

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
