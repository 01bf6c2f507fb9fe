"""Django system checks for what outlet isolation relies on."""

from django.conf import settings
from django.core.checks import Error, register

MIDDLEWARE = "wagtail_distmark.isolation.middleware.AdminRouteScopeMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"


@register()
def check_route_scope_middleware(app_configs, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if MIDDLEWARE in middleware and (
        AUTHENTICATION not in middleware
        or middleware.index(MIDDLEWARE) > middleware.index(AUTHENTICATION)
    ):
        return []
    return [
        Error(
            f"{MIDDLEWARE} must be in MIDDLEWARE, after {AUTHENTICATION}.",
            hint=(
                "Without it, outlet users reach other outlets' names and media "
                "through Wagtail's reports, page chooser, tag autocomplete and "
                "listing filters (docs/install.md)."
            ),
            id="wagtail_distmark.E005",
        )
    ]
