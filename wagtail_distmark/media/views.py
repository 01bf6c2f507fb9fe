"""Brand library screens: the brand kit, the brand assets with their usage
rights (everyone in the network, read-only for outlets), and where HQ's
assets are used (HQ only)."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from taggit.models import Tag
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DownloadColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from ..outlets.access import get_network_roles, user_is_hq
from .models import BrandKit, today
from .services import brand_library, choosable_by_outlets
from .usage import asset_key, find_uses
from .viewsets import usage_count

THUMBNAIL_SPEC = "max-120x90"  # also in media/thumbnail_cell.html


def in_network(user):
    """HQ, or anyone holding a role on an outlet or region."""
    return user_is_hq(user) or bool(get_network_roles(user).any_outlet_ids)


class NetworkMemberRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not in_network(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HQRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_is_hq(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def brand_collections():
    library = brand_library()
    if library is None:
        return Collection.objects.none()
    return Collection.objects.filter(path__startswith=library.path).order_by("path")


class BrandAssetFilterSet(WagtailFilterSet):
    collection = django_filters.ModelChoiceFilter(
        label=_("Collection"), queryset=Collection.objects.none()
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"),
        field_name="tags",
        queryset=Tag.objects.none(),
        to_field_name="slug",
    )

    def __init__(self, *args, assets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["collection"].queryset = brand_collections()
        # Only tags some brand asset carries.
        self.filters["tag"].queryset = Tag.objects.filter(
            pk__in=assets.values("tags")
        ).order_by("name")


class RightsColumn(Column):
    """A value from the asset's usage rights; blank without rights."""

    def __init__(self, name, label, read):
        super().__init__(name, label=label, accessor=self.rights_value)
        self.read = read

    def rights_value(self, asset):
        rights = getattr(asset, "distmark_rights", None)
        return "" if rights is None else self.read(rights)


def rights_status(rights):
    if not rights.hq_approved:
        return _("Not approved")
    if rights.is_expired:
        return _("Expired")
    return _("Approved")


class ThumbnailColumn(Column):
    cell_template_name = "wagtail_distmark/media/thumbnail_cell.html"


class UsageLinkColumn(Column):
    cell_template_name = "wagtail_distmark/media/usage_cell.html"

    def __init__(self, url_name):
        super().__init__("usage_count", label=_("Used by"), sort_key="usage_count")
        self.url_name = url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = instance.usage_count  # a number, for the plural
        context["link"] = reverse(self.url_name, args=[instance.pk])
        return context


