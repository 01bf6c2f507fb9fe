"""Django system checks for what the brand library relies on."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string


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


FORM_BASES = {
    "WAGTAILIMAGES_IMAGE_FORM_BASE": "wagtail_distmark.media.forms.BrandImageForm",
    "WAGTAILDOCS_DOCUMENT_FORM_BASE": "wagtail_distmark.media.forms.BrandDocumentForm",
}


@register()
def check_upload_form_bases(app_configs, **kwargs):
    # A project's own form base replaces ours, and with it the upload rules
    # (content checks, sizes, minimum dimensions), unless it subclasses ours.
    # Not setting a base at all is the project's choice: the rules are
    # recommended, not required.
    warnings = []
    for setting, ours in FORM_BASES.items():
        configured = getattr(settings, setting, "")
        if not configured or configured == ours:
            continue
        try:
            base = import_string(configured)
        except ImportError:
            warnings.append(
                Error(
                    f"{setting} names {configured}, which cannot be imported.",
                    id="wagtail_distmark.E006",
                )
            )
            continue
        if not (isinstance(base, type) and issubclass(base, import_string(ours))):
            warnings.append(
                Warning(
                    f"{setting} is {configured}, which is not a subclass of {ours}: "
                    "uploads skip the network's upload rules.",
                    hint=(
                        f"Make {configured} a subclass of {ours} (see the "
                        "installation guide)."
                    ),
                    id="wagtail_distmark.W003",
                )
            )
    return warnings
