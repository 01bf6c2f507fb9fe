"""The default "Local publishing" workflow, set up with the network."""

import functools

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
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


# Names HQ did not rename, shown in the reader's language -------------------------

# The default workflow's and steps' names, as created above: stored once, in
# the language active then, and shown translated wherever they are rendered.
DEFAULT_NAMES = (
    gettext_noop("Local publishing"),
    gettext_noop("Brand compliance"),
    gettext_noop("Outlet approval"),
    gettext_noop("HQ review"),
)


@functools.cache
def _default_names_by_translation():
    """Each default name, as written in any language of the site, to its
    English original (the translation catalogue's key)."""
    names = {}
    for original in (distmark_settings.DEFAULT_WORKFLOW_NAME, *DEFAULT_NAMES):
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                names.setdefault(gettext(original), original)
    return names


def translated_name(name):
    """``name`` in the active language when it is one of the default names (as
    written in any of the site's languages); a name HQ chose stays as written."""
    original = _default_names_by_translation().get(name)
    return name if original is None else gettext(original)


def show_default_names_translated(sender, instance, **kwargs):
    """``post_init`` of workflows and tasks: a default name reads in the
    language of the request that loads it (the reader's), in every screen."""
    name = instance.__dict__.get("name")
    if isinstance(name, str) and name:
        instance.name = translated_name(name)


# What happens after an approval --------------------------------------------------


def what_happens_next(workflow_state):
    """``(level, message)`` telling the person who just approved what comes next."""
    from django.contrib import messages
    from wagtail.models import WorkflowState

    from .models import HQReviewTaskState

    workflow_state = WorkflowState.objects.select_related(
        "current_task_state__task"
    ).get(pk=workflow_state.pk)
    obj = workflow_state.content_object
    obj = getattr(obj, "specific", obj)
    title = (
        obj.get_admin_display_title()
        if hasattr(obj, "get_admin_display_title")
        else str(obj)
    )
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        revision = obj.get_latest_revision()
        go_live_at = getattr(revision, "approved_go_live_at", None)
        if go_live_at and go_live_at > timezone.now():
            return messages.SUCCESS, gettext(
                "“%(title)s” will go live on %(date)s."
            ) % {
                "title": title,
                "date": date_format(timezone.localtime(go_live_at), "DATETIME_FORMAT"),
            }
        return messages.SUCCESS, gettext("“%(title)s” is live now.") % {"title": title}
    task_state = workflow_state.current_task_state
    if workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return messages.WARNING, gettext(
            "“%(title)s” was sent back to its editor: the brand checks found "
            "problems in the latest version."
        ) % {"title": title}
    if task_state is None:
        return None
    task_name = translated_name(task_state.task.name)
    reason = getattr(task_state.specific, "reason", "")
    if isinstance(task_state.specific, HQReviewTaskState) and reason:
        return messages.SUCCESS, gettext(
            "“%(title)s” was sent to “%(task)s” because: %(reason)s"
        ) % {"title": title, "task": task_name, "reason": reason}
    return messages.SUCCESS, gettext("“%(title)s” now waits for “%(task)s”.") % {
        "title": title,
        "task": task_name,
    }
