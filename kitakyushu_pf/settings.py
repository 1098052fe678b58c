"""Settings for つながるPF, driven by the environment (see .env.example and README)."""

import os
import secrets
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Environment: fail closed ---------------------------------------------------------------
# development (also when unset, so that a newcomer's manage.py commands just work), test (the
# test suite and the servers it starts) or production. Anything else refuses to start.
ENVIRONMENTS = ("development", "test", "production")
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"DJANGO_ENV={DJANGO_ENV!r} is not known: use one of {', '.join(ENVIRONMENTS)} "
        "(unset means development)."
    )
PRODUCTION = DJANGO_ENV == "production"
DEVELOPMENT = DJANGO_ENV == "development"
VAR_DIR.mkdir(exist_ok=True)

# DEBUG only ever in development (on by default there; `make serve` turns it off).
DEBUG = env.bool("DJANGO_DEBUG", default=DEVELOPMENT)
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured(
        f"DJANGO_DEBUG must be off when DJANGO_ENV={DJANGO_ENV}: DEBUG is for development only."
    )

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5  # Django's own bar (security.W009)
# Key rotation: the old key(s) keep existing sessions and signed links valid until they expire.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])


def _checkout_secret_key(path: Path) -> str:
    """The development/test key of this checkout: generated once, kept in var/, never in code."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(secrets.token_urlsafe(64))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic: two processes starting at once agree on one key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


if PRODUCTION:
    # Production never starts with a guessable key or an open host list.
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
        ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production."
        ) from exc
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must not be empty in production.")
    if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is {len(SECRET_KEY)} characters long: production needs "
            f"{MIN_SECRET_KEY_LENGTH} or more random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
        )
    # What `check --deploy` only warns about (security.W009, W025) stops production: a key of a
    # few repeated characters, Django's generated development key, or a weak old key that still
    # signs valid links.
    _keys = [("DJANGO_SECRET_KEY", SECRET_KEY)] + [
        (f"DJANGO_SECRET_KEY_FALLBACKS[{i}]", key) for i, key in enumerate(SECRET_KEY_FALLBACKS)
    ]
    for _name, _key in _keys:
        if (
            len(_key) < MIN_SECRET_KEY_LENGTH
            or len(set(_key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
            or _key.startswith("django-insecure-")
        ):
            raise ImproperlyConfigured(
                f"{_name} is not a production key: it needs {MIN_SECRET_KEY_LENGTH} or more "
                f"random characters ({MIN_SECRET_KEY_UNIQUE_CHARACTERS} or more different ones, "
                "not Django's generated 'django-insecure-' key) "
                '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
            )
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _checkout_secret_key(
        VAR_DIR / "dev-secret-key"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin: handbook content in six languages
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
    "simple_history",
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
    # Anonymous handbook pages from cache before sessions, auth, CSRF, messages and axes.
    "handbook.middleware.HandbookEarlyCacheMiddleware",
    # Anonymous /answer/ pages without sessions, auth, messages, history and axes (CSRF kept).
    "surveys.middleware.AnswerStackMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
            # Dates in the reader's language without a {% load %} in every template.
            "builtins": ["kitakyushu_pf.templatetags.portal_i18n"],
        },
    },
]

WSGI_APPLICATION = "kitakyushu_pf.wsgi.application"

# --- Database -------------------------------------------------------------------------------
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
LOGIN_REDIRECT_URL = "members:after-login"
LOGOUT_REDIRECT_URL = "home"

# Two lockout rules: a user name from one address (AXES_FAILURE_LIMIT), and a user name from
# anywhere (AXES_USERNAME_FAILURE_LIMIT, higher: guessing spread over many addresses).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "kitakyushu_pf.axes_handler.PortalAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Behind the HTTPS proxy the client address is the proxy's unless the proxies are counted.
AXES_BEHIND_PROXY = env.bool("AXES_BEHIND_PROXY", default=PRODUCTION)
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# Axes counts the client the proxies name, exactly as the portal's other abuse limits do (without
# this it would count REMOTE_ADDR: behind the proxy, everyone is one address).
AXES_CLIENT_IP_CALLABLE = "kitakyushu_pf.ratelimits.client_ip_address"
if PRODUCTION and AXES_BEHIND_PROXY and AXES_IPWARE_PROXY_COUNT < 1:
    raise ImproperlyConfigured(
        "AXES_PROXY_COUNT=0 in production would make every client behind the HTTPS proxy one "
        "address (anyone could lock any account out): set AXES_PROXY_COUNT to the number of "
        "proxies in front of the portal, or AXES_BEHIND_PROXY=false if there is none."
    )
# Log-in records (attempts, failures, successes) are purged after this many days.
AXES_LOG_RETENTION_DAYS = env.int("AXES_LOG_RETENTION_DAYS", default=90)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The portal's date formats per language (kitakyushu_pf/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["kitakyushu_pf.formats"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
# Uploaded media (flyers). In production serve them from a separate origin (README,
# "Deployment"): DJANGO_MEDIA_URL=https://media.tsunagaru.example.jp/. A relative MEDIA_URL is
# served by the portal itself, always as a download (Content-Disposition: attachment, nosniff).
MEDIA_URL = env.str("DJANGO_MEDIA_URL", default="/media/")
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
# E-mails a web process reserves within this many seconds (a rush of registrations) share one
# worker "drain" task instead of a broker message each
# (kitakyushu_pf.services.outbox_dispatch_on_commit); 0 = one task per e-mail.
PORTAL_OUTBOX_BATCH_SECONDS = env.float("PORTAL_OUTBOX_BATCH_SECONDS", default=1.0)

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
# A queued job the broker never took (it was down) is sent again by the relay after this long …
PORTAL_JOB_RELAY_AFTER_SECONDS = env.int("PORTAL_JOB_RELAY_AFTER_SECONDS", default=60)
# … and one it took but never ran (the message was lost, e.g. Redis restarted empty) after this.
PORTAL_JOB_RELAY_LOST_AFTER_SECONDS = env.int("PORTAL_JOB_RELAY_LOST_AFTER_SECONDS", default=3600)
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
# Set-your-password links (invitations) are valid this many days and work once.
MEMBERS_INVITATION_DAYS = env.int("MEMBERS_INVITATION_DAYS", default=7)
# A handbook window whose information was checked longer ago than this is stale.
MEMBERS_WINDOW_FRESHNESS_DAYS = env.int("MEMBERS_WINDOW_FRESHNESS_DAYS", default=182)

# --- casestudies ---
# How long the read log (who opened which case study, when) is kept.
CASESTUDIES_READ_LOG_DAYS = env.int("CASESTUDIES_READ_LOG_DAYS", default=730)

# --- trainings ---
# TEST-ONLY switches for the registration race tests (never set them in production):
# disable the session row lock (plain count-then-insert) and sleep after the capacity check so
# that concurrent requests interleave. Both default off.
TRAININGS_TEST_DISABLE_LOCKING = env.bool("TRAININGS_TEST_DISABLE_LOCKING", default=False)
TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK = env.float(
    "TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK", default=0.0
)

# --- handbook ---
# Seconds between writes of the in-memory anonymous usage counts to the daily rows.
HANDBOOK_USAGE_FLUSH_SECONDS = env.int("HANDBOOK_USAGE_FLUSH_SECONDS", default=30)
# Lifetime of a cached handbook page (content changes retire it at once through the version).
HANDBOOK_PAGE_CACHE_SECONDS = env.int("HANDBOOK_PAGE_CACHE_SECONDS", default=600)
# How long each process trusts its copy of the content version (one cache read per this).
HANDBOOK_VERSION_CHECK_SECONDS = env.float("HANDBOOK_VERSION_CHECK_SECONDS", default=1.0)
# Where the quick-exit button goes.
HANDBOOK_QUICK_EXIT_URL = env.str("HANDBOOK_QUICK_EXIT_URL", default="https://www.google.co.jp/")
# The fixed-string view used as the benchmark's baseline; off (404) unless turned on.
HANDBOOK_BENCH_BASELINE = env.bool("HANDBOOK_BENCH_BASELINE", default=False)
# A failed search's words are kept only once the same text came this often in a day …
HANDBOOK_EMPTY_SEARCH_MIN_REPEATS = env.int("HANDBOOK_EMPTY_SEARCH_MIN_REPEATS", default=3)
# … and at most this many distinct texts a day.
HANDBOOK_EMPTY_SEARCH_DAILY_CAP = env.int("HANDBOOK_EMPTY_SEARCH_DAILY_CAP", default=30)
# Wrong-entry reports accepted per client address and hour (the form sets no cookie).
HANDBOOK_REPORTS_PER_HOUR = env.int("HANDBOOK_REPORTS_PER_HOUR", default=5)
# Content languages of the handbook (`?lang=`): Japanese is the source; "easy" is やさしい日本語.
HANDBOOK_LANGUAGES = ("ja", "easy", "en", "zh-hans", "ko", "vi")
MODELTRANSLATION_LANGUAGES = HANDBOOK_LANGUAGES
MODELTRANSLATION_DEFAULT_LANGUAGE = "ja"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ja",)
# A translation not yet checked by a person is shown (with a note saying so) instead of the
# Japanese text: for demonstrations. On by default in development, off in production.
HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS = env.bool(
    "HANDBOOK_SHOW_UNCHECKED_TRANSLATIONS", default=DEBUG or DEVELOPMENT
)

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
# TEST-ONLY switch for the fault tests (never set it in production): seconds the report build
# sleeps after it has recorded its worker pid, so that the test can kill that process mid-task.
SURVEYS_TEST_SLEEP_IN_REPORT = env.float("SURVEYS_TEST_SLEEP_IN_REPORT", default=0.0)
# TEST-ONLY, likewise: seconds a file validation waits after checking the rows, before it loads.
SURVEYS_TEST_SLEEP_IN_VALIDATION = env.float("SURVEYS_TEST_SLEEP_IN_VALIDATION", default=0.0)
# --- Survey web answering (surveys/web.py) ---------------------------------------------------
# Key of the access codes' keyed hash (HMAC-SHA256); empty: SECRET_KEY. Changing it makes every
# issued code unusable, so set it once per installation and keep it with the secret key.
SURVEYS_CODE_KEY = env.str("SURVEYS_CODE_KEY", default="")
# Wrong codes allowed per IP address and over the whole site (kitakyushu_pf/ratelimits.py).
SURVEYS_ANSWER_RATE_IP = env.str("SURVEYS_ANSWER_RATE_IP", default="20/h")
SURVEYS_ANSWER_RATE_ALL = env.str("SURVEYS_ANSWER_RATE_ALL", default="300/10m")
# A web answer queues a rebuild of the dataset's reports (at most one queued at a time).
SURVEYS_WEB_REPORT_DISPATCH = env.bool("SURVEYS_WEB_REPORT_DISPATCH", default=True)

# --- trainings: personal links, retention ---
# "My registrations" links stay valid this many days after the person's last session.
TRAININGS_ME_LINK_DAYS = env.int("TRAININGS_ME_LINK_DAYS", default=30)
# Questionnaire links stay valid this many days after their session.
TRAININGS_QUESTIONNAIRE_LINK_DAYS = env.int("TRAININGS_QUESTIONNAIRE_LINK_DAYS", default=60)
# Registrations (and their e-mails) are anonymised this many days after the programme ends.
TRAININGS_RETENTION_DAYS = env.int("TRAININGS_RETENTION_DAYS", default=365)

# --- abuse limits (kitakyushu_pf/ratelimits.py, django-ratelimit on the default cache) ---
# A cache outage must not refuse everyone: count in a bounded per-process table instead.
RATELIMIT_ENABLE = True
RATELIMIT_FAIL_OPEN = True
RATELIMIT_USE_CACHE = "default"
# Registrations per recipient address per day and per client IP per hour.
PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY = env.int(
    "PORTAL_RATELIMIT_REGISTER_PER_ADDRESS_DAY", default=6
)
PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR = env.int("PORTAL_RATELIMIT_REGISTER_PER_IP_HOUR", default=20)

# --- Periodic tasks (Celery beat): the whole schedule, in one block --------------------------
HOUR = 60 * 60.0
DAY = 24 * HOUR
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # portal
    "outbox-relay": {"task": "kitakyushu_pf.tasks.outbox_relay", "schedule": 60.0},
    "background-job-sweep": {
        "task": "kitakyushu_pf.tasks.background_jobs_sweep",
        "schedule": 300.0,
    },
    # jobs queued while the broker was down, or whose message was lost
    "background-job-relay": {"task": "kitakyushu_pf.tasks.background_jobs_relay", "schedule": 60.0},
    # Every retention rule of every app (surveys microdata and problem lists included).
    "portal-retention": {"task": "kitakyushu_pf.tasks.retention_run", "schedule": DAY},
    # members
    "members-freshness-check": {"task": "members.tasks.members_freshness_check", "schedule": DAY},
    "members-news-digest": {"task": "members.tasks.members_news_digest", "schedule": DAY},
    # hourly; one reminder per person (outbox key), the day before
    "members-meeting-reminders": {
        "task": "members.tasks.members_meeting_reminders",
        "schedule": HOUR,
    },
    # trainings: each reminder is sent once (outbox key), the day before
    "trainings-reminders": {"task": "trainings.tasks.reminders_send", "schedule": HOUR},
    "trainings-questionnaires": {
        "task": "trainings.tasks.questionnaires_send",
        "schedule": HOUR / 2,
    },
    # seats held pending e-mail confirmation and not confirmed in time go to the waiting list
    "trainings-holds-release": {"task": "trainings.tasks.holds_release", "schedule": 300.0},
}

# --- Test-only switches: refused in production -----------------------------------------------
# The hooks they turn on live in kitakyushu_pf/test_hooks.py. Any variable named *_TEST_* counts.
TEST_ONLY_SWITCHES = ("PORTAL_FAULT_PROBES", "DJANGO_EMAIL_BACKEND", "DJANGO_CONN_HEALTH_CHECKS")
_APP_PREFIXES: tuple[str, ...] = ("PORTAL_", "DJANGO_", "AXES_", "MEMBERS_", "TRAININGS_")
_APP_PREFIXES += ("CASESTUDIES_", "SURVEYS_", "HANDBOOK_")


def _test_switches_set(environ: dict[str, str]) -> list[str]:
    return sorted(
        name
        for name, value in environ.items()
        if value.strip()
        and (name in TEST_ONLY_SWITCHES or (name.startswith(_APP_PREFIXES) and "_TEST_" in name))
    )


if PRODUCTION and (_refused := _test_switches_set(dict(os.environ))):
    prefixes = sorted({name.split("_TEST_")[0] for name in _refused if "_TEST_" in name})
    raise ImproperlyConfigured(
        "Test-only switches are set but DJANGO_ENV=production refuses them: "
        + ", ".join(_refused)
        + "".join(f". The {prefix}_TEST_* switches are for tests only" for prefix in prefixes)
        + "."
    )
