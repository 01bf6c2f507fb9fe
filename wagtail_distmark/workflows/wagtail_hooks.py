from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.log_actions import LogFormatter
from wagtail.models import Page, WorkflowState

from . import views
from .models import ComplianceTaskState
from .publishing import SCHEDULE_REFUSED_ACTION, direct_publish_refusals
from .services import what_happens_next


@hooks.register("register_log_actions")
def register_workflow_log_actions(actions):
    @actions.register_action("wagtail_distmark.workflow.skip")
    class SkipTaskFormatter(LogFormatter):
        label = _("Skip workflow step")

        def format_message(self, log_entry):
            try:
                return _("Skipped “%(task)s”: %(reason)s") % {
                    "task": log_entry.data["workflow"]["task"]["title"],
                    "reason": log_entry.data["reason"],
                }
            except (KeyError, TypeError):
                return _("Skipped a workflow step")

    @actions.register_action("wagtail_distmark.workflow.review")
    class ReviewRequiredFormatter(LogFormatter):
        label = _("Workflow step required")

        def format_message(self, log_entry):
            try:
                return _("“%(task)s” required: %(reason)s") % {
                    "task": log_entry.data["workflow"]["task"]["title"],
                    "reason": log_entry.data["reason"],
                }
            except (KeyError, TypeError):
                return _("A workflow step was required")

    @actions.register_action("wagtail_distmark.workflow.recheck")
    class RecheckFormatter(LogFormatter):
        label = _("Workflow step to run again")

        def format_message(self, log_entry):
            try:
                return _(
                    "“%(task)s” runs again: the content changed after this step."
                ) % {"task": log_entry.data["workflow"]["task"]["title"]}
            except (KeyError, TypeError):
                return _("A workflow step runs again: the content changed.")

    @actions.register_action(SCHEDULE_REFUSED_ACTION)
    class ScheduleRefusedFormatter(LogFormatter):
        label = _("Scheduled publishing refused")

        def format_message(self, log_entry):
            try:
                return _(
                    "Not published at its scheduled time: the brand checks found "
                    "problems: %(problems)s"
                ) % {"problems": " ".join(log_entry.data["problems"])}
            except (KeyError, TypeError):
                return _("Not published at its scheduled time")


# Publishing directly ------------------------------------------------------------


def _refuse(request, obj, refusals, draft_saved=True):
    title = getattr(obj, "get_admin_display_title", obj.__str__)()
    if draft_saved:
        message = _("“%(title)s” was saved as a draft but not published.")
    else:
        message = _("“%(title)s” was not published.")
    messages.error(request, message % {"title": title})
    for refusal in refusals:
        messages.error(request, refusal)


@hooks.register("before_publish_page")
def check_direct_publishing(request, page):
    refusals = direct_publish_refusals(page, request.user)
    if refusals:
        _refuse(request, page, refusals)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_publish")
def check_direct_snippet_publishing(request, obj):
    """Snippets (campaigns) get the same gate as pages."""
    refusals = direct_publish_refusals(obj, request.user)
    if refusals:
        _refuse(request, obj, refusals)
        return redirect(
            AdminURLFinder(request.user).get_edit_url(obj) or "wagtailadmin_home"
        )
    return None


@hooks.register("before_bulk_action")
def check_bulk_publishing(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    form = getattr(action_class_instance, "cleaned_form", None)
    with_descendants = bool(
        form is not None and form.cleaned_data.get("include_descendants")
    )
    refused = False
    for obj in objects:
        # Bulk publishing publishes each page's latest revision, and with
        # "include descendants" every unpublished page below it.
        pages = [obj]
        if with_descendants and isinstance(obj, Page):
            pages += list(obj.get_descendants().not_live().specific())
        for page in pages:
            latest = page.get_latest_revision_as_object()
            refusals = direct_publish_refusals(latest, request.user)
            if refusals:
                refused = True
                _refuse(request, latest, refusals, draft_saved=False)
    if refused:
        return redirect(get_valid_next_url_from_request(request) or "wagtailadmin_home")
    return None


# Telling the editor at once ------------------------------------------------------


def _compliance_rejection(obj):
    """The brand checks' rejection if they just sent ``obj`` back, else None."""
    state = obj.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    task_state = state.current_task_state.specific if state.current_task_state else None
    return task_state if isinstance(task_state, ComplianceTaskState) else None


def tell_editor_about_findings(request, page):
    if not (
        request.POST.get("action-submit") or request.POST.get("action-restart-workflow")
    ):
        return None
    rejection = _compliance_rejection(page)
    if rejection is None:
        return None
    messages.error(
        request,
        _(
            "The brand checks sent “%(title)s” back: correct the points below, "
            "then submit it again."
        )
        % {"title": page.get_admin_display_title()},
    )
    findings = [
        finding
        for result in rejection.results
        for finding in result.get("findings", [])
    ]
    for finding in findings:
        where = finding.get("where")
        messages.error(
            request, f"{where}: {finding['message']}" if where else finding["message"]
        )
    if not findings:
        messages.error(request, rejection.comment)
    return redirect("wagtailadmin_pages:edit", page.pk)


hooks.register("after_edit_page", tell_editor_about_findings)
hooks.register("after_create_page", tell_editor_about_findings)


# Telling the approver what happens next --------------------------------------------


@hooks.register("register_admin_urls")
def register_workflow_urls():
    return [
        path(
            "distmark/workflow/approved/<int:task_state_id>/",
            views.approval_outcome,
            name="distmark_workflow_approved",
        )
    ]


@hooks.register("after_edit_page")
def tell_approver_what_happens_next(request, page):
    """Approving from the editor: "Live now", or which step it waits for and why.

    (From the dashboard, our tasks' ``on_action`` sends the approver to
    :func:`.views.approval_outcome`, which says the same.)
    """
    if not (
        request.POST.get("action-workflow-action")
        and request.POST.get("workflow-action-name") == "approve"
    ):
        return None
    workflow_state = (
        WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk").first()
    )
    outcome = what_happens_next(workflow_state) if workflow_state else None
    if outcome is not None:
        messages.add_message(request, *outcome)
    return None
