"""Django system checks for the settings local publishing relies on."""

from django.core.checks import Error, Warning, register

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


@register()
def check_publish_scheduled_command(app_configs, **kwargs):
    # Django runs the command of the first app listing it: after Wagtail,
    # scheduled outlet pages would go live without the brand checks.
    from django.core.management import get_commands

    if get_commands().get("publish_scheduled") in ("wagtail_distmark", None):
        return []
    return [
        Warning(
            "Scheduled publishing does not run the brand checks: Wagtail's "
            "publish_scheduled command is used, not wagtail_distmark's.",
            hint="List 'wagtail_distmark' before 'wagtail' in INSTALLED_APPS.",
            id="wagtail_distmark.W010",
        )
    ]
