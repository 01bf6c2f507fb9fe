"""System checks for what the brand library relies on."""

from django.apps import apps

from wagtail_distmark.media.system_checks import check_settings_app_installed


def test_the_settings_app_is_required(monkeypatch):
    assert check_settings_app_installed(None) == []
    real = apps.is_installed
    monkeypatch.setattr(
        apps,
        "is_installed",
        lambda name: name != "wagtail.contrib.settings" and real(name),
    )
    (error,) = check_settings_app_installed(None)
    assert error.id == "wagtail_distmark.E003"
