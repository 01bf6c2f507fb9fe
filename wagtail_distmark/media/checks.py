"""Brand compliance check: every image and document an outlet used may be used.

"Used" is every reference Wagtail's reference index machinery finds in what
the page or item would show (``ComplianceSubject.shown_references``): images
and documents chosen in blocks, document links and image embeds in rich
text, foreign keys of a snippet, and on an outlet page built on a template,
those of HQ's content it shows too (an expired visual is as unusable in HQ's
locked hero as in the outlet's own block). Each is judged by the rules
outlets' choosers apply (``media.services``): not another outlet's, HQ's
rights approved and not expired, and a brand library asset only once HQ has
approved it.
"""

from django.utils.text import format_lazy
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
            for reference in subject.shown_references
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
                if reference.from_hq:
                    message = format_lazy("{} {}", message, self.who_can_fix(reference))
                yield Finding(message, reference.where)

    @staticmethod
    def who_can_fix(reference):
        if reference.outlet_may_replace:
            return _("HQ's template shows it here: choose another one in this block.")
        return _(
            "HQ's template shows it here and outlets cannot change it: ask HQ "
            "to replace it."
        )

    def refusal(self, subject, asset, library):
        """Why the outlet may not use ``asset``, or None."""
        if subject.scope.is_foreign_collection(asset.collection.path):
            return foreign_item_message(asset.title)
        return unusable_reason(asset, library)
