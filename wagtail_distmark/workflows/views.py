"""After an approval from the dashboard: tell the approver what happens next."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import TaskState

from .services import what_happens_next


def approval_outcome(request, task_state_id):
    """Where Wagtail's workflow action view sends the approver (our tasks'
    ``on_action`` returns this URL): a message, then the object's editor, as
    Wagtail would have redirected. Only the person who approved reads it."""
    task_state = get_object_or_404(
        TaskState.objects.select_related("workflow_state"),
        pk=task_state_id,
        finished_by=request.user,
    )
    outcome = what_happens_next(task_state.workflow_state)
    if outcome is not None:
        messages.add_message(request, *outcome)
    obj = task_state.workflow_state.content_object
    obj = getattr(obj, "specific", obj)
    return redirect(
        AdminURLFinder(request.user).get_edit_url(obj) or "wagtailadmin_home"
    )
