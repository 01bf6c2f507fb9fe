from wagtail import hooks
from wagtail.permissions import register_permission_policy

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
