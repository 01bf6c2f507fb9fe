"""The brand library: HQ's collection of approved assets every outlet may choose.

HQ holds every permission on it (through its grants on the root collection);
each outlet's groups get ``choose`` only, so outlets use brand assets but never
change or delete them.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission

from ..conf import distmark_settings
from .models import DocumentRights, ImageRights, today

CHOOSE_PERMISSIONS = (
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
)


def brand_library():
    """The brand library collection, or None before the network is set up."""
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=distmark_settings.BRAND_LIBRARY_NAME).first()


def ensure_brand_library():
    """Create (once) the brand library, and let every outlet group choose from it."""
    from ..outlets.models import Outlet, Region

    library = brand_library()
    if library is None:
        root = Collection.get_first_root_node()
        library = root.add_child(name=distmark_settings.BRAND_LIBRARY_NAME)
        group_ids = [
            group_id
            for pair in Outlet.objects.values_list(
                "editors_group_id", "managers_group_id"
            )
            for group_id in pair
        ]
        group_ids += list(Region.objects.values_list("managers_group_id", flat=True))
        grant_brand_library_choice([group for group in group_ids if group], library)
    return library


def choose_permissions():
    q = Q()
    for app_label, codename in CHOOSE_PERMISSIONS:
        q |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(q))


def grant_brand_library_choice(group_ids, library=None):
    """Let ``group_ids`` choose brand assets, adding only the missing grants."""
    library = library or brand_library()
    if library is None or not group_ids:
        return
    permissions = choose_permissions()
    have = set(
        GroupCollectionPermission.objects.filter(
            collection=library, group_id__in=group_ids
        ).values_list("group_id", "permission_id")
    )
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(
                group_id=group_id, permission=permission, collection=library
            )
            for group_id in group_ids
            for permission in permissions
            if (group_id, permission.pk) not in have
        ]
    )


def rights_model_for(model):
    """The rights model beside ``model`` (the image or the document model)."""
    if issubclass(model, get_image_model()):
        return ImageRights, "image"
    if issubclass(model, get_document_model()):
        return DocumentRights, "document"
    return None, None


def choosable_by_outlets(queryset):
    """What outlets may choose from ``queryset`` of images or documents.

    Brand library assets need HQ's approval and unexpired rights; any asset
    whose rights HQ marked unapproved or expired is out, wherever it sits.
    Written with ``id__in`` and ``collection__in`` subqueries only: the
    chooser's search runs these filters through Wagtail's search backend,
    which accepts lookups on the model's filter fields and nothing else. The
    query count does not change with the number of assets.
    """
    rights_model, field = rights_model_for(queryset.model)
    on = today()
    unusable = rights_model.objects.unusable(on).values(f"{field}_id")
    queryset = queryset.exclude(id__in=unusable)
    library = brand_library()
    if library is not None:
        brand_collections = Collection.objects.filter(
            path__startswith=library.path
        ).values("pk")
        usable = rights_model.objects.usable(on).values(f"{field}_id")
        queryset = queryset.filter(
            ~Q(collection__in=brand_collections) | Q(id__in=usable)
        )
    return queryset


_UNSET = object()


def unusable_reason(asset, library=_UNSET):
    """Why outlets may not use ``asset`` today (a sentence naming it), or None.

    The rule of ``choosable_by_outlets``, for one asset already loaded (with
    its ``collection`` and ``distmark_rights``); pass the ``brand_library()``
    when judging many assets, to look it up once.
    """
    from django.utils.formats import date_format
    from django.utils.functional import lazy
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    if library is _UNSET:
        library = brand_library()
    rights = getattr(asset, "distmark_rights", None)
    if rights is not None and rights.is_expired:
        return format_lazy(
            _("The usage rights of “{title}” expired on {date}."),
            title=asset.title,
            # In the reader's language when shown: "3 novembre 2026".
            date=lazy(date_format, str)(rights.expires_on),
        )
    in_library = library is not None and asset.collection.path.startswith(library.path)
    if (rights is not None and not rights.hq_approved) or (
        rights is None and in_library
    ):
        return format_lazy(
            _("“{title}” is not approved by HQ for use."), title=asset.title
        )
    return None


def outlet_images(outlet, user=None):
    """Images an outlet's own content may show: its collection's and the brand
    library's (in their sub-collections too), among those ``user`` may choose
    from when given."""
    from wagtail.permissions import policy_registry

    from ..outlets.access import user_is_hq

    collections = Q(pk__in=[])
    library = brand_library()
    if library is not None:
        collections |= Q(path__startswith=library.path)
    if outlet is not None and outlet.collection_id:
        collections |= Q(path__startswith=outlet.collection.path)
    images = get_image_model().objects.filter(
        collection__in=Collection.objects.filter(collections)
    )
    if user is not None and not user_is_hq(user):
        policy = policy_registry.get_by_type(get_image_model())
        images = images.filter(
            collection__in=policy.collections_user_has_any_permission_for(
                user, ["add", "change", "choose"]
            )
        )
    return images
