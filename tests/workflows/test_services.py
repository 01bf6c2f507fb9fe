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