class BrandAssetIndexView(NetworkMemberRequiredMixin, BaseListingView):
    """Brand library assets with their usage rights.

    Outlets see what they may use (approved, unexpired), read-only; HQ sees
    every asset with its status, how many objects use it, and links to edit
    it and its rights.
    """

    template_name = "wagtail_distmark/media/brand_assets.html"
    results_template_name = "wagtail_distmark/media/brand_assets_results.html"
    is_searchable = True
    search_backend_name = None  # the library is small: a title filter
    search_fields = ["title"]
    default_ordering = "title"
    paginate_by = 30
    filterset_class = BrandAssetFilterSet
    kind = None  # "image" or "document", set by the viewset
    usage_url_name = None
    rights_index_url_name = None

    @cached_property
    def model(self):
        return get_image_model() if self.kind == "image" else get_document_model()

    @cached_property
    def is_hq(self):
        return user_is_hq(self.request.user)

    def get_page_title(self):
        if self.kind == "image":
            return _("Brand images")
        return _("Brand documents")

    @cached_property
    def header_icon(self):
        return "image" if self.kind == "image" else "doc-full"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("distmark_brand_kit:index"), "label": _("Brand kit")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def library_assets(self):
        assets = self.model._default_manager.filter(
            collection__in=brand_collections().values("pk")
        )
        if not self.is_hq:
            assets = choosable_by_outlets(assets)
        return assets

    def get_filterset_kwargs(self):
        return {
            **super().get_filterset_kwargs(),
            "queryset": self.library_assets,
            "assets": self.library_assets,
        }

    def get_base_queryset(self):
        assets = self.library_assets.select_related(
            "collection", "distmark_rights"
        ).prefetch_related("tags")
        if self.kind == "image":
            assets = assets.prefetch_renditions(THUMBNAIL_SPEC)
        if self.is_hq:
            assets = assets.annotate(usage_count=usage_count(self.model, "pk"))
        return assets

    def get_valid_orderings(self):
        orderings = ["title", "-title", "created_at", "-created_at"]
        if self.is_hq:
            orderings += ["usage_count", "-usage_count"]
        return orderings

    @cached_property
    def columns(self):
        finder = AdminURLFinder(self.request.user)
        columns = []
        if self.kind == "image":
            columns.append(ThumbnailColumn("thumbnail", label=""))
        columns.append(
            TitleColumn(
                "title",
                label=_("Title"),
                sort_key="title",
                # HQ opens Wagtail's edit view; outlets the file itself.
                get_url=finder.get_edit_url if self.is_hq else self.file_url,
            )
        )
        if self.kind == "document":
            columns.append(DownloadColumn("filename", label=_("File")))
        columns += [
            Column("collection", label=_("Collection")),
            Column("tags", label=_("Tags"), accessor=self.tag_names),
            RightsColumn(
                "channels",
                _("Allowed channels"),
                lambda rights: ", ".join(str(c) for c in rights.channels),
            ),
            RightsColumn("expires_on", _("Rights expire on"), lambda r: r.expires_on),
            RightsColumn("credit", _("Credit or licence"), lambda r: r.credit),
        ]
        if self.is_hq:
            columns += [
                Column("status", label=_("Status"), accessor=self.status),
                UsageLinkColumn(self.usage_url_name),
                TitleColumn(
                    "rights",
                    label=_("Usage rights"),
                    accessor=lambda asset: _("Edit rights"),
                    get_url=self.rights_url,
                ),
            ]
        return columns

    def file_url(self, asset):
        return asset.file.url if self.kind == "image" else asset.url

    @staticmethod
    def tag_names(asset):
        return ", ".join(sorted(tag.name for tag in asset.tags.all()))

    @staticmethod
    def status(asset):
        rights = getattr(asset, "distmark_rights", None)
        if rights is None:
            return _("No rights yet: not shown to outlets")
        return rights_status(rights)

    def rights_url(self, asset):
        rights = getattr(asset, "distmark_rights", None)
        prefix = f"distmark_{self.kind}_rights"
        if rights is None:
            return reverse(f"{prefix}:add") + f"?{self.kind}={asset.pk}"
        return reverse(f"{prefix}:edit", args=[rights.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_hq"] = self.is_hq
        context["brand_kit_url"] = reverse("distmark_brand_kit:index")
        return context


class AssetUsageView(HQRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Which outlets use one asset, and where: every object that uses it
    (from Wagtail's reference index) with its outlet and the block or field;
    an HQ template with the number of outlet pages built on it."""

    template_name = "wagtail_distmark/media/asset_usage.html"
    kind = None
    index_url_name = None
    paginate_by = 50

    @cached_property
    def asset(self):
        model = get_image_model() if self.kind == "image" else get_document_model()
        return get_object_or_404(model, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Usage of %(title)s") % {"title": self.asset.title}

    @cached_property
    def header_icon(self):
        return "image" if self.kind == "image" else "doc-full"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {
                "url": reverse(self.index_url_name),
                "label": _("Brand images")
                if self.kind == "image"
                else _("Brand documents"),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        uses = find_uses([self.asset]).get(asset_key(self.asset), [])
        # One line per object (an HQ template's outlets are counted on its line).
        lines = [u for u in uses if not (u.outlet_id and _is_template(u.obj))]
        outlets = sorted({use.outlet_name for use in uses if use.outlet_name})
        page = Paginator(lines, self.paginate_by).get_page(self.request.GET.get("p"))
        finder = AdminURLFinder(self.request.user)
        for use in page.object_list:
            use.edit_url = finder.get_edit_url(use.obj)
        context.update(
            asset=self.asset,
            rights=getattr(self.asset, "distmark_rights", None),
            page_obj=page,
            outlets=outlets,
            use_count=len(lines),
        )
        return context


def _is_template(obj):
    from ..inheritance.models import TemplatePage

    return isinstance(obj, TemplatePage)


class BrandKitView(NetworkMemberRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """HQ's brand guidelines beside the brand library, for every local editor."""

    template_name = "wagtail_distmark/media/brand_kit.html"
    page_title = _("Brand kit")
    header_icon = "palette"

    def get_breadcrumbs_items(self):
        # The page's own name as the header, not a lone "Home".
        return super().get_breadcrumbs_items() + [
            {"url": "", "label": self.get_page_title()}
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kit = BrandKit.load(request_or_site=self.request)
        is_hq = user_is_hq(self.request.user)
        logos = [block.value for block in kit.logos]
        if not is_hq:
            # Outlets see only logos they may use today.
            usable = set(
                choosable_by_outlets(
                    get_image_model().objects.filter(
                        pk__in=[logo["image"].pk for logo in logos if logo["image"]]
                    )
                ).values_list("pk", flat=True)
            )
            logos = [
                logo for logo in logos if logo["image"] and logo["image"].pk in usable
            ]
        context.update(
            kit=kit,
            logos=logos,
            is_hq=is_hq,
            edit_url=reverse(
                "wagtailsettings:edit", args=["wagtail_distmark", "brandkit"]
            )
            if is_hq
            else None,
            images_url=reverse("distmark_brand_images:index"),
            documents_url=reverse("distmark_brand_documents:index"),
            today=today(),
        )
        return context
