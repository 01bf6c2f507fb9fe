from wagtail import hooks

from ..outlets.access import user_is_hq
from .checks import AssetRightsCheck
from .services import choosable_by_outlets


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
