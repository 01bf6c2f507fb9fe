"""Wagtail's page screens for local users: their outlets' trees only.

``OutletScopedPageViewSet`` is the page viewset of every page type in the
network (registered for Wagtail's base ``Page``, and the base of the app's own
page viewsets): its listings' filters offer only the user's sites and
people, its copy form only the pages they may explore, and its workflow
cancellation prompt only pages they may edit. The page chooser is scoped by
``construct_page_chooser_queryset`` (see ``wagtail_hooks.py``) and, where
Wagtail reads a page before any hook, by the route guards in ``routes.py``.
"""

from django.http import Http404
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.chooser import BrowseView, ExternalLinkView
from wagtail.admin.views.pages.copy import CopyView
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.views.pages.workflow import ConfirmWorkflowCancellationView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, Site

from .filters import OutletPageFilterSet, ScopedPageFilterSet
from .visibility import explorable_root, is_local_user, visible_pages, visible_sites


class ScopedParentChoiceMixin:
    """A form choosing a parent page (copy, bulk move): for local users only
    the pages they may explore are choices, another outlet's page is refused
    without being named, and a refused choice is not shown again (Wagtail's
    page chooser widget displays the title of the page it holds)."""

    parent_field = None  # the name of the form's page choice

    def scope_parent_choice(self, user):
        self.scoped_for = user if is_local_user(user) else None
        if self.scoped_for is not None:
            field = self.fields[self.parent_field]
            field.queryset = visible_pages(user)
            field.error_messages["invalid_choice"] = _(
                "Choose a page of your own site as the new parent."
            )

    def full_clean(self):
        super().full_clean()
        if getattr(self, "scoped_for", None) is not None and (
            self.parent_field in self._errors
        ):
            data = self.data.copy()
            data[self.add_prefix(self.parent_field)] = ""
            self.data = data


def scoped_copy_form(form_class):
    """``form_class`` (Wagtail's copy form, or a page type's own) scoped."""

    class ScopedCopyForm(ScopedParentChoiceMixin, form_class):
        parent_field = "new_parent_page"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.scope_parent_choice(self.user)

    ScopedCopyForm.__name__ = f"Scoped{form_class.__name__}"
    return ScopedCopyForm


class ScopedCopyView(CopyView):
    def get_form_class(self):
        return scoped_copy_form(super().get_form_class())

    def post(self, request, page_id, *args, **kwargs):
        # Wagtail reads the posted parent page before the form checks it (and
        # fails on a missing or malformed id): check it first.
        user = request.user
        choices = visible_pages(user) if is_local_user(user) else Page.objects.all()
        posted = request.POST.get("new_parent_page", "")
        if not (posted.isdigit() and choices.filter(pk=posted).exists()):
            self.parent_page = self.page.get_parent()
            return self.form_invalid(self.get_form())
        return super().post(request, page_id, *args, **kwargs)


class ScopedConfirmWorkflowCancellationView(ConfirmWorkflowCancellationView):
    """Wagtail describes any page's workflow here without checking the user:
    only a page the user may edit is described."""

    def dispatch(self, request, *args, **kwargs):
        if not self.object.permissions_for_user(request.user).can_edit():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


#: URL arguments of Wagtail's page views that name a page.
PAGE_URL_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")


class VisiblePagesOnlyMixin:
    """A page view that, for local users, knows only the pages they may
    explore: any other page a URL names answers 404 before the view reads
    it (Wagtail's workflow views name the page in a message first)."""

    def setup(self, request, *args, **kwargs):
        if is_local_user(request.user):
            named = {kwargs[name] for name in PAGE_URL_KWARGS if name in kwargs}
            if "pk" in kwargs and str(kwargs["pk"]).isdigit():
                named.add(kwargs["pk"])
            named = {int(pk) for pk in named}
            if named and visible_pages(request.user).filter(
                pk__in=named
            ).count() != len(named):
                raise Http404
        super().setup(request, *args, **kwargs)


