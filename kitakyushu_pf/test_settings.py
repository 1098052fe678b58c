"""Test settings: the production settings with fast, isolated overrides."""

import os
import tempfile

# The suite runs as DJANGO_ENV=test whatever the shell says (servers it starts inherit it).
os.environ["DJANGO_ENV"] = "test"

from .settings import *  # noqa: E402, F403
from .settings import CACHES, env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test asks for the real worker (marker `worker`).
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = tempfile.mkdtemp(prefix="kpf-media-")
PRIVATE_STORAGE_ROOT = tempfile.mkdtemp(prefix="kpf-private-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not env.str("CACHE_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kpf-tests",
        }
    }
else:
    CACHES = CACHES
AXES_ENABLED = True
# The handbook asks the cache for its content version on every request in tests (tests clear
# and swap caches between requests); the 1-second copy is exercised in tests/handbook.
HANDBOOK_VERSION_CHECK_SECONDS = 0.0
