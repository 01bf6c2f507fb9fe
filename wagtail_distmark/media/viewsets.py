"""Admin screens for HQ: the usage rights of brand assets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

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


class AssetRightsViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_filter = ["hq_approved", "expires_on"]
    search_backend_name = None


class ImageRightsViewSet(AssetRightsViewSet):
    model = ImageRights
    icon = "image"
    menu_label = _("Image rights")
    list_display = ["image", "hq_approved", "expires_on", "credit"]
    search_fields = ["image__title"]
    panels = rights_panels("image")


class DocumentRightsViewSet(AssetRightsViewSet):
    model = DocumentRights
    icon = "doc-full"
    menu_label = _("Document rights")
    list_display = ["document", "hq_approved", "expires_on", "credit"]
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
