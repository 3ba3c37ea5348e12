"""One settings module, driven by the environment. See .env.example for every variable.

A bare checkout runs with nothing configured: SQLite under var/, DEBUG on, a development secret,
e-mail written to var/mail/, and Celery on an embedded filesystem broker under var/celery/.
`DJANGO_ENV=production` turns DEBUG off by default and refuses to start with the development secret.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = envstr("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "test", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be development, test or production")
PRODUCTION = DJANGO_ENV == "production"

DEV_SECRET_KEY = "dev-insecure-foia-tracker-secret-do-not-use-in-production"
SECRET_KEY = envstr("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = envbool("DEBUG", not PRODUCTION)

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs its own SECRET_KEY (50+ random characters), not the development one."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to start with DEBUG on.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "foia",
    "foia.notifications",
    "foia.stats",
    "foia.workspace",
    "foia.demo",
    "foia.mail.outbound",
    "foia.mail.inbound",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "foia.api",
    "foia.webhooks",
]

MIDDLEWARE = [
    # First: refuses an oversized body on its Content-Length before anything reads it.
    "foia.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every page (django-csp; the policy is below).
    "csp.middleware.CSPMiddleware",
    # Last: turns a locked-out authentication attempt into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files straight from gunicorn; in development runserver serves them.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "foia.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database: DATABASE_URL (postgres://… or sqlite:///…); nothing set → SQLite under var/.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'foia.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Several processes (web, worker, beat) share the file in development: wait, do not fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        # Writers take the lock when their transaction begins, so a busy database makes them
        # wait (timeout) instead of failing on a lock upgrade; WAL lets readers go on meanwhile.
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # A file, not memory, so that a real Celery worker started by the tests sees the test data.
    # One file per test run, so that parallel runs do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-foia-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: REDIS_URL for the Celery broker, result backend and the cache.
REDIS_URL = envstr("REDIS_URL")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "foia",
        }
    }
else:
    # Embedded fallback: a broker on the filesystem, shared by the web process, worker and beat.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if PRODUCTION:
        # Shared by every worker process (run `manage.py createcachetable` once).
        CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "foia_cache",
            }
        }
# The dashboard's figures are cached per version of the facts only in a cache every process
# shares (a worker's write must reach the web process's copy): not in a per-process one.
DASHBOARD_CACHE = CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] not in (
    "LocMemCache",
    "DummyCache",
)
if PRODUCTION and CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in (
    "LocMemCache",
    "DummyCache",
):
    raise ImproperlyConfigured(
        "Production refuses a per-process cache: set REDIS_URL or use the database cache."
    )
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Languages: English, Serbian Latin, Serbian Cyrillic. Every user-facing string goes through gettext.
LANGUAGE_CODE = envstr("LANGUAGE_CODE", "sr-latn")
LANGUAGES = [
    ("sr-latn", _("Serbian (Latin)")),
    ("sr", _("Serbian (Cyrillic)")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One short date format per language (config/formats): 05.11.2026 in Serbian and in English alike.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Belgrade"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded documents live outside the web root and are served by views that check access.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An oversized file is cut off while it streams in (foia/upload_handlers.py), then the usual ones.
FILE_UPLOAD_HANDLERS = [
    "foia.upload_handlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# A whole request body (several documents in one form) is refused above this, on its
# Content-Length, before it is read; the non-file part of a form is capped by Django.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 3 * ATTACHMENT_MAX_BYTES)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail: files under var/mail/ in development; SMTP from the environment in production.
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "FOI tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)

# --- Celery (the app itself is in config/celery.py).
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 120)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
REMINDER_SWEEP_MINUTES = envint("REMINDER_SWEEP_MINUTES", 10)

# --- Production hardening (`manage.py check --deploy` is clean with DJANGO_ENV=production).
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}

# --- Reminders (issue 3): see foia/notifications.
# Local hour reminders go out; in development midnight, so the demo's reminders of the day show
# at once in var/mail/ and in the app.
REMINDER_SEND_HOUR = envint("REMINDER_SEND_HOUR", 8 if PRODUCTION else 0)
REMINDER_DIGEST_HOUR = envint("REMINDER_DIGEST_HOUR", 7)
# A claimed reminder whose worker died is taken over after this lease (> CELERY_TASK_TIME_LIMIT).
REMINDER_CLAIM_LEASE_SECONDS = envint("REMINDER_CLAIM_LEASE_SECONDS", 300)
# A queued reminder whose message was lost is queued again after this long.
REMINDER_REQUEUE_AFTER_SECONDS = envint("REMINDER_REQUEUE_AFTER_SECONDS", 1800)
REMINDER_RETRY_WINDOW_HOURS = envint("REMINDER_RETRY_WINDOW_HOURS", 24)
REMINDER_LATE_AFTER_MINUTES = envint("REMINDER_LATE_AFTER_MINUTES", 60)
if REDIS_URL:
    # Unacknowledged tasks of a killed worker come back after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", EMAIL_FILE_PATH)
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        "task": "foia.notifications.tasks.sweep_reminders_task",
        "schedule": REMINDER_SWEEP_MINUTES * 60.0,
    },
    "send-digests": {
        "task": "foia.notifications.tasks.send_digests_task",
        "schedule": crontab(minute=0, hour=REMINDER_DIGEST_HOUR),
    },
    "sweep-outgoing-mail": {
        "task": "foia.mail.outbound.tasks.sweep_outgoing_task",
        "schedule": 120.0,
    },
    "sweep-invitations": {  # invitation e-mails whose task was lost or whose retry is due
        "task": "foia.workspace.tasks.sweep_invitations_task",
        "schedule": 120.0,
    },
    "mark-lapsed-deadlines": {
        "task": "foia.tasks.mark_lapsed_deadlines_task",
        "schedule": crontab(minute=5, hour=0),
    },
}

# --- Public site and dashboard (issue 4): see foia/views/public.py and foia/stats.
# Authorities with fewer requests whose timeliness is known are listed but not ranked (Alaveteli
# hides bodies under 100). The same minimum in every mode: one request is no ranking.
PUBLIC_RANKING_MIN_REQUESTS = envint("RANKING_MIN_REQUESTS", 10)
PUBLIC_PAGE_SIZE = envint("PUBLIC_PAGE_SIZE", 25)

# --- NGO workspace (issue 5): see foia/workspace.
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:board"
LOGOUT_REDIRECT_URL = None  # show registration/logged_out.html
# Failed logins per username and address before the login is refused for the window (seconds).
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = envint("LOGIN_FAILURE_WINDOW", 15 * 60)
# A higher ceiling per username over all addresses (a guess spread over many addresses).
LOGIN_FAILURE_USER_LIMIT = envint("LOGIN_FAILURE_USER_LIMIT", 30)
# Content-Security-Policy: scripts, styles, images and fonts from our own origin only; no inline
# script or style anywhere (the templates have none), no plugins, no framing, forms post home.
# The API's reference page uses our own copy of drf-spectacular's Swagger UI template: its start-up
# script is served by the view, its style is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Proxies (addresses or networks) whose X-Forwarded-For is believed; nobody else's is.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
# django-axes guards every authentication path (workspace login, /admin/, password reset,
# invitation links); attempts live in the database, shared by all processes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "foia.workspace.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = "foia.workspace.lockout.failure_limit"
AXES_COOLOFF_TIME = "foia.workspace.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "foia.workspace.lockout.client_ip"
AXES_USERNAME_CALLABLE = "foia.workspace.lockout.client_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# WeasyPrint and fontTools log every step of a PDF at INFO.
LOGGING.setdefault("loggers", {}).update(
    {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # it logs every attempt at INFO; lockouts are WARNING
    }
)

# --- E-mail with the authorities (issue 11): see foia/mail.
# Reply addresses r<id>-<token>@MAIL_DOMAIN; the token is an HMAC with MAIL_SECRET (default: derived
# from SECRET_KEY — set it explicitly so that rotating SECRET_KEY keeps the old addresses working).
MAIL_DOMAIN = envstr("MAIL_DOMAIN", "foi.localhost")
MAIL_SECRET = envstr("MAIL_SECRET", "")
# Local part of the From address of what the organisations send: "<org name> <noreply@MAIL_DOMAIN>".
MAIL_FROM_LOCALPART = envstr("MAIL_FROM_LOCALPART", "noreply")
# The Commissioner's e-mail for appeals and urgencies.
COMMISSIONER_EMAIL = envstr("COMMISSIONER_EMAIL", "office@poverenik.rs")
# Messages per second a campaign's sending may go out at (all its sending tasks together).
MAIL_SEND_RATE = float(envstr("MAIL_SEND_RATE", "2"))
# Sending tasks a campaign runs at once (they take different batches): up to the worker's
# concurrency; each keeps MAIL_SEND_RATE / MAIL_CAMPAIGN_SENDERS.
MAIL_CAMPAIGN_SENDERS = max(envint("MAIL_CAMPAIGN_SENDERS", 1), 1)
# Attempts before a message is given up as failed; the delay doubles from MAIL_RETRY_SECONDS.
MAIL_SEND_MAX_ATTEMPTS = envint("MAIL_SEND_MAX_ATTEMPTS", 8)
MAIL_RETRY_SECONDS = envint("MAIL_RETRY_SECONDS", 60)
# A worker that died mid-send loses its claim after this many seconds (> CELERY_TASK_TIME_LIMIT).
MAIL_CLAIM_LEASE_SECONDS = envint("MAIL_CLAIM_LEASE_SECONDS", 300)

# --- API and webhooks (issue 12): see foia/api and foia/webhooks.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["foia.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "foia.api.throttling.ClientBurstThrottle",
        "foia.api.throttling.ClientSustainedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "burst": envstr("API_THROTTLE_BURST", "60/min"),
        "sustained": envstr("API_THROTTLE_SUSTAINED", "3000/hour"),
    },
    "EXCEPTION_HANDLER": "foia.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FOI tracker API",
    "DESCRIPTION": "Requests for information of public importance in Serbia: the public log, "
    "authorities, campaigns and figures; with a personal token, an organisation's own requests.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AuthorityKindEnum": "foia.models.AuthorityKind",
        "EventKindEnum": "foia.models.EventKind",
        "DeadlineKindEnum": "foia.models.DeadlineKind",
        "RequestStatusEnum": "foia.models.RequestStatus",
    },
}
API_PAGE_SIZE = envint("API_PAGE_SIZE", 50)
API_MAX_PAGE_SIZE = 200
# Webhooks: loopback and private targets are refused unless this is on (tests, private networks).
WEBHOOKS_ALLOW_PRIVATE = envbool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10)
# A worker that died mid-delivery loses its claim after this long (> the timeout).
WEBHOOK_CLAIM_LEASE_SECONDS = envint("WEBHOOK_CLAIM_LEASE_SECONDS", 60)
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = envint("WEBHOOK_RETRY_MAX_SECONDS", 3600)
WEBHOOK_DISABLE_AFTER_HOURS = envint("WEBHOOK_DISABLE_AFTER_HOURS", 24)
WEBHOOK_SWEEP_SECONDS = envint("WEBHOOK_SWEEP_SECONDS", 60)
CELERY_BEAT_SCHEDULE["sweep-webhooks"] = {
    "task": "foia.webhooks.tasks.sweep_webhooks_task",
    "schedule": float(WEBHOOK_SWEEP_SECONDS),
}

# --- Receiving e-mail (issue 11): see foia/mail/inbound. Messages come in by `manage.py
# receive_mail` (an MTA pipes to it) and/or from the IMAP mailbox at IMAP_URL
# (imap[s]://user:password@host[:port]/FOLDER), polled every IMAP_POLL_SECONDS by beat.
IMAP_URL = envstr("IMAP_URL", "")
IMAP_POLL_SECONDS = envint("IMAP_POLL_SECONDS", 60)
IMAP_BATCH = envint("IMAP_BATCH", 200)
# Local hour of the daily note to whoever has received mail waiting for review or classification.
MAIL_WAITING_NOTE_HOUR = envint("MAIL_WAITING_NOTE_HOUR", 8)
CELERY_BEAT_SCHEDULE["mail-waiting-note"] = {
    "task": "foia.mail.inbound.tasks.waiting_note_task",
    "schedule": crontab(minute=15, hour=MAIL_WAITING_NOTE_HOUR),
}
if IMAP_URL:
    CELERY_BEAT_SCHEDULE["fetch-mail"] = {
        "task": "foia.mail.inbound.tasks.fetch_mail_task",
        "schedule": float(IMAP_POLL_SECONDS),
    }
