"""Emails about local publishing: who is told what, per the
``WORKFLOW_NOTIFICATIONS`` setting.

* ``approval_requested``: an outlet approval or HQ review step starts;
* ``compliance_failed``: the brand checks sent a submission back.

Wagtail's own emails still go out for the rest (the submitter hears when a
person approves or requests changes, with their comment). Mail leaves through
Django's email API, so Anymail sends it when configured, and only once the
transaction commits: a submission that fails sends nothing.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import override
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.mail import send_mail
from wagtail.admin.utils import get_admin_base_url
from wagtail.users.models import UserProfile

from ..conf import DEFAULTS, distmark_settings
from ..emails import render_subject, render_text
from .approvers import hq_group_id_or_none
from .objects import outlet_for
from .services import translated_name

logger = logging.getLogger(__name__)

APPROVAL_REQUESTED = "approval_requested"
COMPLIANCE_FAILED = "compliance_failed"

# The Wagtail profile preference each event honours ("Notify me when...").
PROFILE_PREFERENCE = {
    APPROVAL_REQUESTED: "submitted_notifications",
    COMPLIANCE_FAILED: "rejected_notifications",
}

RECIPIENT_KINDS = ("approvers", "submitter", "outlet_managers", "hq")


def notification_setting():
    """``WORKFLOW_NOTIFICATIONS``, each event not set keeping its default."""
    return {
        **DEFAULTS["WORKFLOW_NOTIFICATIONS"],
        **distmark_settings.WORKFLOW_NOTIFICATIONS,
    }


def recipients_for(event, task_state, obj, outlet):
    """The users ``event`` reaches, per the setting (the submitter never hears
    of their own request for approval)."""
    kinds = notification_setting().get(event, ())
    User = get_user_model()
    submitter = task_state.workflow_state.requested_by
    users = {}
    for kind in kinds:
        if kind not in RECIPIENT_KINDS:
            logger.warning("Unknown WORKFLOW_NOTIFICATIONS recipient %r", kind)
            continue
        if kind == "approvers":
            found = task_state.task.specific.get_approvers(obj, submitter)
        elif kind == "submitter":
            found = [submitter] if submitter else []
        elif kind == "outlet_managers":
            found = (
                User.objects.filter(groups=outlet.managers_group_id)
                if outlet and outlet.managers_group_id
                else []
            )
        else:
            hq_group_id = hq_group_id_or_none()
            found = User.objects.filter(groups=hq_group_id) if hq_group_id else []
        for user in found:
            users[user.pk] = user
    if event == APPROVAL_REQUESTED and submitter is not None:
        users.pop(submitter.pk, None)
    preference = PROFILE_PREFERENCE[event]
    return [
        user
        for user in users.values()
        if user.is_active
        and user.email
        and getattr(UserProfile.get_for_user(user), preference, True)
    ]


def notify(event, task_state):
    """Email the people ``event`` concerns, once the transaction commits."""
    transaction.on_commit(lambda: send_for(event, task_state.pk))


def send_for(event, task_state_pk):
    from wagtail.models import TaskState

    task_state = TaskState.objects.get(pk=task_state_pk).specific
    obj = task_state.revision.as_object()
    outlet = outlet_for(obj)
    recipients = recipients_for(event, task_state, obj, outlet)
    if not recipients:
        return
    edit_url = AdminURLFinder().get_edit_url(obj) or ""
    context = {
        "object": obj,
        "model_name": obj._meta.verbose_name,
        "outlet": outlet,
        "task": task_state.task.specific,
        "workflow": task_state.workflow_state.workflow,
        "submitter": task_state.workflow_state.requested_by,
        "task_state": task_state,
        "comment": task_state.get_comment(),
        "reason": getattr(task_state, "reason", ""),
        "review_url": f"{get_admin_base_url() or ''}{edit_url}",
    }
    send(event, recipients, context)


def email_language(user, outlet):
    """The language of ``user``'s emails: their own admin language when they
    chose one, else their outlet's, else the site's."""
    chosen = UserProfile.get_for_user(user).preferred_language
    return chosen or (outlet.locale if outlet else None) or settings.LANGUAGE_CODE


def send(event, recipients, context):
    template = f"wagtail_distmark/workflows/notifications/{event}"
    for user in recipients:
        with override(email_language(user, context["outlet"])):
            message_context = {
                **context,
                "user": user,
                # Default names in the recipient's language (see services).
                "task_name": translated_name(context["task"].name),
                "workflow_name": translated_name(context["workflow"].name),
            }
            subject = render_subject(f"{template}_subject.txt", message_context)
            body = render_text(f"{template}.txt", message_context)
        try:
            send_mail(subject, body.strip(), [user.email])
        except Exception:  # one bad address must not stop the others
            logger.exception("Could not send %s email to %s", event, user.email)


def on_task_submitted(sender, instance, user=None, **kwargs):
    """``task_submitted`` handler: tell the approvers of our approval steps."""
    from .models import HQReviewTask, OutletApprovalTask

    task = instance.task.specific
    if isinstance(task, (OutletApprovalTask, HQReviewTask)):
        notify(APPROVAL_REQUESTED, instance)
