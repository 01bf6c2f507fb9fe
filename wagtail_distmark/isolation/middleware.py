"""The middleware applying ``routes.ROUTE_RULES`` to local users."""

from .routes import ROUTE_RULES
from .visibility import is_local_user


class AdminRouteScopeMiddleware:
    """Scope Wagtail's admin routes that have no seam, for local users.

    Add it to ``MIDDLEWARE`` after Django's ``AuthenticationMiddleware``
    (system check ``wagtail_distmark.E005`` says so when it is missing).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = ROUTE_RULES.get(match.view_name) if match else None
        if rule is None or not is_local_user(request.user):
            return None
        return rule.apply(request, view_func, view_args, view_kwargs)
