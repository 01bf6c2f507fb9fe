from django.utils.translation import gettext_lazy as _
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

from . import views
from .access import HQ_PERMISSION
from .forms import OutletForm, RegionForm
from .models import Outlet, Region


class RegionDeleteView(views.RefusableDeleteMixin, generic.DeleteView):
    pass


class OutletIndexView(views.OutletScopedIndexView):
    # The site column reads the hostname: fetch it with the rows, not per row.
    queryset = Outlet.objects.select_related("region", "site")


class OutletScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view is filtered by the outlet rules."""

    index_view_class = views.OutletScopedIndexView
    edit_view_class = views.OutletScopedEditView
    delete_view_class = views.OutletScopedDeleteView
    inspect_view_class = views.OutletScopedInspectView
    history_view_class = views.OutletScopedHistoryView
    usage_view_class = views.OutletScopedUsageView
    copy_view_class = views.OutletScopedCopyView


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
    list_filter = ["region", "locale", "country"]
    search_fields = ["name", "slug", "city", "postcode"]
    search_backend_name = None  # plain database search: no index to keep in sync
    ordering = ["name"]
    inspect_view_fields = [
        "name",
        "slug",
        "region",
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
    list_display = ["label_with_depth", "slug"]
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
