"""Settings shared by every environment.

Environment-specific modules (dev, test, prod) import * from here and adjust. Anything that differs
between deployments comes from the environment (DATABASE_URL, JINGZHUN_DATA_DIR, DJANGO_SECRET_KEY …).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("JINGZHUN_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "axes",
    "jingzhun.core",
    "jingzhun.areas",
    "jingzhun.accounts",
    "jingzhun.register",
    "jingzhun.workflows",
    "jingzhun.identification",
    "jingzhun.monitoring",
    "jingzhun.public",
    "jingzhun.assistance",
    "jingzhun.comparison",
    "jingzhun.policy",
    "jingzhun.assessment",
    "jingzhun.indicators",
    "jingzhun.reports",
    "jingzhun.evaluation",
    "jingzhun.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jingzhun.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jingzhun.core.middleware.RequestContextMiddleware",
    # Axes must be last so that it sees the final authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jingzhun" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jingzhun.core.context_processors.shell",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict:
    """DATABASE_URL selects PostgreSQL; otherwise an embedded SQLite file in WAL mode."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write inside a transaction.
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                "PRAGMA temp_store=MEMORY;"  # sorts and GROUP BY of bulk passes without temp files
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_env(DATA_DIR / "jingzhun.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: 5 failures per (username, IP) lock the pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "jingzhun.accounts.views.lockout_response"  # JSON for the API, a page otherwise
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "jingzhun" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Job progress is written by the worker process and read by the web process, sometimes while the
    # worker holds a long database transaction (all-or-nothing imports), so it lives in files.
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "progress-cache"),
        "TIMEOUT": 7 * 24 * 3600,
    },
    # Rate limits of the public portal must be shared by every web worker process.
    "public": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "public-cache"),
        "TIMEOUT": 2 * 24 * 3600,
    },
}
JINGZHUN_PUBLIC_CACHE = "public"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "jingzhun.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "精准帮扶管理系统 API",
    "DESCRIPTION": "jingzhun REST API. 所有数据按用户的区域范围过滤。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("status", "kind" …) get a stable name of their own instead of a
    # hash suffix; jingzhun/core/tests/test_openapi.py fails when the schema has warnings.
    "ENUM_NAME_OVERRIDES": {
        "NoticeKindEnum": "jingzhun.workflows.choices.NoticeKind",
        "NoticeStatusEnum": "jingzhun.workflows.choices.NoticeStatus",
        "ProcedureKindEnum": "jingzhun.workflows.choices.ProcedureKind",
        "ProcedureStatusEnum": "jingzhun.workflows.choices.ProcedureStatus",
        "ChangeKindEnum": "jingzhun.register.choices.ChangeKind",
        "CaseSourceEnum": "jingzhun.monitoring.choices.CaseSource",
        "IncomePeriodEnum": "jingzhun.assessment.choices.Period",
        "SuspectStatusEnum": "jingzhun.comparison.choices.SuspectStatus",
        "DatasetBatchStatusEnum": "jingzhun.comparison.choices.BatchStatus",
        "ComparisonRunStatusEnum": "jingzhun.comparison.choices.RunStatus",
    },
}

# Import files and dry-run caches under MEDIA_ROOT/uploads/ that nothing refers to are deleted after this many
# days by `manage.py cleanup_uploads` (run daily from cron).
JINGZHUN_UPLOAD_RETENTION_DAYS = int(os.environ.get("JINGZHUN_UPLOAD_RETENTION_DAYS", "7"))
# Finished background job rows (and their result files) are kept this many days; `cleanup_uploads` prunes them.
JINGZHUN_JOB_RETENTION_DAYS = int(os.environ.get("JINGZHUN_JOB_RETENTION_DAYS", "90"))

# The address printed in QR codes on notice posters (e.g. https://fupin.example.gov.cn); empty: the
# address the poster page was requested at.
JINGZHUN_PUBLIC_BASE_URL = os.environ.get("JINGZHUN_PUBLIC_BASE_URL", "")

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JINGZHUN_LOG_LEVEL", "WARNING")},
}

# Set to 1 only behind a reverse proxy that overwrites X-Forwarded-For (the audit trail records client IPs).
JINGZHUN_TRUST_X_FORWARDED_FOR = os.environ.get("JINGZHUN_TRUST_X_FORWARDED_FOR", "0") == "1"

# Product labels used in the UI shell.
JINGZHUN_SITE_NAME = _("精准帮扶管理系统")
