from django.test import override_settings

from wagtail_distmark.conf import DEFAULTS, distmark_settings


def test_defaults_apply_when_the_project_sets_nothing():
    with override_settings(WAGTAIL_DISTMARK={}):
        assert distmark_settings.SITE_PORT == DEFAULTS["SITE_PORT"] == 80


def test_project_values_override_defaults_and_reload_on_change():
    with override_settings(WAGTAIL_DISTMARK={"SITE_PORT": 8443}):
        assert distmark_settings.SITE_PORT == 8443
    with override_settings(WAGTAIL_DISTMARK={"SITE_PORT": 9000}):
        assert distmark_settings.SITE_PORT == 9000


def test_unknown_setting_is_an_error():
    import pytest

    with pytest.raises(AttributeError, match="Unknown WAGTAIL_DISTMARK setting"):
        distmark_settings.NO_SUCH_THING  # noqa: B018
