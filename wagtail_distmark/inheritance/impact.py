"""What publishing a new version of an HQ template does to what depends on it.

Shown to HQ before the template is published (the confirmation page) and used
to tell the outlets concerned afterwards. One function,
:func:`template_change_impact`, counts everything a change affects: today the
outlet pages built on the template; campaigns, when they exist, are counted
here too (a campaign using a template is one more list on the impact), so
every screen that asks "what does this change break?" gets them at once.

The cost is one query for the outlet pages, one for their drafts and one per
asset model, whatever the number of outlets: merging a page with HQ's
template reads raw JSON only (see :mod:`.merge`).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from ..blocks.base import is_distributable
from .merge import HIDDEN, STALE, merge_template


@dataclass
class AffectedPage:
    """An outlet page a template change affects, and how."""

    page: object  # LocalPage, with its outlet
    block_ids: list = field(default_factory=list)
    block_labels: list = field(default_factory=list)

    @property
    def outlet(self):
        return self.page.outlet


@dataclass
class UnusableAsset:
    """An image or document of HQ's template that outlets may not use (any more)."""

    asset: object
    reason: str
    block_ids: set = field(default_factory=set)


@dataclass
class TemplateChangeImpact:
    # Outlet pages whose values the new version no longer accepts: each shows
    # HQ's version of those blocks until its outlet reviews them.
    stale_pages: list = field(default_factory=list)
    # HQ's own assets the new version uses though their rights expired (or HQ
    # never approved them), and the outlet pages that would show them.
    unusable_assets: list = field(default_factory=list)
    pages_showing_unusable: list = field(default_factory=list)

    @property
    def needs_confirmation(self):
        return bool(self.stale_pages or self.unusable_assets)

    @property
    def stale_outlet_count(self):
        return len({affected.page.outlet_id for affected in self.stale_pages})


def _outlet_pages(template):
    """The template's outlet pages, each with the overrides its editor works on.

    Live overrides from the page rows, drafts' from their latest revisions:
    a value becomes stale in either.
    """
    from .services import outlet_pages_with_drafts

    for page, draft in outlet_pages_with_drafts(template):
        versions = [page.overrides]
        if isinstance(draft, dict) and draft != page.overrides:
            versions.append(draft)
        yield page, versions


def _unusable_assets(new_template):
    """HQ's images and documents in ``new_template`` outlets may not use."""
    from ..media.services import brand_library, unusable_reason

    kinds = (
        (AbstractImage, get_image_model()),
        (AbstractDocument, get_document_model()),
    )
    used = defaultdict(lambda: defaultdict(set))  # model -> pk -> {(block id, field)}
    stream_block = new_template._meta.get_field("body").stream_block
    for child in new_template.body.raw_data:
        block = stream_block.child_blocks.get(child.get("type"))
        if block is None or not is_distributable(block):
            continue
        raw = child.get("value") or {}
        for name in block.content_names:
            if raw.get(name) in (None, "", [], {}):
                continue
            child_block = block.child_blocks[name]
            for model, object_id, _path, _content in child_block.extract_references(
                child_block.to_python(raw[name])
            ):
                for base, concrete in kinds:
                    if issubclass(model, base):
                        used[concrete][str(object_id)].add((child.get("id"), name))
    if not used:
        return []
    library = brand_library()
    found = []
    for model, uses in used.items():
        assets = model.objects.select_related("collection", "distmark_rights").filter(
            pk__in=list(uses)
        )
        for asset in assets:
            reason = unusable_reason(asset, library)
            if reason is not None:
                found.append(UnusableAsset(asset, str(reason), uses[str(asset.pk)]))
    return found


def template_change_impact(live_template, new_template):
    """What publishing ``new_template`` (a revision's object) over
    ``live_template`` (the live version, or None) does to outlet pages.

    A page's value counts only when the change makes it stale: one the live
    version accepted and the new one does not (HQ widening a rule affects no
    one). Pages showing one of HQ's unusable assets count whether or not the
    asset is new: publishing must never leave it silently in place.
    """
    impact = TemplateChangeImpact()
    impact.unusable_assets = _unusable_assets(new_template)
    unusable_fields = {
        where for entry in impact.unusable_assets for where in entry.block_ids
    }
    for page, versions in _outlet_pages(new_template.pk):
        newly_stale = {}
        showing = {}
        for overrides in versions:
            before = (
                {s.id for s in merge_template(live_template, overrides).stale}
                if live_template is not None
                else set()
            )
            after = merge_template(new_template, overrides)
            for merged in after.blocks:
                if merged.state == STALE and merged.id not in before:
                    newly_stale[merged.id] = merged.label
                if merged.state != HIDDEN and any(
                    (merged.id, name) in unusable_fields
                    and name not in merged.overridden_fields
                    for name in merged.block.child_blocks
                ):
                    showing[merged.id] = merged.label
        if newly_stale:
            impact.stale_pages.append(
                AffectedPage(page, list(newly_stale), list(newly_stale.values()))
            )
        if showing:
            impact.pages_showing_unusable.append(
                AffectedPage(page, list(showing), list(showing.values()))
            )
    return impact
