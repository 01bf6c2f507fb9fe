"""Django system checks for the settings local publishing relies on."""

from django.core.checks import Error, register

from ..conf import distmark_settings

EVENTS = ("approval_requested", "compliance_failed")


@register()
def check_workflow_notifications(app_configs, **kwargs):
    from .notifications import RECIPIENT_KINDS

    setting = distmark_settings.WORKFLOW_NOTIFICATIONS
    errors = []
    if not isinstance(setting, dict):
        return [
            Error(
                "WAGTAIL_DISTMARK['WORKFLOW_NOTIFICATIONS'] must be a dict.",
                id="wagtail_distmark.E002",
            )
        ]
    for event, kinds in setting.items():
        if event not in EVENTS:
            errors.append(
                Error(
                    f"Unknown event {event!r} in WAGTAIL_DISTMARK['WORKFLOW_NOTIFICATIONS'].",
                    hint=f"Events: {', '.join(EVENTS)}.",
                    id="wagtail_distmark.E002",
                )
            )
        unknown = [kind for kind in kinds if kind not in RECIPIENT_KINDS]
        if isinstance(kinds, str) or unknown:
            errors.append(
                Error(
                    f"WAGTAIL_DISTMARK['WORKFLOW_NOTIFICATIONS'][{event!r}] must list "
                    f"recipients among {', '.join(RECIPIENT_KINDS)}.",
                    id="wagtail_distmark.E002",
                )
            )
    return errors
