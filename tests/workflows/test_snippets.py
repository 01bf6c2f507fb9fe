"""The same workflow on an outlet-scoped snippet (a stand-in for campaigns)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from wagtail.models import TaskState, Workflow, WorkflowContentType, WorkflowState

from tests.testapp.models import LocalOffer
from wagtail_distmark.workflows.models import HQReviewTask, OutletApprovalTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(demo):
    workflow = Workflow.objects.get(name="Local publishing")
    content_type = ContentType.objects.get_for_model(LocalOffer)
    WorkflowContentType.objects.create(workflow=workflow, content_type=content_type)
    # Approving publishes, as the approver: managers may publish offers.
    publish = Permission.objects.get(
        content_type=content_type, codename="publish_localoffer"
    )
    for outlet in (demo.lille, demo.marseille):
        outlet.managers_group.permissions.add(publish)
    return workflow


def offer(outlet, headline="Spring sale", audience=100):
    obj = LocalOffer.objects.create(
        title=f"{outlet.name} offer",
        outlet=outlet,
        body=[("headline", headline), ("link", "https://brand.example/spring")],
        audience=audience,
        live=False,
    )
    obj.save_revision()
    return obj


def submit(obj, user):
    return obj.get_workflow().start(obj, user)


def test_a_snippet_goes_through_checks_and_its_outlets_approval(
    demo, workflow, django_capture_on_commit_callbacks
):
    lille_offer = offer(demo.lille)
    with django_capture_on_commit_callbacks(execute=True):
        state = submit(lille_offer, demo.users["lille-editor"])
    assert isinstance(state.current_task_state.task.specific, OutletApprovalTask)
    assert [message.to for message in mail.outbox] == [
        ["lille-manager@distmark.example"]
    ]
    assert f"/admin/snippets/distmark_testapp/localoffer/edit/{lille_offer.pk}/" in (
        mail.outbox[0].body
    )
    manager = demo.users["lille-manager"]
    assert list(TaskState.objects.reviewable_by(manager)) == [state.current_task_state]

    task = state.current_task_state.task.specific
    task.on_action(state.current_task_state, manager, "approve")
    lille_offer.refresh_from_db()
    assert lille_offer.live  # 100 contacts: no HQ review


def test_another_outlets_snippet_is_out_of_reach(demo, workflow):
    marseille_offer = offer(demo.marseille)
    state = submit(marseille_offer, demo.users["marseille-editor"])
    manager = demo.users["lille-manager"]
    assert not TaskState.objects.reviewable_by(manager).exists()
    task = state.current_task_state.task.specific
    assert task.get_actions(marseille_offer, manager) == []
    with pytest.raises(PermissionDenied):
        task.on_action(state.current_task_state, manager, "approve")


def test_banned_words_in_a_snippet_are_found(demo, workflow, settings):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    state = submit(
        offer(demo.lille, headline="Tout gratuit"), demo.users["lille-editor"]
    )
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "Headline: “gratuit” is on HQ's list of banned words." in (
        state.current_task_state.comment
    )


def test_a_large_audience_goes_to_hq(demo, workflow):
    HQReviewTask.objects.update(review_when_contacts_over=5000)
    lille_offer = offer(demo.lille, audience=20000)
    state = submit(lille_offer, demo.users["lille-editor"])
    task = state.current_task_state.task.specific
    task.on_action(state.current_task_state, demo.users["lille-manager"], "approve")
    state.refresh_from_db()
    hq_state = state.current_task_state.specific
    assert isinstance(hq_state.task.specific, HQReviewTask)
    assert hq_state.reason == "20000 contacts targeted (limit 5000)."
