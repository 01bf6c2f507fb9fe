"""Admin views for outlet-scoped models.

Wagtail's generic views check model-level permissions; these mixins add the
per-object check so an outlet user never reaches another outlet's object by
URL or id: listings are filtered in SQL, and any other object answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage


class OutletScopedObjectMixin:
    #: The action the user needs on this very object.
    object_action = "view"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.object_action, obj
        ):
            raise Http404
        return obj


class RefusableDeleteMixin:
    """Shows a delete action's refusal (a ``ValidationError``) as a message."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.index_url_name)


class OutletScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        allowed = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change", "delete"]
        )
        return super().get_base_queryset() & allowed


class OutletScopedEditView(OutletScopedObjectMixin, generic.EditView):
    object_action = "change"


class OutletScopedDeleteView(
    RefusableDeleteMixin, OutletScopedObjectMixin, generic.DeleteView
):
    object_action = "delete"


class OutletScopedInspectView(OutletScopedObjectMixin, generic.InspectView):
    object_action = "view"


class OutletScopedHistoryView(OutletScopedObjectMixin, history.HistoryView):
    object_action = "view"

    # Wagtail links the history to the edit view whoever reads it: link it
    # only for those who may change this object (not a viewer, not an
    # erased contact).
    def get_edit_url(self, instance):
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            return None
        return super().get_edit_url(instance)

    @cached_property
    def header_buttons(self):
        return super().header_buttons if self.get_edit_url(self.object) else []

    @cached_property
    def columns(self):
        if self.get_edit_url(self.object) is None:
            self.edit_url_name = None
        return super().columns


class OutletScopedUsageView(OutletScopedObjectMixin, usage.UsageView):
    object_action = "view"


class OutletScopedCopyView(OutletScopedObjectMixin, generic.CopyView):
    object_action = "view"
