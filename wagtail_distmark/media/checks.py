"""Brand compliance check: every image and document an outlet used may be used.

"Used" is every reference Wagtail's reference index machinery finds in what
the outlet wrote (``ComplianceSubject.references``): images and documents
chosen in blocks, document links and image embeds in rich text, foreign
keys of a snippet. Each is judged by the rules outlets' choosers apply
(``media.services``): not another outlet's, HQ's rights approved and not
expired, and a brand library asset only once HQ has approved it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from ..workflows.checks import (
    Check,
    Finding,
    foreign_item_message,
    load_referenced,
    missing_finding,
)
from .services import brand_library, unusable_reason


class AssetRightsCheck(Check):
    name = "asset_rights"
    label = _("Brand assets approved and within their usage rights")

    def run(self, subject):
        kinds = (
            (AbstractImage, get_image_model()),
            (AbstractDocument, get_document_model()),
        )
        used = [
            (reference, model)
            for reference in subject.references
            for base, model in kinds
            if issubclass(reference.model, base)
        ]
        if not used:
            return
        assets = {}
        for _base, model in kinds:
            # One query per model, rights and collection with it.
            assets[model] = load_referenced(
                [reference for reference, of in used if of is model],
                model.objects.select_related("collection", "distmark_rights"),
            )
        library = brand_library()
        for reference, model in used:
            asset = assets[model].get(reference.object_id)
            if asset is None:
                yield missing_finding(reference)
                continue
            message = self.refusal(subject, asset, library)
            if message is not None:
                yield Finding(message, reference.where)

    def refusal(self, subject, asset, library):
        """Why the outlet may not use ``asset``, or None."""
        if subject.scope.is_foreign_collection(asset.collection.path):
            return foreign_item_message(asset.title)
        return unusable_reason(asset, library)
