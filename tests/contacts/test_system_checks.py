"""System checks for what subscription forms rely on."""

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from wagtail_distmark.contacts.system_checks import check_subscription_cache

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
SHARED = "django.core.cache.backends.db.DatabaseCache"


def ids(messages):
    return [message.id for message in messages]


def test_a_per_process_cache_is_flagged_outside_debug(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": LOCMEM}}
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CACHE_ALIAS": "default"}
    assert ids(check_subscription_cache(None)) == ["wagtail_distmark.W001"]
    settings.DEBUG = True  # runserver alone: one process
    assert check_subscription_cache(None) == []


def test_a_shared_cache_named_by_the_setting_passes(settings):
    settings.DEBUG = False
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM},
        "shared": {"BACKEND": SHARED, "LOCATION": "distmark_cache"},
    }
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CACHE_ALIAS": "shared"}
    assert check_subscription_cache(None) == []


def test_an_unknown_cache_alias_is_an_error(settings):
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CACHE_ALIAS": "nowhere"}
    assert ids(check_subscription_cache(None)) == ["wagtail_distmark.E004"]
    try:
        call_command("check")
    except SystemCheckError as error:
        assert "wagtail_distmark.E004" in str(error)
    else:
        raise AssertionError("manage.py check accepted an unknown cache alias")
