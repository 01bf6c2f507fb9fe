from wagtail import hooks
from wagtail.admin.navigation import get_site_for_user
from wagtail.documents import get_document_model
from wagtail.documents.wagtail_hooks import DocumentsSummaryItem
from wagtail.images import get_image_model
from wagtail.images.wagtail_hooks import ImagesSummaryItem
from wagtail.permissions import policy_registry, register_permission_policy

from ..outlets.access import user_is_hq
from ..outlets.permission_policies import OutletScopedPermissionPolicy
from ..rules import HQ_ONLY
from .checks import AssetRightsCheck
from .models import DocumentRights, ImageRights
from .services import choosable_by_outlets

# Usage rights are HQ's: the rules give local roles no action on them.
for _model in (ImageRights, DocumentRights):
    register_permission_policy(
        _model, OutletScopedPermissionPolicy(_model, HQ_ONLY, outlet_path="")
    )


@hooks.register("construct_image_chooser_queryset")
def hide_unusable_images(images, request):
    if user_is_hq(request.user):
        return images
    return choosable_by_outlets(images)


@hooks.register("construct_document_chooser_queryset")
def hide_unusable_documents(documents, request):
    if user_is_hq(request.user):
        return documents
    return choosable_by_outlets(documents)


@hooks.register("register_distmark_check")
def register_asset_checks():
    return [AssetRightsCheck()]


@hooks.register("register_admin_viewset")
def register_brand_library_viewsets():
    from .viewsets import BrandLibraryViewSetGroup

    return BrandLibraryViewSetGroup()


# The dashboard's summary -----------------------------------------------------------

#: What Wagtail's image and document listings show: the objects the user may
#: change or delete (the brand library, only chosen, has its own screen).
LISTED_ACTIONS = ["change", "delete"]


def listed_count(model, user):
    return (
        policy_registry.get_by_type(model)
        .instances_user_has_any_permission_for(user, LISTED_ACTIONS)
        .count()
    )


class ListedImagesSummaryItem(ImagesSummaryItem):
    def get_context_data(self, parent_context):
        return {
            "total_images": listed_count(get_image_model(), self.request.user),
            "site_name": get_site_for_user(self.request.user)["site_name"],
        }


class ListedDocumentsSummaryItem(DocumentsSummaryItem):
    def get_context_data(self, parent_context):
        return {
            "total_docs": listed_count(get_document_model(), self.request.user),
            "site_name": get_site_for_user(self.request.user)["site_name"],
        }


# After Wagtail's own (order 0): its items count what a user may choose too,
# brand images included, so "4 Images" stood beside a listing of one.
@hooks.register("construct_homepage_summary_items", order=100)
def count_what_the_listings_show(request, items):
    replacements = {
        ImagesSummaryItem: ListedImagesSummaryItem,
        DocumentsSummaryItem: ListedDocumentsSummaryItem,
    }
    items[:] = [
        replacements[type(item)](request) if type(item) in replacements else item
        for item in items
    ]
