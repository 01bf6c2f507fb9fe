"""What an outlet page shows: HQ's live template merged with the outlet's overrides.

One function, :func:`merge_template`, used by rendering, preview, search
indexing, the reference index and the editor, so they never disagree.

Overrides are stored on the outlet page as a dict keyed by the template
block's stable id (Wagtail's block UUID, which survives HQ reordering blocks)::

    {"<block id>": {
        "type": "hero",           # the block type when the outlet saved it
        "rules": "<digest>",      # HQ's value then: unchanged, nothing to recheck
        "values": {"subtitle": …},  # raw (JSON) values of open fields only
        "hidden": false,          # optional blocks the outlet hides
    }}

Nothing of HQ's locked content is ever copied: the merge reads the template
page's live row, so publishing the template changes every outlet page at once.
"""

import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import cached_property
from wagtail.blocks import (
    ChooserBlock,
    ListBlock,
    StreamBlock,
    StreamValue,
    StructBlock,
)

from ..blocks.base import is_distributable

# How a template block appears on an outlet page.
FROM_HQ = "hq"  # HQ's value, no override
FROM_OUTLET = "outlet"  # at least one open field set by the outlet
HIDDEN = "hidden"  # optional block the outlet hides
STALE = (
    "stale"  # the outlet's override no longer satisfies HQ's rules: HQ's value shown
)

# Why an override is stale.
REMOVED = "removed"  # HQ deleted the block
RETYPED = "retyped"  # the block now holds another type
RULES_CHANGED = "rules"  # HQ changed its rules and the override breaks the new ones


def raw_equal(a, b):
    """Whether two raw block values are the same once stored as JSON."""
    return _as_json(a) == _as_json(b)


def _as_json(value):
    return json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder)


@dataclass
class MergedBlock:
    """One template block as it stands on an outlet page."""

    id: str
    type: str
    block: object  # the block definition
    hq_raw: dict  # HQ's raw value
    raw: dict  # what the page shows (HQ's value with the outlet's open fields)
    state: str = FROM_HQ
    override: dict | None = None
    stale_reason: str | None = None
    overridden_fields: tuple = ()

    @property
    def distributable(self):
        return is_distributable(self.block)

    @property
    def policy(self):
        return self.block.policy(self.hq_raw) if self.distributable else "locked"

    @property
    def open_fields(self):
        return self.block.open_field_names(self.hq_raw) if self.distributable else ()

    @property
    def is_open(self):
        return bool(self.open_fields)

    @property
    def is_hidable(self):
        return self.distributable and self.block.is_hidable(self.hq_raw)

    @property
    def missing_required(self):
        """The open fields of a required block the outlet has not filled yet."""
        if not self.distributable:
            return ()
        filled = self.overridden_fields if self.state == FROM_OUTLET else ()
        return self.block.missing_required_fields(self.hq_raw, filled)

    @property
    def label(self):
        return self.block.label or self.type


@dataclass
class StaleOverride:
    """An override kept for the outlet to review, not shown on the page."""

    id: str
    type: str | None
    reason: str
    override: dict
    block: object = None  # the template block, when it still exists


@dataclass
class Merge:
    """The result of merging a template with one outlet page's overrides."""

    stream_block: object
    blocks: list = field(default_factory=list)
    stale: list = field(default_factory=list)

    @cached_property
    def stream_value(self):
        """The merged content, ready for ``{% include_block %}``.

        Built from raw data, so Wagtail converts it lazily and in bulk, per
        block type: one image query for the whole page, as for a plain page.
        """
        return StreamValue(
            self.stream_block,
            [
                {"type": merged.type, "value": merged.raw, "id": merged.id}
                for merged in self.blocks
                if merged.state != HIDDEN
            ],
            is_lazy=True,
        )

    def by_id(self, block_id):
        for merged in self.blocks:
            if merged.id == block_id:
                return merged
        return None

    @property
    def missing_required(self):
        return [merged for merged in self.blocks if merged.missing_required]

    def searchable_content(self):
        """The text of what the page shows, read from raw values.

        Chooser blocks (images, documents, pages) add no text, so they are
        skipped instead of loaded: refreshing the search entries of 1,000
        outlet pages then costs no query per image.
        """
        content = []
        for merged in self.blocks:
            if merged.state == HIDDEN:
                continue
            if merged.distributable:
                # HQ's settings (policy, bounds) are not page text.
                raw = {
                    name: merged.raw.get(name) for name in merged.block.content_names
                }
                content.extend(
                    text
                    for name in merged.block.content_names
                    for text in raw_searchable_content(
                        merged.block.child_blocks[name], raw[name]
                    )
                )
            else:
                content.extend(raw_searchable_content(merged.block, merged.raw))
        return content


