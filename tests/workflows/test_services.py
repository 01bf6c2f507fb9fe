"""The default "Local publishing" workflow."""

import pytest
from wagtail.models import Page, Workflow, WorkflowPage

from tests.inheritance.editing import spring_page
from wagtail_distmark.outlets.onboarding import ensure_network, onboard_outlet
from wagtail_distmark.workflows.models import HQReviewTask

pytestmark = pytest.mark.django_db


def test_every_outlet_tree_gets_local_publishing(demo):
    workflow = Workflow.objects.get(name="Local publishing")
    assert [type(task.specific).__name__ for task in workflow.tasks] == [
        "BrandComplianceTask",
        "OutletApprovalTask",
        "HQReviewTask",
    ]
    assert spring_page(demo.lille).get_workflow() == workflow
    outlet = onboard_outlet(name="Lyon Bellecour", slug="lyon", region=demo.south)
    home = Page.objects.get(pk=outlet.home_page_id)
    assert home.get_workflow() == workflow
    hq_review = HQReviewTask.objects.get()
    assert list(hq_review.groups.values_list("name", flat=True)) == ["Network HQ"]


def test_it_is_created_once_and_hqs_changes_are_kept(demo):
    network = ensure_network()
    WorkflowPage.objects.filter(page=network.root_region.page).delete()
    ensure_network()
    assert Workflow.objects.filter(name="Local publishing").count() == 1
    assert not WorkflowPage.objects.filter(page=network.root_region.page).exists()


def test_default_names_read_in_the_readers_language(login, demo, client):
    from wagtail.users.models import UserProfile

    from tests.workflows.flow import submit

    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.preferred_language = "nl"
    profile.save()
    client.force_login(demo.users["lille-manager"])
    # The workflow's steps, stored once (in English), in the manager's Dutch.
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Goedkeuring door de vestiging" in html
    assert "Outlet approval" not in html


def test_a_name_hq_chose_stays_as_written(demo):
    from django.utils import translation

    from wagtail_distmark.workflows.models import OutletApprovalTask

    task = OutletApprovalTask.objects.get()
    task.name = "Validation Lille (Claire)"
    task.save()
    with translation.override("nl"):
        assert OutletApprovalTask.objects.get().name == "Validation Lille (Claire)"
    # A default name saved in French is still read in Dutch.
    task.name = "Validation du point de vente"
    task.save()
    with translation.override("nl"):
        assert OutletApprovalTask.objects.get().name == (
            "Goedkeuring door de vestiging"
        )
