"""Local development and the demo started by `python3 dev.py start`."""

from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
