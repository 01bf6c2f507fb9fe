"""System checks for the settings local publishing relies on."""

from wagtail_distmark.workflows.system_checks import (
    check_reapproval_on_edit,
    check_workflow_notifications,
)


def ids(errors):
    return [error.id for error in errors]


def test_reapproval_on_edit_is_required(settings):
    assert check_reapproval_on_edit(None) == []
    settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False
    assert ids(check_reapproval_on_edit(None)) == ["wagtail_distmark.E001"]


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
