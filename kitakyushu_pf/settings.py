"""Settings for つながるPF, driven by the environment (see .env.example and README)."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

if PRODUCTION or not DEBUG:
    # Fail fast: production never starts with a guessable key or an open host list.
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
        ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set when DEBUG is off."
        ) from exc
    if not SECRET_KEY or not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must not be empty when DEBUG is off."
        )
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="development-only-key-not-for-production-use-0123456789"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "kitakyushu_pf",
    "members",
    "trainings",
    "casestudies",
    "surveys",
    "handbook",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kitakyushu_pf.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kitakyushu_pf.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "kitakyushu_pf.wsgi.application"

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let concurrent registrations queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
    if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
        # A cache outage must never take the public pages down: reads become misses.
        CACHES["default"].setdefault("OPTIONS", {}).update(
            {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            }
        )
        DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kitakyushu-pf",
        }
    }

# Sessions survive a cache outage (Django ticket #34806).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded microdata and case files are never served by the web server: downloads go through
# views that check permissions and write the audit log.
PRIVATE_STORAGE_ROOT = env.path("DJANGO_PRIVATE_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest upload the portal accepts (survey microdata); checked by the upload forms.
PORTAL_MAX_UPLOAD_BYTES = env.int("PORTAL_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="つながるPF 事務局 <no-reply@tsunagaru-pf.example.jp>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (cancel links, questionnaires) are built from this.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "outbox-relay": {"task": "kitakyushu_pf.tasks.outbox_relay", "schedule": 60.0},
    "portal-retention": {"task": "kitakyushu_pf.tasks.retention_run", "schedule": 24 * 3600.0},
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "kitakyushu_pf.views.csrf_failure"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    SESSION_COOKIE_AGE = 60 * 60 * 8

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Portal ---------------------------------------------------------------------------------
PORTAL_SECRETARIAT = {
    "name": _("Kitakyushu City, Health and Welfare Bureau, Community Welfare Promotion Division"),
    "phone": "093-582-2060",
    "phone_source": "https://www.city.kitakyushu.lg.jp/page/dayori/160815/healthy/healthy.html",
}

# --- hardening ---
# Key rotation: the old key(s) keep existing sessions and signed links valid until they expire.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
LANGUAGE_COOKIE_SAMESITE = "Lax"
_auth_mw = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_auth_mw:_auth_mw] = [
    "kitakyushu_pf.middleware.NoStoreForAuthenticatedMiddleware",
    "kitakyushu_pf.middleware.DenialLogMiddleware",
    "kitakyushu_pf.middleware.DatabaseUnavailableMiddleware",
]
# Denials and outages are always logged, whatever DJANGO_LOG_LEVEL says (root handler prints).
LOGGING["loggers"]["kitakyushu_pf.security"] = {"level": "WARNING"}  # type: ignore[index]
LOGGING["loggers"]["kitakyushu_pf.availability"] = {"level": "WARNING"}  # type: ignore[index]
# Override the mail backend alone (e.g. a slow test backend in a fault-test worker).
if env.str("DJANGO_EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND")
# Background jobs (kitakyushu_pf.jobs): scratch files live here and are removed after each run.
PORTAL_JOB_TMP_DIR = env.str("PORTAL_JOB_TMP_DIR", default=str(VAR_DIR / "jobs"))
# Grace after a job's hard time limit before the sweeper declares it failed.
PORTAL_JOB_SWEEP_GRACE_SECONDS = env.int("PORTAL_JOB_SWEEP_GRACE_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["background-job-sweep"] = {
    "task": "kitakyushu_pf.tasks.background_jobs_sweep",
    "schedule": 300.0,
}
# Fault-injection probes (tasks and a slow-query page) exist only when this is on: the fault
# tests set it in their own worker and web server, never in production.
PORTAL_FAULT_PROBES = env.bool("PORTAL_FAULT_PROBES", default=False)
# Only for the fault tests' control run (proving the health checks matter); never turn off.
if (
    not env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)
    and "CONN_HEALTH_CHECKS" in DATABASES["default"]
):
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

# --- members ---
# A listing older than this many days is "stale": its contact person gets a confirmation link.
MEMBERS_FRESHNESS_DAYS = env.int("MEMBERS_FRESHNESS_DAYS", default=182)
# How long the signed confirmation link in that e-mail stays valid.
MEMBERS_FRESHNESS_LINK_DAYS = env.int("MEMBERS_FRESHNESS_LINK_DAYS", default=30)
# Organisations that joined within this many days are marked as new on the onboarding page.
MEMBERS_NEW_MEMBER_DAYS = env.int("MEMBERS_NEW_MEMBER_DAYS", default=180)
CELERY_BEAT_SCHEDULE["members-freshness-check"] = {
    "task": "members.tasks.members_freshness_check",
    "schedule": 24 * 60 * 60.0,
}

# --- casestudies ---
# How long the read log (who opened which case study, when) is kept.
CASESTUDIES_READ_LOG_DAYS = env.int("CASESTUDIES_READ_LOG_DAYS", default=730)

# --- trainings ---
CELERY_BEAT_SCHEDULE["trainings-reminders"] = {
    "task": "trainings.tasks.reminders_send",
    "schedule": 60.0 * 60,  # hourly; each reminder is sent once (outbox key), the day before
}
CELERY_BEAT_SCHEDULE["trainings-questionnaires"] = {
    "task": "trainings.tasks.questionnaires_send",
    "schedule": 60.0 * 30,
}
# TEST-ONLY switches for the registration race tests (never set them in production):
# disable the session row lock (plain count-then-insert) and sleep after the capacity check so
# that concurrent requests interleave. Both default off.
TRAININGS_TEST_DISABLE_LOCKING = env.bool("TRAININGS_TEST_DISABLE_LOCKING", default=False)
TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = env.float(
    "TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK", default=0.0
)
if PRODUCTION and (TRAININGS_TEST_DISABLE_LOCKING or TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK):
    raise ImproperlyConfigured("The TRAININGS_TEST_* switches are for tests only.")

# --- handbook ---
# Seconds between writes of the in-memory anonymous usage counts to the daily rows.
HANDBOOK_USAGE_FLUSH_SECONDS = env.int("HANDBOOK_USAGE_FLUSH_SECONDS", default=30)
# Lifetime of a cached handbook page (content changes retire it at once through the version).
HANDBOOK_PAGE_CACHE_SECONDS = env.int("HANDBOOK_PAGE_CACHE_SECONDS", default=600)
# Where the quick-exit button goes.
HANDBOOK_QUICK_EXIT_URL = env.str("HANDBOOK_QUICK_EXIT_URL", default="https://www.google.co.jp/")
# The fixed-string view used as the benchmark's baseline; off (404) unless turned on.
HANDBOOK_BENCH_BASELINE = env.bool("HANDBOOK_BENCH_BASELINE", default=False)

# --- surveys ---
# Publication mode suppresses city counts below this threshold (plus complementary cells).
SURVEYS_SUPPRESSION_THRESHOLD = env.int("SURVEYS_SUPPRESSION_THRESHOLD", default=10)
SURVEYS_MAX_ROWS = env.int("SURVEYS_MAX_ROWS", default=2_000_000)
SURVEYS_XLSX_MAX_UNCOMPRESSED = env.int("SURVEYS_XLSX_MAX_UNCOMPRESSED", default=512 * 1024 * 1024)
SURVEYS_XLSX_MAX_ENTRIES = env.int("SURVEYS_XLSX_MAX_ENTRIES", default=1000)
SURVEYS_XLSX_MAX_RATIO = env.int("SURVEYS_XLSX_MAX_RATIO", default=200)
SURVEYS_REPORT_SOFT_TIME_LIMIT = env.int("SURVEYS_REPORT_SOFT_TIME_LIMIT", default=600)
SURVEYS_REPORT_TIME_LIMIT = env.int("SURVEYS_REPORT_TIME_LIMIT", default=660)
SURVEYS_RETENTION_DAYS = env.int("SURVEYS_RETENTION_DAYS", default=3 * 365)
CELERY_BEAT_SCHEDULE["surveys-reportjob-sweep"] = {
    "task": "surveys.tasks.reportjob_sweep_task",
    "schedule": 60.0,  # also re-enqueues jobs still QUEUED after a broker outage
}
# Report jobs still QUEUED this many seconds after being queued are sent to the broker again.
SURVEYS_REPORT_RELAY_AFTER = env.int("SURVEYS_REPORT_RELAY_AFTER", default=60)
# TEST-ONLY switch for the fault tests (never set it in production): seconds the report build
# sleeps after it has recorded its worker pid, so that the test can kill that process mid-task.
SURVEYS_TEST_SLEEP_IN_REPORT = env.float("SURVEYS_TEST_SLEEP_IN_REPORT", default=0.0)
if PRODUCTION and SURVEYS_TEST_SLEEP_IN_REPORT:
    raise ImproperlyConfigured("The SURVEYS_TEST_* switches are for tests only.")

# --- Survey web answering (surveys/web.py) ---------------------------------------------------
# Key of the access codes' keyed hash (HMAC-SHA256); empty: SECRET_KEY. Changing it makes every
# issued code unusable, so set it once per installation and keep it with the secret key.
SURVEYS_CODE_KEY = env.str("SURVEYS_CODE_KEY", default="")
# Wrong codes allowed per IP address and over the whole site (django-ratelimit, shared cache).
SURVEYS_ANSWER_RATE_IP = env.str("SURVEYS_ANSWER_RATE_IP", default="20/h")
SURVEYS_ANSWER_RATE_ALL = env.str("SURVEYS_ANSWER_RATE_ALL", default="300/10m")
# A web answer queues a rebuild of the dataset's reports (at most one queued at a time).
SURVEYS_WEB_REPORT_DISPATCH = env.bool("SURVEYS_WEB_REPORT_DISPATCH", default=True)
# Only for bench/answer_burst.py: the bare Django form POST baseline at /answer/bench-baseline/.
SURVEYS_BENCH_BASELINE = env.bool("SURVEYS_BENCH_BASELINE", default=False)
