"""What a local user may see of Wagtail's objects, as querysets.

One answer per kind of object, used by every scoped screen of this package:
pages they may explore, images and documents of the collections they work in
or choose from, tags used on those, and people who worked on those pages.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, Site
from wagtail.permissions import page_permission_policy, policy_registry

from ..outlets.access import get_network_roles, user_is_hq

#: Collection permissions that show a user an image or a document anywhere in
#: the admin (listings, choosers, the admin API).
MEDIA_ACTIONS = ("add", "change", "delete", "choose")


def is_local_user(user):
    """A user whose admin is scoped: an outlet role, and not HQ staff.

    Users outside the network (neither HQ nor any outlet role) keep Wagtail's
    own behaviour: the project's permissions govern them.
    """
    if user is None or not user.is_authenticated or user_is_hq(user):
        return False
    return bool(get_network_roles(user).any_outlet_ids)


def visible_pages(user):
    """Pages the user may explore: their outlets' trees and the ancestors
    below the first one they share."""
    return page_permission_policy.explorable_instances(user)


def explorable_root(user):
    """Where the user's page tree starts (their outlet's home page, or their
    region's page for a regional manager)."""
    return page_permission_policy.explorable_root_instance(user)


def visible_sites(user):
    if user_is_hq(user):
        return Site.objects.all()
    return Site.objects.filter(root_page__in=visible_pages(user))


def reachable_media(user, model):
    """Images or documents of the collections the user works in or chooses
    from (the brand library among them), whatever their usage rights: what
    the media screens may show them, with the user's permissions on each."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, MEDIA_ACTIONS)


def visible_media(user, model):
    """Of ``reachable_media``, those the user may use: for outlet users,
    without assets whose rights HQ has not approved or which expired."""
    from ..media.services import choosable_by_outlets

    queryset = reachable_media(user, model)
    if user_is_hq(user):
        return queryset
    return choosable_by_outlets(queryset)


def visible_images(user):
    return visible_media(user, get_image_model())


def visible_documents(user):
    return visible_media(user, get_document_model())


def tags_on(queryset):
    """Tags used on the objects of ``queryset``, most used first."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=content_type,
            taggit_taggeditem_items__object_id__in=queryset.order_by().values("pk"),
        )
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count", "name")
    )


def people_of_pages(user):
    """Users who edited, published or otherwise acted on pages the user may
    explore, and the pages' owners: the people their filters may name."""
    pages = visible_pages(user).order_by().values("pk")
    acting = PageLogEntry.objects.filter(page__in=pages).order_by().values("user_id")
    owners = visible_pages(user).order_by().values("owner_id")
    User = get_user_model()
    return User.objects.filter(pk__in=acting) | User.objects.filter(pk__in=owners)
