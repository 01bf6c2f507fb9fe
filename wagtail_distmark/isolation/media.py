"""Wagtail's image and document screens for local users: tags and the API.

Listings and choosers already show local users only their collections and the
brand library (Wagtail's collection permissions and the chooser hooks in
``media/wagtail_hooks.py``). Two things were left network-wide: the "popular
tags" offered as filters, counted over every image or document of the
installation, and the admin API's image and document endpoints, which list
everything. Here both follow what the user may see.
"""

import copy

from django.http import Http404
from django.utils.functional import cached_property
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.documents import DocumentsFilterSet
from wagtail.documents.views.documents import IndexView as DocumentIndexView
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.chooser import ImageChooseResultsView, ImageChooseView
from wagtail.images.views.chooser import viewset as image_chooser_viewset
from wagtail.images.views.images import ImagesFilterSet
from wagtail.images.views.images import IndexView as ImageIndexView

from .visibility import (
    is_local_user,
    reachable_media,
    tags_on,
    visible_documents,
    visible_images,
    visible_media,
)

POPULAR_TAGS = 10


class ScopedTagsFilterSetMixin:
    """The tag filter offers the tags of the listed objects only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.request
        if "tag" not in self.filters or not is_local_user(request.user):
            return
        listed = self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "delete"]
        )
        names = list(tags_on(listed).values_list("name", flat=True)[:POPULAR_TAGS])
        if names:
            self.filters["tag"].extra["choices"] = [(name, name) for name in names]
        else:
            del self.filters["tag"]


class ScopedImagesFilterSet(ScopedTagsFilterSetMixin, ImagesFilterSet):
    class Meta(ImagesFilterSet.Meta):
        pass


class ScopedDocumentsFilterSet(ScopedTagsFilterSetMixin, DocumentsFilterSet):
    class Meta(DocumentsFilterSet.Meta):
        pass


class ScopedImageIndexView(ImageIndexView):
    filterset_class = ScopedImagesFilterSet


class ScopedDocumentIndexView(DocumentIndexView):
    filterset_class = ScopedDocumentsFilterSet


image_index_view = ScopedImageIndexView.as_view()
image_index_results_view = ScopedImageIndexView.as_view(results_only=True)
document_index_view = ScopedDocumentIndexView.as_view()
document_index_results_view = ScopedDocumentIndexView.as_view(results_only=True)


class ScopedPopularTagsMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "popular_tags" in context and is_local_user(self.request.user):
            context["popular_tags"] = tags_on(visible_images(self.request.user))[
                :POPULAR_TAGS
            ]
        return context


class ScopedImageChooseView(ScopedPopularTagsMixin, ImageChooseView):
    pass


class ScopedImageChooseResultsView(ScopedPopularTagsMixin, ImageChooseResultsView):
    pass


class _ScopedImageChooserViews:
    """Wagtail's image chooser views, built with Wagtail's own arguments."""

    @cached_property
    def viewset(self):
        viewset = copy.copy(image_chooser_viewset)
        viewset.choose_view_class = ScopedImageChooseView
        viewset.choose_results_view_class = ScopedImageChooseResultsView
        return viewset

    @cached_property
    def choose(self):
        return self.viewset.choose_view

    @cached_property
    def choose_results(self):
        return self.viewset.choose_results_view


image_chooser_views = _ScopedImageChooserViews()


def image_choose_view(request, *args, **kwargs):
    return image_chooser_views.choose(request, *args, **kwargs)


def image_choose_results_view(request, *args, **kwargs):
    return image_chooser_views.choose_results(request, *args, **kwargs)


class ScopedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    """The admin API's images: those the user may choose (hidden ids: 404)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if is_local_user(user):
            queryset = queryset.filter(id__in=visible_images(user).values("pk"))
        return queryset


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's documents: those the user may choose (hidden ids: 404)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if is_local_user(user):
            queryset = queryset.filter(id__in=visible_documents(user).values("pk"))
        return queryset


# -- Route guards: an object named by id must be one the user may see ----------


def _require(queryset, ids):
    """404 unless every id is in ``queryset`` (malformed ids too)."""
    try:
        wanted = {int(pk) for pk in ids}
    except (TypeError, ValueError) as error:
        raise Http404 from error
    if wanted and queryset.filter(pk__in=wanted).count() != len(wanted):
        raise Http404


def _named_ids(request, kwargs):
    ids = [
        kwargs[name]
        for name in ("pk", "image_id", "document_id", "doc_id")
        if name in kwargs
    ]
    return ids or request.GET.getlist("id")


def require_reachable_image(request, **kwargs):
    """The image screens (edit, delete, usage, URL generator...): an image of
    another outlet answers 404, as an id that does not exist does (Wagtail
    answers 403, which tells the id exists)."""
    _require(
        reachable_media(request.user, get_image_model()), _named_ids(request, kwargs)
    )


def require_reachable_document(request, **kwargs):
    _require(
        reachable_media(request.user, get_document_model()), _named_ids(request, kwargs)
    )


def require_choosable_image(request, **kwargs):
    """The chooser's answers for a chosen image: only images the user may
    choose (Wagtail's collection permission lets the brand library's
    unapproved and expired assets through)."""
    _require(
        visible_media(request.user, get_image_model()), _named_ids(request, kwargs)
    )


def require_choosable_document(request, **kwargs):
    _require(
        visible_media(request.user, get_document_model()), _named_ids(request, kwargs)
    )
