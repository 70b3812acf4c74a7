"""Fengqiao settings: one flat module, everything that differs per machine comes from the environment.

The default is a development setup on an embedded SQLite database; `DATABASE_URL` selects PostgreSQL.
Production mode (`FENGQIAO_DEBUG` unset) refuses to start with the development secret key.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets `admin.ModelAdmin[Model]` and other generic annotations work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("FENGQIAO_VAR_DIR", PROJECT_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEV_SECRET_KEY = "fengqiao-development-key-not-for-production"
DEBUG = env_flag("FENGQIAO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# The test runner and `make run` set FENGQIAO_DEBUG; anything else with the default key is a mistake.
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY and not env_flag("FENGQIAO_ALLOW_DEV_KEY"):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production mode refuses the development key; "
        "set SECRET_KEY, or FENGQIAO_DEBUG=1 for development."
    )

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "fengqiao.codes",
    "fengqiao.stations",
    "fengqiao.staff",
    "fengqiao.people",
    "fengqiao.matters",
    "fengqiao.notifications",
    "fengqiao.analysis",
    "fengqiao.stats",
    "fengqiao.places",
    "fengqiao.imports",
    "fengqiao.reports",
    "fengqiao.open311",
    "fengqiao.devices",
    "fengqiao.mediation",
    "fengqiao.api",
    "fengqiao.demo",
    "fengqiao.web",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "fengqiao.urls"
WSGI_APPLICATION = "fengqiao.wsgi.application"

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
            ],
        },
    },
]

SQLITE_PATH = Path(os.environ.get("FENGQIAO_SQLITE", VAR_DIR / "fengqiao.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + synchronous=FULL: a committed matter survives a power cut. IMMEDIATE transactions take the
    # write lock up front, so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "staff.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_work"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"  # display zone; datetimes are stored in UTC

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    # whitenoise warns about a missing STATIC_ROOT; in development the finders serve the files anyway.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("FENGQIAO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: attachments go through a scoped view

# Attachments on follow-up actions (inquiry records, certificates, photos, scans).
ATTACHMENT_MAX_BYTES = int(os.environ.get("FENGQIAO_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Resident reports (/report/): per-IP limit on accepted reports, photo size, proxies in front of the app.
# The limit counts in the default cache: with several worker processes, configure a shared cache (CACHES).
REPORT_RATE_LIMIT = int(os.environ.get("FENGQIAO_REPORT_RATE_LIMIT", "5"))
REPORT_RATE_WINDOW_SECONDS = int(os.environ.get("FENGQIAO_REPORT_RATE_WINDOW_SECONDS", "3600"))
REPORT_PHOTO_MAX_BYTES = int(os.environ.get("FENGQIAO_REPORT_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
REPORT_TRUSTED_PROXIES = int(os.environ.get("FENGQIAO_TRUSTED_PROXIES", "0"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("FENGQIAO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Demo password exists only while the demo is loaded; see fengqiao/demo.
DEMO_PASSWORD = "fengqiao-demo"

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
