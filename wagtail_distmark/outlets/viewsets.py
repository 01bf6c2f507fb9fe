import django_filters
import swapper
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from ..isolation.filters import OutletPageFilterSet
from ..isolation.pages import OutletScopedPageViewSet
from . import import_views, views
from .access import HQ_PERMISSION
from .forms import OutletForm, RegionForm
from .models import Outlet, OutletHomePage, Region, RegionPage

Page = swapper.load_model("wagtailcore", "Page")


class RegionDeleteView(views.RefusableDeleteMixin, generic.DeleteView):
    pass


class OutletIndexView(views.OutletScopedIndexView):
    # The site column reads the hostname: fetch it with the rows, not per row.
    queryset = Outlet.objects.select_related("region", "site")

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            *import_views.header_buttons(self.request.user),
        ]


class OutletInspectView(views.OutletScopedInspectView):
    """The outlet's profile with its site, opening hours and team."""

    extra_labels = {
        "site_link": _("Site"),
        "opening_hours_list": _("Opening hours"),
        "team": _("Team"),
    }

    def get_field_label(self, field_name, field):
        if field_name in self.extra_labels:
            return self.extra_labels[field_name]
        return super().get_field_label(field_name, field)

    def get_site_link_display_value(self):
        url = self.object.site_url
        return format_html('<a href="{}">{}</a>', url, url) if url else "—"

    def get_opening_hours_list_display_value(self):
        spans = list(self.object.opening_hours.all())
        return format_html_join(mark_safe("<br>"), "{}", ((s,) for s in spans)) or "—"

    def get_team_display_value(self):
        outlet = self.object
        rows = []
        for role, group in (
            (_("Managers"), outlet.managers_group),
            (_("Editors"), outlet.editors_group),
        ):
            names = (
                [u.get_full_name() or u.get_username() for u in group.user_set.all()]
                if group
                else []
            )
            rows.append((role, ", ".join(sorted(names)) or "—"))
        return format_html_join(mark_safe("<br>"), "{}: {}", rows)


class OutletScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view is filtered by the outlet rules.

    Copying is off: Wagtail's copy view binds its form to the original, so a
    posted copy would overwrite it (a viewset that needs copies builds an
    unsaved one, as the segments' does).
    """

    copy_view_enabled = False

    index_view_class = views.OutletScopedIndexView
    edit_view_class = views.OutletScopedEditView
    delete_view_class = views.OutletScopedDeleteView
    inspect_view_class = views.OutletScopedInspectView
    history_view_class = views.OutletScopedHistoryView
    usage_view_class = views.OutletScopedUsageView
    copy_view_class = views.OutletScopedCopyView


def _regions_of_visible_outlets(request):
    outlets = Outlet.objects.for_user(request.user).order_by().values("region_id")
    return Region.objects.filter(pk__in=outlets).order_by("path")


class OutletFilterSet(WagtailFilterSet):
    # Wagtail's generated filter would list every region of the network.
    region = django_filters.ModelChoiceFilter(
        label=_("region"), queryset=_regions_of_visible_outlets
    )

    class Meta:
        model = Outlet
        fields = ["region", "locale", "country"]


class OutletViewSet(OutletScopedModelViewSet):
    model = Outlet
    icon = "site"
    menu_label = _("Outlets")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = OutletIndexView
    list_per_page = 50
    list_display = [
        "name",
        "region",
        "city",
        Column("hostname", label=_("Site"), accessor="hostname"),
        "locale",
    ]
    filterset_class = OutletFilterSet
    search_fields = ["name", "slug", "city", "postcode"]
    search_backend_name = None  # plain database search: no index to keep in sync
    ordering = ["name"]
    inspect_view_class = OutletInspectView
    inspect_view_fields = [
        "name",
        "slug",
        "region",
        "site_link",
        "address",
        "postcode",
        "city",
        "country",
        "phone",
        "email",
        "timezone",
        "locale",
        "manager_name",
        "manager_email",
        "manager_signature",
        "opening_hours_list",
        "team",
    ]

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("slug", permission=HQ_PERMISSION),
                FieldPanel("region", permission=HQ_PERMISSION),
                FieldPanel("hostname", permission=HQ_PERMISSION),
            ],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("country"), FieldPanel("phone")]),
                FieldPanel("email"),
                FieldRowPanel([FieldPanel("timezone"), FieldPanel("locale")]),
            ],
            heading=_("Contact details"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Span")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("manager_name"), FieldPanel("manager_email")]
                ),
                FieldPanel("manager_photo"),
                FieldPanel("manager_signature"),
            ],
            heading=_("Manager"),
        ),
    ]
    edit_handler = ObjectList(panels, base_form_class=OutletForm)


class RegionViewSet(ModelViewSet):
    model = Region
    icon = "globe"
    menu_label = _("Regions")
    add_to_admin_menu = False
    copy_view_enabled = False
    delete_view_class = RegionDeleteView
    list_display = [
        Column("label_with_depth", label=capfirst(_("region"))),
        "slug",
    ]
    search_fields = ["name", "slug"]
    search_backend_name = None
    ordering = ["path"]
    panels = [FieldPanel("parent"), FieldPanel("name"), FieldPanel("slug")]
    edit_handler = ObjectList(panels, base_form_class=RegionForm)


class NetworkViewSetGroup(ViewSetGroup):
    menu_label = _("Network")
    menu_icon = "site"
    menu_order = 150
    items = (OutletViewSet("outlets"), RegionViewSet("regions"))


class OutletHomePageViewSet(OutletScopedPageViewSet):
    """Explorer and editing views for the root of each outlet's tree."""

    model = OutletHomePage
    filterset_class = OutletPageFilterSet

    @cached_property
    def parent_models(self):
        # Exploring a region's page or an outlet's home lists its children,
        # whatever their type, with these scoped filters.
        return [RegionPage, OutletHomePage]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(model=Page, **kwargs)
