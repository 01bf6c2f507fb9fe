"""System checks for the settings local publishing relies on."""

from django.core import checks
from django.core.management import get_commands

from wagtail_distmark.workflows.system_checks import (
    check_publish_scheduled_command,
    check_workflow_notifications,
)


def ids(errors):
    return [error.id for error in errors]


def test_no_site_wide_workflow_setting_is_required(settings):
    # Our tasks re-check edited content themselves (test_models.py), so
    # Wagtail's default stays for every other workflow of the site.
    settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False
    errors = checks.run_checks(include_deployment_checks=False)
    assert not [
        error
        for error in errors
        if error.id.startswith("wagtail_distmark") and error.level >= checks.ERROR
    ]


def test_notification_setting_is_validated(settings):
    assert check_workflow_notifications(None) == []
    settings.WAGTAIL_DISTMARK = {
        "WORKFLOW_NOTIFICATIONS": {
            "approval_requested": ["approvers", "the boss"],
            "published": ["submitter"],
            "compliance_failed": "submitter",
        }
    }
    messages = [error.msg for error in check_workflow_notifications(None)]
    assert len(messages) == 3
    assert "['approval_requested'] must list recipients" in messages[0]
    assert "Unknown event 'published'" in messages[1]


def test_scheduled_publishing_must_run_the_brand_checks(monkeypatch):
    # Listed before Wagtail, the app's publish_scheduled is the one run.
    assert get_commands()["publish_scheduled"] == "wagtail_distmark"
    assert check_publish_scheduled_command(None) == []
    # Listed after it, Django would run Wagtail's.
    monkeypatch.setattr(
        "django.core.management.get_commands",
        lambda: {**get_commands(), "publish_scheduled": "wagtail"},
    )
    assert ids(check_publish_scheduled_command(None)) == ["wagtail_distmark.W010"]
