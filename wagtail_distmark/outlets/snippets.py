"""Snippets of outlet-scoped models: each user reaches only their outlets'.

Wagtail's snippet views read the object a URL names before checking anything
(a workflow view then names it in a message: "The local offer 'X' is not
currently awaiting moderation"), and its chooser lists, and hands back by id,
every object of the model. ``OutletScopedSnippetViewSet``, for a model with
an ``outlet`` foreign key, answers 404 for an object outside the user's
outlets on every object view, and its chooser offers only their outlets'
objects (HQ: all). Its create and edit forms offer only the user's outlets,
and their rich text and stream fields refer only to what the chosen outlet
may use (``isolation.references``). Model permissions still decide what
users may do with their own outlets' objects.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from ..isolation.references import OutletReferencesFormMixin
from .access import outlet_access_q, user_is_hq
from .roles import EDITOR, MANAGER, REGION_MANAGER

ANY_ROLE = frozenset({EDITOR, MANAGER, REGION_MANAGER})


def of_users_outlets(queryset, user, outlet_path="outlet__"):
    if user_is_hq(user):
        return queryset
    return queryset.filter(outlet_access_q(user, ANY_ROLE, prefix=outlet_path))


class OutletScopedChooseMixin:
    def get_object_list(self):
        return of_users_outlets(super().get_object_list(), self.request.user)


class OutletScopedChosenMixin:
    def get_object(self, pk):
        queryset = of_users_outlets(
            self.model_class._default_manager.all(), self.request.user
        )
        return queryset.get(pk=pk)


class OutletScopedChosenMultipleMixin:
    def get_objects(self, pks):
        return of_users_outlets(super().get_objects(pks), self.request.user)


class OutletScopedChooseView(OutletScopedChooseMixin, ChooseView):
    pass


class OutletScopedChooseResultsView(OutletScopedChooseMixin, ChooseResultsView):
    pass


class OutletScopedChosenView(OutletScopedChosenMixin, SnippetChosenView):
    pass


class OutletScopedChosenMultipleView(
    OutletScopedChosenMultipleMixin, SnippetChosenMultipleView
):
    pass


class OutletScopedSnippetChooserViewSet(SnippetChooserViewSet):
    """The chooser of an outlet-scoped snippet: set it as your
    ``SnippetViewSet.chooser_viewset_class`` (docs/extending.md)."""

    choose_view_class = OutletScopedChooseView
    choose_results_view_class = OutletScopedChooseResultsView
    chosen_view_class = OutletScopedChosenView
    chosen_multiple_view_class = OutletScopedChosenMultipleView


class OutletObjectsOnlyMixin:
    """An object view that finds only objects of the user's outlets: any
    other answers 404 before the view says anything about it."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is None:  # the create view's
            return obj
        mine = of_users_outlets(
            type(obj)._default_manager.filter(pk=obj.pk), self.request.user
        )
        if not mine.exists():
            raise Http404
        return obj


class OutletScopedFormMixin(OutletReferencesFormMixin):
    """An object of one of the user's outlets, referring only to what that
    outlet may use: another outlet is neither offered nor accepted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("outlet")
        if field is not None and self.for_user is not None:
            field.queryset = of_users_outlets(
                field.queryset, self.for_user, outlet_path=""
            )

    def references_outlet(self):
        field = self.fields.get("outlet")
        if field is None or field.disabled or not self.is_bound:
            return super().references_outlet()
        posted = field.widget.value_from_datadict(
            self.data, self.files, self.add_prefix("outlet")
        )
        try:
            return field.clean(posted)
        except ValidationError:
            return None  # refused by the field itself


class OutletScopedSnippetViewSet(SnippetViewSet):
    """A snippet viewset for a model with an ``outlet`` foreign key."""

    chooser_viewset_class = OutletScopedSnippetChooserViewSet

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update=for_update)
        return type(
            f"OutletScoped{form_class.__name__}",
            (OutletScopedFormMixin, form_class),
            {"__module__": __name__},
        )

    def construct_view(self, view_class, **kwargs):
        if hasattr(view_class, "get_object") and not issubclass(
            view_class, OutletObjectsOnlyMixin
        ):
            view_class = type(
                f"OutletScoped{view_class.__name__}",
                (OutletObjectsOnlyMixin, view_class),
                {"__module__": __name__},
            )
        return super().construct_view(view_class, **kwargs)
