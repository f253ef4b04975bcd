"""Test settings: same database engine as selected by DATABASE_URL, fast hashing, isolated data dir."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, MIDDLEWARE

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_tmp = Path(tempfile.mkdtemp(prefix="jingzhun-test-"))
MEDIA_ROOT = _tmp / "media"
CACHES = {
    **CACHES,
    "progress": {**CACHES["progress"], "LOCATION": str(_tmp / "progress-cache")},
    "public": {**CACHES["public"], "LOCATION": str(_tmp / "public-cache")},
}
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files are served by Django's staticfiles app here; whitenoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]

# Live-server threads must not keep PostgreSQL connections open, or the test database cannot be dropped.
from .base import DATABASES  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0
