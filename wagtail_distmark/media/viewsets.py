"""Admin screens for HQ: the usage rights of brand assets."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
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


def usage_count(asset_model, asset_field):
    """How many objects (pages, snippets) use each row's asset: one subquery
    on Wagtail's reference index, so the listing's query count stays flat."""
    references = (
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(asset_model),
            to_object_id=Cast(OuterRef(f"{asset_field}_id"), output_field=CharField()),
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
            .annotate(usage_count=usage_count(asset_model, field))
        )


class AssetRightsViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_filter = ["hq_approved", "expires_on"]
    search_backend_name = None
    index_view_class = RightsIndexView


class ImageRightsViewSet(AssetRightsViewSet):
    model = ImageRights
    icon = "image"
    menu_label = _("Image rights")
    list_display = [
        "image",
        "hq_approved",
        "expires_on",
        UsageColumn("wagtailimages:image_usage", "image"),
    ]
    search_fields = ["image__title"]
    panels = rights_panels("image")


class DocumentRightsViewSet(AssetRightsViewSet):
    model = DocumentRights
    icon = "doc-full"
    menu_label = _("Document rights")
    list_display = [
        "document",
        "hq_approved",
        "expires_on",
        UsageColumn("wagtaildocs:document_usage", "document"),
    ]
    search_fields = ["document__title"]
    panels = rights_panels("document")


class BrandLibraryViewSetGroup(ViewSetGroup):
    menu_label = _("Brand library")
    menu_icon = "image"
    menu_order = 160
    items = (
        ImageRightsViewSet("distmark_image_rights"),
        DocumentRightsViewSet("distmark_document_rights"),
    )
