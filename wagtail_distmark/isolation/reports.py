"""Wagtail's reports for local users: their pages' rows, their people's names.

Wagtail's report views are wired to its URLs with no seam to swap them; the
route middleware (``routes.py``) answers local users with these subclasses,
which change only what the filters offer and, for the site history, which
log entries are read.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Value
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.admin.views.reports.locked_pages import (
    LockedPagesReportFilterSet,
    LockedPagesView,
)
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowView,
)
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry

from .filters import ScopedChoicesMixin


class ScopedLockedPagesFilterSet(ScopedChoicesMixin, LockedPagesReportFilterSet):
    pass


class ScopedLockedPagesView(LockedPagesView):
    filterset_class = ScopedLockedPagesFilterSet


class ScopedWorkflowReportFilterSet(ScopedChoicesMixin, WorkflowReportFilterSet):
    pass


class ScopedWorkflowView(WorkflowView):
    filterset_class = ScopedWorkflowReportFilterSet


def _page_entries(user):
    return PageLogEntry.objects.viewable_by_user(user)


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Actions, people and types of the user's pages' history only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "object_type" in self.filters:
            type_ids = _page_entries(self.request.user).get_content_type_ids()
            self.filters["object_type"].queryset = ContentType.objects.filter(
                pk__in=type_ids
            ).order_by("model")

    def get_action_choices(self):
        used = set(_page_entries(self.request.user).get_actions())
        return [c for c in log_action_registry.get_choices() if c[0] in used]

    def get_users_queryset(self):
        User = get_user_model()
        ids = _page_entries(self.request.user).get_user_ids()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)


class ScopedSiteHistoryView(LogEntriesView):
    """The history of the user's pages.

    Wagtail's site history also reads the log of every other model whose
    model-level permission the user holds; outlet-scoped objects (contacts,
    segments, the outlet profile) keep their history on their own History
    screen, which checks the object. So local users read page entries only.
    """

    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        self.log_models = [PageLogEntry]
        queryset = (
            _page_entries(self.request.user)
            .values("pk", "timestamp")
            .annotate(log_model_index=Value(0, output_field=IntegerField()))
        )
        return self.filter_queryset(queryset).order_by("-timestamp")


locked_pages_view = ScopedLockedPagesView.as_view()
locked_pages_results_view = ScopedLockedPagesView.as_view(results_only=True)
workflow_view = ScopedWorkflowView.as_view()
workflow_results_view = ScopedWorkflowView.as_view(results_only=True)
site_history_view = ScopedSiteHistoryView.as_view()
site_history_results_view = ScopedSiteHistoryView.as_view(results_only=True)
