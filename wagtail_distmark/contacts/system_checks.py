"""Django system checks for what subscription forms rely on."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from ..conf import distmark_settings

# Caches each process keeps to itself (or none at all): a rate limit counted
# there resets with every process and is multiplied by their number.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def check_subscription_cache(app_configs, **kwargs):
    alias = distmark_settings.SUBSCRIPTION_CACHE_ALIAS
    if alias not in settings.CACHES:
        return [
            Error(
                f"WAGTAIL_DISTMARK['SUBSCRIPTION_CACHE_ALIAS'] is {alias!r}, "
                "which settings.CACHES does not define.",
                hint=f"Caches: {', '.join(settings.CACHES)}.",
                id="wagtail_distmark.E004",
            )
        ]
    backend = settings.CACHES[alias].get("BACKEND", "")
    if backend in PER_PROCESS_CACHES and not settings.DEBUG:
        return [
            Warning(
                f"Subscription forms count attempts in the cache {alias!r}, a "
                f"{backend.rsplit('.', 1)[-1]}: each process keeps its own "
                "count, so the rate limit does not hold with several processes.",
                hint=(
                    "Give it a cache every process shares (Redis, Memcached, the "
                    "database cache), or name one with "
                    "WAGTAIL_DISTMARK['SUBSCRIPTION_CACHE_ALIAS']."
                ),
                id="wagtail_distmark.W001",
            )
        ]
    return []
