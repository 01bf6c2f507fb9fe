"""Publishing without the workflow: allowed to local publishers only when the
workflow would have let the change through on its own.

Outlet managers keep Wagtail's publish permission (they approve their outlet's
pages, and need it to unpublish or schedule). So that publishing directly does
not skip HQ's rules, it first runs what the object's workflow would: the brand
checks, and the conditional HQ review's limits. HQ staff are not held back.
"""

from django.utils.translation import gettext as _

from ..outlets.access import user_is_hq
from .checks import run_checks
from .models import BrandComplianceTask, HQReviewTask


def direct_publish_refusals(obj, user):
    """Why ``user`` may not publish ``obj`` straight away; empty when they may."""
    if user_is_hq(user):
        return []
    workflow = obj.get_workflow() if hasattr(obj, "get_workflow") else None
    if workflow is None or not workflow.active:
        return []
    refusals = []
    for task in workflow.tasks.filter(active=True).specific():
        if isinstance(task, BrandComplianceTask):
            report = run_checks(obj)
            if not report.passed:
                refusals.append(report.summary())
        elif isinstance(task, HQReviewTask):
            reasons = task.review_reasons(obj)
            if reasons:
                refusals.append(
                    _(
                        "HQ must review this change: %(reasons)s Submit it to “%(workflow)s” instead."
                    )
                    % {"reasons": " ".join(reasons), "workflow": workflow.name}
                )
    return refusals
