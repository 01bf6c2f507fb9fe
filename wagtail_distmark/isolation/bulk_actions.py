"""Wagtail's bulk actions for local users: another outlet's objects do not exist.

Wagtail's bulk action screens load every id they are given and list those the
user may not act on by title ("You don't have permission to delete: …"); "select
all" on the page listing or a search loads the whole installation's pages. For
local users an id outside what they may see answers 404, and "all" leaves
those objects out, unnamed. Wagtail's actions are registered again as scoped
subclasses, which replace them in its bulk action registry.
"""

from django.http import Http404
from wagtail import hooks
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction as PageDeleteBulkAction,
)
from wagtail.admin.views.pages.bulk_actions import (
    MoveBulkAction as PageMoveBulkAction,
)
from wagtail.admin.views.pages.bulk_actions import (
    PublishBulkAction as PagePublishBulkAction,
)
from wagtail.admin.views.pages.bulk_actions import (
    UnpublishBulkAction as PageUnpublishBulkAction,
)
from wagtail.documents import get_document_model
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images import get_image_model
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDelete

from .visibility import is_local_user, visible_documents, visible_images, visible_pages


def visible_objects(user, model):
    """What ``user`` may see of ``model`` anywhere in the admin."""
    if issubclass(model, Page):
        return visible_pages(user)
    if issubclass(model, get_image_model()):
        return visible_images(user)
    if issubclass(model, get_document_model()):
        return visible_documents(user)
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(
        user, ["view", "add", "change", "delete", "publish"]
    )


class HiddenObjectsBulkActionMixin:
    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        user = self.request.user
        if not is_local_user(user):
            return objects, extra
        refused = list(extra.get("items_with_no_access", []))
        given = objects + refused
        visible = set(
            visible_objects(user, self.model)
            .filter(pk__in=[obj.pk for obj in given])
            .values_list("pk", flat=True)
        )
        if "all" not in self.request.GET.getlist("id") and any(
            obj.pk not in visible for obj in given
        ):
            raise Http404
        extra["items_with_no_access"] = [obj for obj in refused if obj.pk in visible]
        return [obj for obj in objects if obj.pk in visible], extra


WAGTAIL_BULK_ACTIONS = [
    PageDeleteBulkAction,
    PageMoveBulkAction,
    PagePublishBulkAction,
    PageUnpublishBulkAction,
    image_bulk_actions.AddTagsBulkAction,
    image_bulk_actions.AddToCollectionBulkAction,
    image_bulk_actions.DeleteBulkAction,
    document_bulk_actions.AddTagsBulkAction,
    document_bulk_actions.AddToCollectionBulkAction,
    document_bulk_actions.DeleteBulkAction,
    SnippetDelete,
]


def register_scoped_bulk_actions():
    """Register a scoped subclass of each of Wagtail's bulk actions, after
    Wagtail's own, so that it replaces them in the registry."""
    for action_class in WAGTAIL_BULK_ACTIONS:
        name = f"Scoped{action_class.__name__}"
        scoped = type(
            name,
            (HiddenObjectsBulkActionMixin, action_class),
            {"__module__": __name__, "__qualname__": name},
        )
        hooks.register("register_bulk_action", scoped, order=100)
