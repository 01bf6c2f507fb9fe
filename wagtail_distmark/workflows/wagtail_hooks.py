from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.log_actions import LogFormatter

from .publishing import direct_publish_refusals


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


def _refuse(request, obj, refusals, draft_saved=True):
    title = obj.get_admin_display_title()
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


@hooks.register("before_bulk_action")
def check_bulk_publishing(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    refused = False
    for obj in objects:
        page = getattr(obj, "specific", obj)
        refusals = direct_publish_refusals(page, request.user)
        if refusals:
            refused = True
            _refuse(request, page, refusals, draft_saved=False)
    if refused:
        return redirect(get_valid_next_url_from_request(request) or "wagtailadmin_home")
    return None
