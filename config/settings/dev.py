"""Local development and the demo started by `python3 dev.py start`."""

from .base import *  # noqa: F403
from .base import MIDDLEWARE

DEBUG = True
ALLOWED_HOSTS = ["*"]

# Static files are served by Django's staticfiles app here; whitenoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]
