"""Brand checks on every path to a live outlet page or item.

The local publishing workflow runs the brand checks when an outlet submits.
Everything else that can make an outlet's page (or campaign) live asks this
module first, so that no path skips them: publishing from the editor, Wagtail's
bulk publish, a page created from the template library then published, HQ
deploying a template "published" to many outlets, and Wagtail's scheduled
publishing (``publish_scheduled``), which re-checks a scheduled revision when
its time comes (an asset's rights may have expired meanwhile).

:func:`brand_check_problems` is that one check. It applies to content inside
an outlet (pages under an outlet's home page, items with an ``outlet``),
whoever publishes, HQ included: what an outlet's visitors see must pass.
HQ's own pages and items outside every outlet are not checked.

Outlet managers keep Wagtail's publish permission (they approve their outlet's
pages, and need it to unpublish or schedule). So that publishing directly does
not skip HQ's review either, :func:`direct_publish_refusals` adds the
conditional HQ review's limits for local publishers (HQ staff are the
reviewers, and are not held back by them).
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Revision

from ..outlets.access import user_is_hq
from .checks import run_checks
from .models import HQReviewTask
from .objects import outlet_for

logger = logging.getLogger(__name__)

#: Logged on an object whose scheduled publication the brand checks refused.
SCHEDULE_REFUSED_ACTION = "wagtail_distmark.publish.refused"

#: Scheduled revisions due this soon are checked before Wagtail's command
#: lists the due ones itself, a moment later: none slips in between.
SCHEDULE_MARGIN = datetime.timedelta(minutes=1)


def brand_check_report(obj, outlet=None):
    """The brand checks' report on ``obj`` (a page or item as it would go
    live), or None when ``obj`` is not an outlet's and they do not apply.

    ``outlet``: the outlet of an object not saved yet (a page about to be
    created there); otherwise found from ``obj``.
    """
    outlet = outlet or outlet_for(obj)
    if outlet is None:
        return None
    return run_checks(obj, outlet=outlet)


def report_problems(report):
    """A failed report's findings, one readable line each."""
    if report is None or report.passed:
        return []
    return [line.removeprefix("- ") for line in report.problems()]


def brand_check_problems(obj, outlet=None):
    """Why ``obj`` may not go live as it is: the brand checks' findings, each
    naming the block and field ("Hero › Image: The usage rights of …"), or
    an empty list when it may (or is not an outlet's)."""
    return report_problems(brand_check_report(obj, outlet=outlet))


def direct_publish_refusals(obj, user):
    """Why ``user`` may not publish ``obj`` straight away; empty when they may."""
    refusals = brand_check_problems(obj)
    if user_is_hq(user):
        return refusals
    workflow = obj.get_workflow() if hasattr(obj, "get_workflow") else None
    if workflow is None or not workflow.active:
        return refusals
    for task in workflow.tasks.filter(active=True).specific():
        if isinstance(task, HQReviewTask):
            reasons = task.review_reasons(obj)
            if reasons:
                refusals.append(
                    _(
                        "HQ must review this change: %(reasons)s Submit it to “%(workflow)s” instead."
                    )
                    % {"reasons": " ".join(reasons), "workflow": workflow.name}
                )
    return refusals


def refuse_failing_scheduled_revisions(now=None, dryrun=False):
    """Cancel the schedule of outlet revisions due to go live that fail the
    brand checks; return ``[(revision, object, problems)]`` for those.

    Called by ``publish_scheduled`` before Wagtail publishes the due
    revisions: a refused revision loses its approved go-live date, so Wagtail
    leaves it a draft, and the object's history says why (the log action
    ``wagtail_distmark.publish.refused``). With ``dryrun``, nothing changes.
    """
    now = now or timezone.now()
    due = (
        Revision.objects.filter(approved_go_live_at__lt=now + SCHEDULE_MARGIN)
        .select_related("content_type")
        .order_by("approved_go_live_at")
    )
    refused = []
    for revision in due:
        try:
            obj = revision.as_object()
        except Exception:  # a model removed since: Wagtail's command fails on it too
            logger.exception("Could not load scheduled revision %s", revision.pk)
            continue
        problems = brand_check_problems(obj)
        if not problems:
            continue
        refused.append((revision, obj, problems))
        if dryrun:
            continue
        with transaction.atomic():
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            log(
                instance=obj,
                action=SCHEDULE_REFUSED_ACTION,
                revision=revision,
                data={
                    "go_live_at": revision.approved_go_live_at.isoformat(),
                    "problems": problems,
                },
                content_changed=False,
            )
    return refused
