"""Django system checks for what the brand library relies on."""

from django.apps import apps
from django.core.checks import Error, register


@register()
def check_settings_app_installed(app_configs, **kwargs):
    # The brand kit is a Wagtail setting: its edit screen comes from
    # wagtail.contrib.settings.
    if apps.is_installed("wagtail.contrib.settings"):
        return []
    return [
        Error(
            "wagtail.contrib.settings must be in INSTALLED_APPS.",
            hint=(
                "HQ edits the brand kit in Settings › Brand kit, a Wagtail "
                'setting. Add "wagtail.contrib.settings" to INSTALLED_APPS.'
            ),
            id="wagtail_distmark.E003",
        )
    ]
