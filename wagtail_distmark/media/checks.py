"""Brand compliance check: every asset an outlet used may still be used."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from ..workflows.checks import Check, Finding, part_leaves
from .models import DocumentRights, ImageRights, today
from .services import brand_library


class AssetRightsCheck(Check):
    name = "asset_rights"
    label = _("Brand assets approved and within their usage rights")

    def run(self, subject):
        used = []  # (where, kind, asset)
        for part in subject.local_parts:
            for block, value in part_leaves(part):
                if value is None:
                    continue
                if isinstance(block, ImageChooserBlock):
                    used.append((part.where, "image", value))
                elif isinstance(block, DocumentChooserBlock):
                    used.append((part.where, "document", value))
        if not used:
            return
        library = brand_library()
        on = today()
        rights = {
            ("image", r.image_id): r
            for r in ImageRights.objects.filter(
                image_id__in=[a.pk for _w, kind, a in used if kind == "image"]
            )
        }
        rights |= {
            ("document", r.document_id): r
            for r in DocumentRights.objects.filter(
                document_id__in=[a.pk for _w, kind, a in used if kind == "document"]
            )
        }
        for where, kind, asset in used:
            row = rights.get((kind, asset.pk))
            in_library = library is not None and asset.collection.path.startswith(
                library.path
            )
            if row is not None and row.expires_on is not None and row.expires_on < on:
                yield Finding(
                    format_lazy(
                        _("The usage rights of “{title}” expired on {date}."),
                        title=asset.title,
                        date=row.expires_on.isoformat(),
                    ),
                    where,
                )
            elif (row is not None and not row.hq_approved) or (
                row is None and in_library
            ):
                yield Finding(
                    format_lazy(
                        _("“{title}” is not approved by HQ for use."), title=asset.title
                    ),
                    where,
                )
