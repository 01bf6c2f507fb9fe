"""Test settings: the example site's, with what tests need changed."""

from example_site.settings import *  # noqa: F403

# The demo users' passwords are hashed at every test; the default hasher is
# deliberately slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks run inline, so a test sees their effects at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# An outlet-scoped snippet with a workflow, standing in for campaigns.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405

# Subscription rate limits: in this process only, so concurrent test runs
# never share counts (the example site's file cache would).
CACHES = {  # noqa: F405
    **CACHES,  # noqa: F405
    "distmark": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Import files and reports go to a throwaway directory, removed at exit.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

PRIVATE_FILES = tempfile.mkdtemp(prefix="distmark-private-")
atexit.register(shutil.rmtree, PRIVATE_FILES, ignore_errors=True)
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "distmark_private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES},
    },
}

# The demo command gives its users their outlet's admin language (Lille's
# editor French, Gent's Dutch). Most tests read the admin in English, so the
# shared demo fixture leaves languages unset; the tests of the languages
# themselves turn this on and run the command again.
DISTMARK_DEMO_USER_LANGUAGES = False
