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


def test_setting_one_event_keeps_the_others_defaults(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_DISTMARK = {
        "WORKFLOW_NOTIFICATIONS": {"compliance_failed": ["submitter", "approvers"]}
    }
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert recipients() == ["lille-manager@distmark.example"]


def test_compliance_failures_can_reach_outlet_managers(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_DISTMARK = {
        "BANNED_WORDS": ["gratuit"],
        "WORKFLOW_NOTIFICATIONS": {
            "compliance_failed": ["submitter", "approvers", "outlet_managers"]
        },
    }
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            client,
            spring_page(demo.lille),
            **{"overrides-v-5f0c1c1e-0000-4000-8000-000000000001-subtitle": "gratuit"},
        )
    assert recipients() == [
        "lille-editor@distmark.example",
        "lille-manager@distmark.example",
    ]
    assert "gratuit" in mail.outbox[0].body


def test_hq_without_a_group_reaches_nobody(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Network HQ").update(name="Head office")
    settings.WAGTAIL_DISTMARK = {
        "WORKFLOW_NOTIFICATIONS": {"approval_requested": ["hq"]}
    }
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert mail.outbox == []


def test_subjects_and_bodies_are_plain_text_not_html(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    # Plain-text mail shows names as typed: no "&amp;" nor "&lt;".
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    demo.lille.name = "Lille Centre & Co's"
    demo.lille.save()
    title = "Soldes <50 % & plus"
    for username in ("lille-editor", "lille-manager"):  # who read English
        profile = UserProfile.get_for_user(demo.users[username])
        profile.preferred_language = "en"
        profile.save()
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            client,
            spring_page(demo.lille),
            title=title,
            **{"overrides-v-5f0c1c1e-0000-4000-8000-000000000001-subtitle": "gratuit"},
        )
    (failed,) = mail.outbox
    assert failed.subject == (
        f"[Lille Centre & Co's] “{title}” needs changes before it can be published"
    )
    assert f"“{title}”" in failed.body and "Outlet: Lille Centre & Co's" in failed.body
    assert "&amp;" not in failed.body and "&lt;" not in failed.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille), title=title)
    (approval,) = mail.outbox
    assert approval.subject == (
        f"[Lille Centre & Co's] “{title}” awaits your approval (Outlet approval)"
    )
    assert f"“{title}”" in approval.body
    assert "Outlet: Lille Centre & Co's" in approval.body


def test_emails_name_the_steps_in_the_recipients_language(
    login, demo, client, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.preferred_language = "fr"
    profile.save()
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    email = mail.outbox[0]
    assert "(Validation du point de vente)" in email.subject
    assert "Validation du point de vente" in email.body


def test_a_recipient_without_a_language_reads_the_outlets(
    login, demo, client, django_capture_on_commit_callbacks
):
    for username, language in (("lille-manager", ""), ("lille-editor", "en")):
        profile = UserProfile.get_for_user(demo.users[username])
        profile.preferred_language = language
        profile.save()
    # Lille's manager gets Lille's language (French), not the submitter's.
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert "attend votre validation" in mail.outbox[0].subject


def test_a_recipients_own_language_comes_before_the_outlets(
    login, demo, client, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.preferred_language = "nl"
    profile.save()
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, spring_page(demo.lille))
    assert "Goedkeuring door de vestiging" in mail.outbox[0].subject
