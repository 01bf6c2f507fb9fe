"""The default "Local publishing" workflow, set up with the network."""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from ..conf import distmark_settings
from .models import BrandComplianceTask, HQReviewTask, OutletApprovalTask

# HQ reviews a submission only past these limits (editable in Settings > Workflows).
DEFAULT_REVIEW_BLOCKS_CHANGED_OVER = 3
DEFAULT_REVIEW_DISCOUNT_OVER = 15


@transaction.atomic
def ensure_local_publishing_workflow(network):
    """Create (once) brand compliance → outlet approval → conditional HQ review,
    and assign it to the network's page root, which every outlet tree is under.

    Runs on first setup only: once a brand compliance task exists, HQ owns the
    workflows, and a workflow HQ removed or reassigned is left as HQ set it.
    """
    if BrandComplianceTask.objects.exists():
        return None
    workflow = Workflow.objects.create(name=distmark_settings.DEFAULT_WORKFLOW_NAME)
    compliance = BrandComplianceTask.objects.create(name=_("Brand compliance"))
    approval = OutletApprovalTask.objects.create(name=_("Outlet approval"))
    hq_review = HQReviewTask.objects.create(
        name=_("HQ review"),
        review_when_blocks_changed_over=DEFAULT_REVIEW_BLOCKS_CHANGED_OVER,
        review_when_discount_over=DEFAULT_REVIEW_DISCOUNT_OVER,
    )
    hq_review.groups.add(network.hq_group)
    for order, task in enumerate((compliance, approval, hq_review)):
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    root_page = network.root_region.page
    WorkflowPage.objects.update_or_create(
        page=root_page, defaults={"workflow": workflow}
    )
    return workflow