def raw_searchable_content(block, raw):
    if isinstance(block, ChooserBlock) or raw is None:
        return []
    if isinstance(block, StructBlock):
        if not getattr(block, "search_index", True):
            return []
        return [
            text
            for name, child in block.child_blocks.items()
            for text in raw_searchable_content(child, (raw or {}).get(name))
        ]
    if isinstance(block, ListBlock):
        items = [
            item["value"] if isinstance(item, dict) and "type" in item else item
            for item in raw or []
        ]
        return [
            text
            for item in items
            for text in raw_searchable_content(block.child_block, item)
        ]
    if isinstance(block, StreamBlock):
        return [
            text
            for child in raw or []
            if child.get("type") in block.child_blocks
            for text in raw_searchable_content(
                block.child_blocks[child["type"]], child.get("value")
            )
        ]
    return block.get_searchable_content(block.to_python(raw))


def merge_template(template_page, overrides):
    """Merge ``template_page``'s live body with an outlet page's ``overrides``.

    ``template_page`` may be None (the template was deleted): every override is
    then stale and nothing is shown.
    """
    overrides = overrides if isinstance(overrides, dict) else {}
    if template_page is None:
        from ..blocks.registry import template_stream_block

        merge = Merge(stream_block=template_stream_block())
        merge.stale = [
            StaleOverride(block_id, ov.get("type"), REMOVED, ov)
            for block_id, ov in overrides.items()
            if isinstance(ov, dict)
        ]
        return merge

    body_field = template_page._meta.get_field("body")
    stream_block = body_field.stream_block
    merge = Merge(stream_block=stream_block)
    seen = set()
    for child in template_page.body.raw_data:
        block_id, type_name = child.get("id"), child.get("type")
        block = stream_block.child_blocks.get(type_name)
        if block is None:
            # A block type no longer registered: nothing can render it.
            continue
        hq_raw = child.get("value") or {}
        merged = MergedBlock(block_id, type_name, block, hq_raw, hq_raw)
        override = overrides.get(block_id)
        if block_id is not None:
            seen.add(block_id)
        if isinstance(override, dict) and is_distributable(block):
            _apply(merge, merged, override)
        merge.blocks.append(merged)

    for block_id, override in overrides.items():
        if block_id not in seen and isinstance(override, dict):
            merge.stale.append(
                StaleOverride(block_id, override.get("type"), REMOVED, override)
            )
    return merge


def _apply(merge, merged, override):
    block = merged.block
    merged.override = override
    if override.get("type") != merged.type:
        reason = RETYPED
    elif override.get("rules") != block.hq_fingerprint(
        merged.hq_raw
    ) and not block.override_fits_rules(merged.hq_raw, override):
        # Only a change the outlet's value no longer satisfies: HQ widening
        # a zone or a bound keeps every value shown.
        reason = RULES_CHANGED
    else:
        reason = None
    if reason is not None:
        # Kept for the outlet to review; the page shows HQ's value meanwhile.
        merged.state = STALE
        merged.stale_reason = reason
        merge.stale.append(
            StaleOverride(merged.id, override.get("type"), reason, override, block)
        )
        return
    if override.get("hidden") and block.is_hidable(merged.hq_raw):
        merged.state = HIDDEN
        return
    open_fields = block.open_field_names(merged.hq_raw)
    values = {
        name: value
        for name, value in (override.get("values") or {}).items()
        if name in open_fields
    }
    if values:
        merged.raw = {**merged.hq_raw, **values}
        merged.state = FROM_OUTLET
        merged.overridden_fields = tuple(name for name in open_fields if name in values)
