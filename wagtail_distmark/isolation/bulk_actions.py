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
from wagtail.admin.views.pages import bulk_actions as page_bulk_actions
from wagtail.admin.views.pages.bulk_actions.move import MoveForm
from wagtail.documents import get_document_model
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images import get_image_model
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDelete

from .pages import ScopedParentChoiceMixin
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


class ScopedMoveForm(ScopedParentChoiceMixin, MoveForm):
    parent_field = "chooser"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_parent_choice(user)


class ScopedDestinationMixin:
    """Moving pages: the destination is one of the user's pages (Wagtail
    named any page of the network given as destination in its refusal)."""

    form_class = ScopedMoveForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


#: Scoping beyond hidden objects, per action.
EXTRA_MIXINS = {page_bulk_actions.MoveBulkAction: (ScopedDestinationMixin,)}

WAGTAIL_BULK_ACTIONS = [
    page_bulk_actions.DeleteBulkAction,
    page_bulk_actions.MoveBulkAction,
    page_bulk_actions.PublishBulkAction,
    page_bulk_actions.UnpublishBulkAction,
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
        mixins = (*EXTRA_MIXINS.get(action_class, ()), HiddenObjectsBulkActionMixin)
        scoped = type(
            name,
            (*mixins, action_class),
            {"__module__": __name__, "__qualname__": name},
        )
        hooks.register("register_bulk_action", scoped, order=100)
