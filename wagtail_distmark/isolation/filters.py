"""Filters of Wagtail's listings, offering only the choices a user may see.

Wagtail fills its "Site", "Owner", "Edited by", "Locked by", "Requested by"
and "User" filters with every site and every author of the installation: in
a network, other outlets' names and staff. These mixins keep Wagtail's
filter sets and narrow their choices for local users.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.models import Page, PageLogEntry, WorkflowState

from .visibility import is_local_user, people_of_pages, visible_pages, visible_sites


def _page_authors(request):
    return people_of_pages(request.user)


def _page_owners(request):
    owner_ids = visible_pages(request.user).order_by().values("owner_id")
    return get_user_model().objects.filter(pk__in=owner_ids)


def _page_editors(request):
    editor_ids = (
        PageLogEntry.objects.filter(
            action="wagtail.edit", page__in=visible_pages(request.user).values("pk")
        )
        .order_by()
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=editor_ids)


def _page_lockers(request):
    locker_ids = visible_pages(request.user).order_by().values("locked_by_id")
    return get_user_model().objects.filter(pk__in=locker_ids)


def _requesters(request):
    # Workflow states name their object by (base content type, text id).
    page_ids = (
        visible_pages(request.user)
        .order_by()
        .values_list(Cast("pk", output_field=CharField()), flat=True)
    )
    requester_ids = (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=page_ids,
        )
        .order_by()
        .values("requested_by_id")
    )
    return get_user_model().objects.filter(pk__in=requester_ids)


def _sites(request):
    return visible_sites(request.user)


class ScopedChoicesMixin:
    """Narrow the choices of the named filters for local users.

    ``scoped_choices`` maps a filter name to a function of the request giving
    the queryset of choices the user may see. Filters the filter set does not
    have are ignored, so one table serves every Wagtail listing.
    """

    scoped_choices = {
        "site": _sites,
        "owner": _page_owners,
        "edited_by": _page_editors,
        "locked_by": _page_lockers,
        "requested_by": _requesters,
        "user": _page_authors,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = getattr(self, "request", None)
        if request is None or not is_local_user(request.user):
            return
        for name, choices in self.scoped_choices.items():
            if name in self.filters:
                self.filters[name].queryset = choices(request)


class OutletPageFilterSet(ScopedChoicesMixin, GenericPageFilterSet):
    """The explorer's and page type usage filters, scoped."""


class ScopedPageFilterSet(ScopedChoicesMixin, PageFilterSet):
    """The filters of one page type's listings, scoped."""