def organising_page_note(page):
    """What the explorer says under one of the network's organising pages
    (the template library, a region's page), which no site serves by
    design; None for any other page."""
    from ..inheritance.models import TemplateLibraryPage
    from ..outlets.models import RegionPage

    page_class = page.specific_class if page is not None else None
    if page_class is not None and issubclass(page_class, TemplateLibraryPage):
        return _(
            "Templates are not pages of a site: outlets publish pages built on "
            "them, on their own sites."
        )
    if page_class is not None and issubclass(page_class, RegionPage):
        return _(
            "A region groups its outlets: each outlet's site starts at its home "
            "page below."
        )
    return None


class NetworkExplorableIndexView(ExplorableIndexView):
    """Wagtail's explorer, where Wagtail's warning "There is no site record
    for this location" would greet HQ after publishing a template and a
    regional manager on their region: under an organising page it says why
    there is no site instead."""

    results_template_name = "wagtail_distmark/pages/explorable_index_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organising_page_note"] = organising_page_note(
            getattr(self, "parent_page", None)
        )
        return context


class OutletScopedPageViewSet(PageViewSet):
    """A page viewset whose screens show local users only their outlets.

    Subclass it for your own page types' viewsets (as ``LocalPageViewSet``
    does); page types without a viewset of their own get it through the
    network's viewset for ``Page``.
    """

    def construct_view(self, view_class, **kwargs):
        # The explorer already takes a user asking for a page out of their
        # reach to their own tree: it keeps doing so.
        if not issubclass(view_class, (VisiblePagesOnlyMixin, PageIndexView)):
            view_class = type(
                f"VisiblePagesOnly{view_class.__name__}",
                (VisiblePagesOnlyMixin, view_class),
                {"__module__": __name__},
            )
        return super().construct_view(view_class, **kwargs)

    index_view_class = NetworkExplorableIndexView
    copy_view_class = ScopedCopyView
    confirm_workflow_cancellation_view_class = ScopedConfirmWorkflowCancellationView

    @classproperty
    def filterset_class(cls):
        # As Wagtail's, with the filters' choices scoped.
        if cls.list_filter and cls.list_filter is not cls.UNDEFINED:
            return cls.UNDEFINED
        return OutletPageFilterSet if cls.model is Page else ScopedPageFilterSet


class NetworkPageViewSet(OutletScopedPageViewSet):
    """Wagtail's default page views, for every page type without its own."""

    model = Page


def browse_from_explorable_root(request, *args, **kwargs):
    """The page chooser's first step, started where the user's tree starts
    (Wagtail starts at the root of the installation)."""
    root = explorable_root(request.user)
    if root is None:
        raise Http404
    return BrowseView.as_view()(request, parent_page_id=root.pk)


def require_visible_parent_page(request, parent_page_id, **kwargs):
    if not visible_pages(request.user).filter(pk=parent_page_id).exists():
        raise Http404


def require_visible_chosen_pages(request, **kwargs):
    ids = request.GET.getlist("id")
    try:
        wanted = {int(pk) for pk in ids}
    except ValueError as error:
        raise Http404 from error
    found = set(
        visible_pages(request.user).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if found != wanted:
        raise Http404


class ScopedExternalLinkView(ExternalLinkView):
    """Wagtail turns a pasted URL into a link to the page it serves, on any
    site, and shows that page's draft title: a local user's URL is matched
    against their own sites only (another outlet's stays an external link)."""

    def post(self, request):
        url_field = f"{self.form_prefix}-{self.link_url_field_name}"
        if url_field not in request.POST:
            # Wagtail's form fails on a post without its field: an empty one
            # gets the form's own "required" message.
            request.POST = request.POST.copy()
            request.POST[url_field] = ""
        own = set(visible_sites(request.user).values_list("pk", flat=True))
        request._wagtail_cached_site_root_paths = [
            root for root in Site.get_site_root_paths() if root.site_id in own
        ]
        return super().post(request)


external_link_view = ScopedExternalLinkView.as_view()
