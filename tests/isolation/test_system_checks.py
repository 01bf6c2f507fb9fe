from django.test import override_settings

from wagtail_distmark.isolation.system_checks import (
    AUTHENTICATION,
    MIDDLEWARE,
    check_route_scope_middleware,
)


def ids(errors):
    return [error.id for error in errors]


def test_no_error_when_the_middleware_follows_authentication(settings):
    assert check_route_scope_middleware(None) == []


def test_missing_middleware_is_an_error(settings):
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        assert ids(check_route_scope_middleware(None)) == ["wagtail_distmark.E005"]


def test_middleware_before_authentication_is_an_error(settings):
    others = [m for m in settings.MIDDLEWARE if m not in (MIDDLEWARE, AUTHENTICATION)]
    with override_settings(MIDDLEWARE=[*others, MIDDLEWARE, AUTHENTICATION]):
        assert ids(check_route_scope_middleware(None)) == ["wagtail_distmark.E005"]
