"""Settings shared by every environment. Configuration comes from environment variables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
COUNCIL_NAME = env("COUNCIL_NAME", default="Wealdshire County Council")
SERVICE_NAME = env("SERVICE_NAME", default="SEN placements")

# --- Applications ---------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "core",
    "imports",
    "placements",
    "dps",
    "panel",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL or control character in the address is a 400 before anything reads it.
    "core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before CSRF: a signed-out htmx request is a 401 ("your session has ended"), even when
    # the CSRF cookie has gone with the session; other signed-out requests go to sign in.
    "core.middleware.LoginRequiredMiddleware",
    "core.sessions.RenewSessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Security headers (docs/security.md): a Content-Security-Policy with no inline script, a
    # Permissions-Policy, and no-store on everything a signed-in person sees or downloads.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.middleware.NoStoreMiddleware",
    # Releases a sign-in attempt reserved before its password check (core.sign_in), whatever
    # happened to the request.
    "core.sign_in.SignInReleaseMiddleware",
    # Last, as django-axes requires: refuses sign-in from a locked-out user or address.
    "axes.middleware.AxesMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people saving at once on SQLite (`make demo`) must wait their turn, not see "database
    # is locked". IMMEDIATE takes the write lock when a transaction begins, so a transaction
    # that read first cannot deadlock on upgrading its lock (SQLite answers that at once,
    # without waiting); the timeout is how long a save waits for the lock; WAL lets pages be
    # read while someone saves. PostgreSQL needs none of this.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes throttles sign-in (the service's form and the Django admin's, both of which go
# through authenticate()): after AXES_FAILURE_LIMIT failures a username is locked out from any
# address, and an address is locked out for any username, for AXES_COOLOFF_TIME. Attempts and
# lockouts are listed in the Django admin ("Axes"); an admin can unlock there, or with
# `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Each attempt is reserved atomically before its password is checked, so a burst of attempts
# at once checks no more than AXES_FAILURE_LIMIT passwords (core.sign_in).
AXES_HANDLER = "core.sign_in.ReservingAxesHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Every failure is kept too (admin: "Access failures"), not only the running count per user.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
# The address a lockout and the audit log record is the one the outermost trusted proxy saw.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SESSION_COOKIE_AGE = 30 * 60
# An idle session ends after SESSION_COOKIE_AGE. Activity renews it, written at most once a
# minute (core.sessions.RenewSessionMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# The timeout warning (static/js/app.js) opens this long before an idle session ends.
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=120)
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# --- Security headers (docs/security.md "Headers and caching") ------------------------------
# The same policy in every environment, so the browser tests prove the pages work under it.
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` gathers the files WhiteNoise serves in production.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery and the cache ----------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Shared by every web process with Redis (what one process clears, all see); in one process's
# memory without it (the demo).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sen",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (killed, out of memory) goes back on the queue; the job's
# claim (core.services.job_claim) runs it again once its heartbeat is stale.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Imports run on their own queue, so a big file never holds up other jobs; a worker process
# that grows past this (KB) is replaced after its task.
RECOMPUTE_QUEUE = "celery"  # the dashboards' recompute jobs (a fault test sends them elsewhere)
IMPORTS_QUEUE = "imports"  # imports run on their own queue, so one big file cannot starve the rest
CELERY_TASK_ROUTES = {"imports.tasks.*": {"queue": IMPORTS_QUEUE}}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_000_000
)
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Recompute the dashboards a minute after a placement, decision, fee or uplift changes
# (debounced: the changes of that minute make one recompute), with a worker or without one.
REPORTING_RECOMPUTE_ON_CHANGE = env.bool("REPORTING_RECOMPUTE_ON_CHANGE", default=True)
REPORTING_RECOMPUTE_DEBOUNCE_SECONDS = env.int("REPORTING_RECOMPUTE_DEBOUNCE_SECONDS", default=60)
# Without a worker (no REDIS_URL, `make demo`) a recompute runs in a thread of the web process,
# so neither a save nor "Recompute now" waits for it (reporting.services, core.services).
REPORTING_RECOMPUTE_IN_BACKGROUND = CELERY_TASK_ALWAYS_EAGER
CELERY_BEAT_SCHEDULE = {
    "recompute-dashboards-nightly": {
        "task": "reporting.tasks.recompute_dashboards",
        "schedule": crontab(hour=2, minute=15),
    },
    "fail-jobs-whose-worker-died": {
        "task": "core.tasks.jobs_reap",
        "schedule": 60.0,
    },
    "delete-old-files": {
        "task": "core.tasks.kept_files_expire",
        "schedule": crontab(hour=3, minute=30),
    },
    "audit-prune-nightly": {
        "task": "core.audit_tasks.audit_prune",
        "schedule": crontab(hour=3, minute=5),
    },
    "send-consultation-emails-not-yet-sent": {
        "task": "dps.tasks.consultation_emails_send_due",
        "schedule": 120.0,
    },
    "submission-tokens-expire-nightly": {
        "task": "core.tasks.submission_tokens_expire",
        "schedule": crontab(hour=3, minute=10),
    },
}
# A running job writes a heartbeat every few seconds; one silent for this long has lost its
# worker and is marked failed (core.tasks.jobs_reap), and may be claimed again.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=5)
JOB_HEARTBEAT_TIMEOUT = env.int("JOB_HEARTBEAT_TIMEOUT", default=120)

# --- Import limits (docs/security.md "Hostile files and dead workers") ------------------
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=250_000)
IMPORT_CHUNK_SIZE = env.int("IMPORT_CHUNK_SIZE", default=5_000)  # rows checked or written at once
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=2_000)
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env.int(
    "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
IMPORT_MAX_XLSX_RATIO = env.int("IMPORT_MAX_XLSX_RATIO", default=100)
IMPORT_MAX_ERRORS = env.int("IMPORT_MAX_ERRORS", default=1_000)
IMPORT_ERROR_VALUE_CHARS = env.int("IMPORT_ERROR_VALUE_CHARS", default=200)
IMPORT_DATE_MIN_YEAR = env.int("IMPORT_DATE_MIN_YEAR", default=1990)
IMPORT_DATE_MAX_YEAR = env.int("IMPORT_DATE_MAX_YEAR", default=2100)
# Every file the product writes under MEDIA_ROOT (uploads, errors files, SEN2 returns and
# working extracts, register downloads) is deleted this many days after it was written
# (core.retention, nightly). IMPORT_RETENTION_DAYS is its former name, still read.
FILE_RETENTION_DAYS = env.int(
    "FILE_RETENTION_DAYS", default=env.int("IMPORT_RETENTION_DAYS", default=30)
)

# --- Domain settings ------------------------------------------------------
# A consultation is due back this many days after it is sent (dps.rules.consultation_due_date):
# calendar days, or working days (weekends and England's bank holidays skipped) when on.
CONSULTATION_RESPONSE_DAYS = env.int("CONSULTATION_RESPONSE_DAYS", default=15)
CONSULTATION_WORKING_DAYS = env.bool("CONSULTATION_WORKING_DAYS", default=False)
# Offers compared for a child are ranked by this weighting of quality and cost (percent, sum 100).
DPS_QUALITY_WEIGHT = env.int("DPS_QUALITY_WEIGHT", default=60)
DPS_COST_WEIGHT = env.int("DPS_COST_WEIGHT", default=40)
UPLIFT_BREAKDOWN_THRESHOLD_PERCENT = env.float("UPLIFT_BREAKDOWN_THRESHOLD_PERCENT", default=3.0)
# SEN2 return (docs/sen2.md): the council's 3-digit DfE LA number (LEA in the header), and the
# LA-level items: the Designated Medical, Clinical and Social Care Officers (blank: not sent).
COUNCIL_LA_CODE = env("COUNCIL_LA_CODE", default="886")
# The council's own local authority as GIAS names it: a provider there is "in area" on the
# New placements dashboard and report.
COUNCIL_LA_NAME = env("COUNCIL_LA_NAME", default="Wealdshire")
SEN2_DMO = env("SEN2_DMO", default="")
SEN2_DCO = env("SEN2_DCO", default="")
SEN2_DSCO = env("SEN2_DSCO", default="")

# The audit log of reads and downloads (core.audit) keeps events this long, then the nightly
# task core.audit_tasks.audit_prune deletes them.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)

# A create form's submission token (core.idempotency) is kept this long: a repeat of the form
# within it finds what the first submission made. The nightly task deletes older ones.
SUBMISSION_TOKEN_RETENTION_HOURS = env.int("SUBMISSION_TOKEN_RETENTION_HOURS", default=24)

# Counts from 1 to this are shown as `c` to people without casework (core.disclosure).
SMALL_NUMBER_THRESHOLD = 4

# --- Email (consultation packs and chases to schools' SEN contacts) ------------
# Local: printed to the console. Production: SMTP from EMAIL_HOST etc. Tests: in memory.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="sen-placements@wealdshire.example")
# A mail server that accepts the connection and then hangs gives up after this many seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Consultation emails are an outbox (dps.ConsultationEmail): one that fails is tried again
# after 1, 2, 4 ... minutes (at most an hour apart) by its task and the beat entry above, up to
# this many attempts; after that only an officer's "Try sending again" sends it.
CONSULTATION_EMAIL_MAX_ATTEMPTS = env.int("CONSULTATION_EMAIL_MAX_ATTEMPTS", default=12)
# A worker that took an email to send and did not finish in this long (it died) gives it up.
CONSULTATION_EMAIL_CLAIM_SECONDS = 10 * 60
# The directory the file-based backend (django.core.mail.backends.filebased.EmailBackend) writes
# each message to, instead of sending it: the browser tests against production settings use it.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default="")

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
