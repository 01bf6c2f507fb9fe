"""Settings for the wagtail-distmark example site.

Everything that differs between machines comes from environment variables:
DATABASE_URL (SQLite file by default), DJANGO_SECRET_KEY, DJANGO_DEBUG,
DJANGO_ALLOWED_HOSTS, PORT (the port the site is served on, as `PORT=8101
make demo` sets it), DISTMARK_SITE_PORT and WAGTAILADMIN_BASE_URL (both
derived from PORT by default).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-example-site-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# Outlet sites answer on their own hostnames (lille.localhost, ...).
ALLOWED_HOSTS = os.environ.get(
    "DJANGO_ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1,testserver"
).split(",")

INSTALLED_APPS = [
    # The project's own blocks (see docs/extending.md).
    "example_site",
    "wagtail_distmark",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Scopes Wagtail's own admin screens to each outlet user's outlets.
    "wagtail_distmark.isolation.middleware.AdminRouteScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A missing page on an outlet's site: its branded 404, even with DEBUG.
    "example_site.middleware.OutletSiteNotFoundMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the site read while a command writes, and NORMAL sync is safe
    # with WAL: a commit no longer waits for the disk twice.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("nl", "Nederlands")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Contact import files and reports: personal data, not served.
    "distmark_private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "private", "base_url": None},
    },
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = "marketing@distmark.example"

WAGTAIL_SITE_NAME = "Distmark example network"
# The port `make demo` serves on (its PORT, passed to runserver's environment):
# outlet sites and the links in emails follow it.
SERVED_PORT = int(
    os.environ.get("DISTMARK_SITE_PORT") or os.environ.get("PORT") or 8000
)
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://localhost:{SERVED_PORT}"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work (Wagtail's search and reference index updates, and later
# sending) runs in `manage.py db_worker`, which `make demo` starts.
# DJANGO_TASKS_BACKEND=immediate runs it inline instead (as the tests do).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("DJANGO_TASKS_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Uploads: Wagtail's own checks (format, size, pixels), plus minimum dimensions.
WAGTAILIMAGES_IMAGE_FORM_BASE = "wagtail_distmark.media.forms.BrandImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "wagtail_distmark.media.forms.BrandDocumentForm"
# Office files, PDF and pictures: no web pages, SVG or scripts.
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "doc",
    "xls",
    "ppt",
    "csv",
    "txt",
    "zip",
    "png",
    "jpg",
    "jpeg",
    "gif",
]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Subscription forms count attempts in a cache every process shares: files
# on disk are enough for the demo (use Redis, Memcached or the database cache
# in production). Wagtail keeps its own caches per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "distmark": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "cache",
    },
}

WAGTAIL_DISTMARK = {
    "SUBSCRIPTION_CACHE_ALIAS": "distmark",
    "IMAGE_MIN_WIDTH": 200,
    "IMAGE_MIN_HEIGHT": 150,
    "DOCUMENT_MAX_UPLOAD_SIZE": 10 * 1024 * 1024,
    "SITE_PORT": SERVED_PORT,
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars fetched from outside
