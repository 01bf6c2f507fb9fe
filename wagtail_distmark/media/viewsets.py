"""Admin screens for HQ: the usage rights of brand assets."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ReferenceIndex

from .models import DocumentRights, ImageRights


def rights_panels(asset_field):
    return [
        FieldPanel(asset_field),
        FieldPanel("hq_approved"),
        FieldPanel("expires_on"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("for_web"),
                        FieldPanel("for_email"),
                        FieldPanel("for_print"),
                    ]
                )
            ],
            heading=_("Allowed channels"),
        ),
        FieldPanel("credit"),
    ]


def usage_count(asset_model, asset_id_field):
    """How many objects (pages, snippets) use each row's asset (whose id is
    ``asset_id_field`` of the row): one subquery on Wagtail's reference index,
    so a listing's query count stays flat."""
    references = (
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(asset_model),
            to_object_id=Cast(OuterRef(asset_id_field), output_field=CharField()),
        )
        .values("to_object_id")
        .annotate(count=Count("object_id", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(references), 0)


class UsageColumn(Column):
    """The usage count, linking to Wagtail's usage view of the asset."""

    def __init__(self, usage_url_name, asset_field):
        super().__init__("usage_count", label=_("Used by"), sort_key="usage_count")
        self.usage_url_name = usage_url_name
        self.asset_field = asset_field

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        asset_id = getattr(instance, f"{self.asset_field}_id")
        context["value"] = instance.usage_count
        context["link"] = reverse(self.usage_url_name, args=[asset_id])
        return context

    cell_template_name = "wagtail_distmark/media/usage_cell.html"


class RightsIndexView(generic.IndexView):
    def get_base_queryset(self):
        model = self.model
        field = "image" if model is ImageRights else "document"
        asset_model = model._meta.get_field(field).related_model
        return (
            super()
            .get_base_queryset()
            .select_related(field)
            .annotate(usage_count=usage_count(asset_model, f"{field}_id"))
        )


class RightsCreateView(generic.CreateView):
    def get_initial(self):
        # "Edit rights" in the brand listing links here with ?image=<id>.
        initial = super().get_initial()
        field = "image" if self.model is ImageRights else "document"
        asset_id = self.request.GET.get(field, "")
        if asset_id.isdigit():
            initial[field] = int(asset_id)
        return initial


def rights_filterset(rights_model):
    """The rights listing's filters; approval reads "Approved" or "Not
    approved" (the active filter said "Approved by HQ: True")."""

    class RightsFilterSet(WagtailFilterSet):
        hq_approved = django_filters.ChoiceFilter(
            label=_("Approved by HQ"),
            choices=[("1", _("Approved")), ("0", _("Not approved"))],
        )

        class Meta:
            model = rights_model
            fields = ["hq_approved", "expires_on"]

    return RightsFilterSet


class AssetRightsViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    search_backend_name = None
    index_view_class = RightsIndexView
    add_view_class = RightsCreateView


class ImageRightsViewSet(AssetRightsViewSet):
    model = ImageRights
    icon = "image"
    menu_label = _("Image rights")
    list_display = [
        "image",
        BooleanColumn("hq_approved", label=_("Approved by HQ"), sort_key="hq_approved"),
        "expires_on",
        UsageColumn("distmark_brand_images:usage", "image"),
    ]
    search_fields = ["image__title"]
    panels = rights_panels("image")
    filterset_class = rights_filterset(ImageRights)


class DocumentRightsViewSet(AssetRightsViewSet):
    model = DocumentRights
    icon = "doc-full"
    menu_label = _("Document rights")
    list_display = [
        "document",
        BooleanColumn("hq_approved", label=_("Approved by HQ"), sort_key="hq_approved"),
        "expires_on",
        UsageColumn("distmark_brand_documents:usage", "document"),
    ]
    search_fields = ["document__title"]
    panels = rights_panels("document")
    filterset_class = rights_filterset(DocumentRights)


class NetworkMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import in_network

        return in_network(request.user)


class BrandKitViewSet(ViewSet):
    menu_label = _("Brand kit")
    icon = "palette"
    url_prefix = "distmark/brand-kit"

    @property
    def menu_item_class(self):
        return NetworkMenuItem

    def get_urlpatterns(self):
        from .views import BrandKitView

        return [path("", BrandKitView.as_view(), name="index")]


class BrandAssetViewSet(ViewSet):
    """The brand library's images or documents, with their usage rights."""

    kind = None

    @property
    def menu_item_class(self):
        return NetworkMenuItem

    def get_urlpatterns(self):
        from .views import AssetUsageView, BrandAssetIndexView

        options = {
            "kind": self.kind,
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
            "usage_url_name": self.get_url_name("usage"),
        }
        return [
            path("", BrandAssetIndexView.as_view(**options), name="index"),
            path(
                "results/",
                BrandAssetIndexView.as_view(results_only=True, **options),
                name="index_results",
            ),
            path(
                "<int:pk>/usage/",
                AssetUsageView.as_view(
                    kind=self.kind, index_url_name=self.get_url_name("index")
                ),
                name="usage",
            ),
        ]


class BrandImageViewSet(BrandAssetViewSet):
    kind = "image"
    icon = "image"
    menu_label = _("Brand images")
    url_prefix = "distmark/brand-images"


class BrandDocumentViewSet(BrandAssetViewSet):
    kind = "document"
    icon = "doc-full"
    menu_label = _("Brand documents")
    url_prefix = "distmark/brand-documents"


class BrandLibraryViewSetGroup(ViewSetGroup):
    menu_label = _("Brand library")
    menu_icon = "image"
    menu_order = 160
    items = (
        BrandKitViewSet("distmark_brand_kit"),
        BrandImageViewSet("distmark_brand_images"),
        BrandDocumentViewSet("distmark_brand_documents"),
        ImageRightsViewSet("distmark_image_rights"),
        DocumentRightsViewSet("distmark_document_rights"),
    )
