"""The outlet editor's to-do on the admin dashboard.

For the outlets a user edits or manages: outlet pages whose required fields
are still empty, pages sent back in the workflow, and outlet values HQ's new
rules no longer show (stale overrides). Read in a fixed number of queries,
whatever the number of pages.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from .inheritance.merge import merge_template
from .inheritance.models import LocalPage
from .outlets.access import get_network_roles
from .outlets.models import Outlet


@dataclass
class ToDo:
    #: ``[(page, [block labels])]``: required fields still empty.
    missing_required: list = field(default_factory=list)
    #: ``[(page, workflow state)]``: sent back for changes.
    sent_back: list = field(default_factory=list)
    #: ``[(page, number of stale values)]``: values HQ's new rules hide.
    stale: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.missing_required or self.sent_back or self.stale)


def todo_outlet_ids(user):
    """The outlets whose pages are the user's to-do: those they edit or
    manage (a regional manager reviews; HQ writes templates)."""
    roles = get_network_roles(user)
    return roles.editor_of | roles.manager_of


def _draft_overrides(page):
    """The overrides the editor is working on: the latest revision's (a
    draft not yet published), else the page's."""
    revision = page.latest_revision
    if revision is not None and isinstance(revision.content, dict):
        overrides = revision.content.get("overrides")
        if isinstance(overrides, str):  # stored as JSON text in a revision
            import json

            overrides = json.loads(overrides or "{}")
        if isinstance(overrides, dict):
            return overrides
    return page.overrides


def todo_for(user):
    """The user's :class:`ToDo`, in at most five queries."""
    todo = ToDo()
    outlet_ids = todo_outlet_ids(user)
    if not outlet_ids:
        return todo
    pages = (
        LocalPage.objects.filter(outlet_id__in=outlet_ids)
        .select_related("hq_template", "latest_revision")
        .order_by("title")
    )
    for page in pages:
        merge = merge_template(page.hq_template, _draft_overrides(page))
        missing = [
            str(merged.hq_raw.get("title") or merged.label)
            for merged in merge.missing_required
        ]
        if missing:
            todo.missing_required.append((page, missing))
        if merge.stale:
            todo.stale.append((page, len(merge.stale)))

    # Pages sent back, of any type in the outlets' trees.
    home_paths = Outlet.objects.filter(
        pk__in=outlet_ids, home_page__isnull=False
    ).values_list("home_page__path", flat=True)
    in_trees = reduce(or_, (Q(path__startswith=path) for path in home_paths), Q())
    if in_trees:
        # A workflow state names its page by a text id.
        page_ids = (
            Page.objects.filter(in_trees)
            .annotate(text_id=Cast("pk", CharField()))
            .values("text_id")
        )
        states = WorkflowState.objects.filter(
            status=WorkflowState.STATUS_NEEDS_CHANGES,
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=page_ids,
        ).select_related("current_task_state__task")
        state_by_page = {int(state.object_id): state for state in states}
        if state_by_page:
            pages_sent_back = Page.objects.filter(pk__in=state_by_page).order_by(
                "title"
            )
            todo.sent_back = [
                (page, state_by_page[page.pk]) for page in pages_sent_back
            ]
    return todo


class ToDoPanel(Component):
    """The dashboard panel: shown only when there is something to do."""

    name = "distmark_todo"
    order = 90  # above Wagtail's own panels (workflow, locked pages: 100+)
    template_name = "wagtail_distmark/dashboard/todo_panel.html"

    def __init__(self, todo):
        self.todo = todo

    def get_context_data(self, parent_context):
        return {
            "todo": self.todo,
            "heading": _("Your to-do"),
        }
