"""Who is emailed about local publishing, per WORKFLOW_NOTIFICATIONS."""

import pytest
from django.core import mail
from django.db import transaction
from wagtail.users.models import UserProfile

from tests.workflows.flow import spring_page, submit

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_events_reach_whom_the_setting_names(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_DISTMARK = {
        "WORKFLOW_NOTIFICATIONS": {"approval_requested": ["approvers", "hq"]}
    }
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert recipients() == ["hq@distmark.example", "lille-manager@distmark.example"]


def test_an_empty_list_sends_nothing(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_DISTMARK = {"WORKFLOW_NOTIFICATIONS": {"approval_requested": []}}
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert mail.outbox == []


def test_a_manager_who_turned_notifications_off_gets_none(
    login, demo, client, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.submitted_notifications = False
    profile.save()
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert mail.outbox == []


def test_emails_speak_the_recipients_language(
    login, demo, client, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.preferred_language = "fr"
    profile.save()
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert "attend votre validation" in mail.outbox[0].subject


def test_nothing_is_sent_when_the_submission_rolls_back(
    demo, django_capture_on_commit_callbacks
):
    page = spring_page(demo.lille)
    editor = demo.users["lille-editor"]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        page.get_workflow().start(page, editor)
        raise RuntimeError("later step failed")
    assert callbacks == []
    assert mail.outbox == []
    assert page.current_workflow_state is None
