"""The outlet editor's view of a template: locked blocks as previews, open ones as widgets.

One form field (``overrides``) renders every template block in place, in
HQ's order. Locked blocks are read-only previews; each open field is the
normal Wagtail block widget (``BlockWidget``) prefilled with the current
value, with whether it is HQ's value or the outlet's, and a "revert to HQ's
value" checkbox. Outlets cannot add, remove or reorder HQ's blocks: there is
no control for it, and the form field refuses any value it did not render.
"""

from dataclasses import dataclass, field

from django import forms
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from wagtail.blocks import BlockWidget, StreamBlock

from ..blocks.registry import template_block_types
from ..isolation.references import block_value_in_scope
from .merge import FROM_OUTLET, HIDDEN, STALE


@dataclass
class OpenField:
    """One field of a template block that HQ opened to outlets."""

    name: str
    block: (
        object  # the child block definition (the zone's stream narrowed to HQ's list)
    )
    label: str
    overridden: bool

    @cached_property
    def widget(self):
        return BlockWidget(self.block)


@dataclass
class Slot:
    """One template block in the outlet editor."""

    merged: object
    fields: list = field(default_factory=list)

    @property
    def id(self):
        return self.merged.id


def build_slots(merge):
    slots = []
    for merged in merge.blocks:
        slot = Slot(merged)
        for name in merged.open_fields:
            child = merged.block.child_blocks[name]
            if name == "blocks" and hasattr(merged.block, "local_stream_block"):
                child = merged.block.local_stream_block(merged.hq_raw)
            slot.fields.append(
                OpenField(
                    name=name,
                    block=child,
                    label=child.label or name,
                    overridden=(
                        merged.state == FROM_OUTLET and name in merged.overridden_fields
                    ),
                )
            )
        slots.append(slot)
    return slots


def block_label(type_name):
    block = dict(template_block_types()).get(type_name)
    return (block.label if block is not None else None) or type_name or ""


def render_earlier_value(child, raw, context=None):
    """An outlet's earlier value for one field, rendered as its block renders it.

    Shown in full in the editor when HQ's new rules exclude it, so the outlet
    can read it and reuse it; plain text when the block can no longer read it.
    """
    if child is None:
        return str(raw)
    try:
        return child.render(child.to_python(raw), context=context)
    except Exception:  # a value the block can no longer read: show it as stored
        return str(raw)


def earlier_values(block, override, context=None):
    """``(field label, rendered value)`` pairs of a stale override, for review."""
    earlier = []
    for name, raw in ((override or {}).get("values") or {}).items():
        child = block.child_blocks.get(name) if block is not None else None
        label = (child.label if child is not None else None) or name
        earlier.append((label, render_earlier_value(child, raw, context)))
    return earlier


class SubmittedOverrides:
    """What the outlet editor posted, before validation."""

    def __init__(self):
        self.values = {}  # (block id, field) -> value from the block widget
        # (block id, field) whose value chose another outlet's objects: they
        # are taken out of ``values``, so no form shown again names them.
        self.unavailable = set()
        self.omitted = set()  # (block id, field) absent from the POST
        self.reverted = set()  # (block id, field) reverted to HQ's value
        self.hidden = set()  # block ids the outlet hides
        self.discarded = set()  # block ids of stale overrides the outlet drops
        self.refused_keys = []  # posted names the editor never rendered


def _unknown_stream_types(block, data, prefix):
    """Posted names of stream children whose type HQ did not offer here.

    Wagtail's StreamBlock skips such children silently; we refuse them.
    """
    if not isinstance(block, StreamBlock):
        return []
    try:
        count = int(data.get(f"{prefix}-count") or 0)
    except ValueError:
        return [f"{prefix}-count"]
    return [
        f"{prefix}-{index}-type"
        for index in range(min(count, 1000))
        if not data.get(f"{prefix}-{index}-deleted")
        and data.get(f"{prefix}-{index}-type") not in block.child_blocks
    ]


class OverridesWidget(forms.Widget):
    template_name = "wagtail_distmark/inheritance/widgets/overrides.html"

    def __init__(self, merge=None, outlet=None, page=None, attrs=None):
        super().__init__(attrs=attrs)
        self.merge = merge
        self.outlet = outlet
        self.page = page

    @cached_property
    def slots(self):
        return build_slots(self.merge) if self.merge is not None else []

    # Posted names, one namespace per kind so no block's own sub-fields collide.
    @staticmethod
    def value_name(name, block_id, field_name):
        return f"{name}-v-{block_id}-{field_name}"

    @staticmethod
    def revert_name(name, block_id, field_name):
        return f"{name}-revert-{block_id}-{field_name}"

    @staticmethod
    def hide_name(name, block_id):
        return f"{name}-hide-{block_id}"

    @staticmethod
    def discard_name(name, block_id):
        return f"{name}-discard-{block_id}"

    def _flag_names(self, name):
        names = set()
        for slot in self.slots:
            if slot.merged.is_hidable:
                names.add(self.hide_name(name, slot.id))
            for open_field in slot.fields:
                names.add(self.revert_name(name, slot.id, open_field.name))
        for stale in self.merge.stale if self.merge else ():
            names.add(self.discard_name(name, stale.id))
        return names

    def value_from_datadict(self, data, files, name):
        submitted = SubmittedOverrides()
        value_prefixes = []
        for slot in self.slots:
            for open_field in slot.fields:
                key = (slot.id, open_field.name)
                prefix = self.value_name(name, *key)
                value_prefixes.append(prefix)
                if data.get(self.revert_name(name, *key)):
                    submitted.reverted.add(key)
                unknown = _unknown_stream_types(open_field.block, data, prefix)
                if unknown:
                    submitted.refused_keys.extend(unknown)
                    continue
                if open_field.block.value_omitted_from_data(data, files, prefix):
                    submitted.omitted.add(key)
                    continue
                try:
                    posted = open_field.block.value_from_datadict(data, files, prefix)
                except (TypeError, ValueError, LookupError):
                    # Not what the widget posts (malformed rich text, an id
                    # that is not a number): refused, never a server error.
                    submitted.refused_keys.append(prefix)
                    continue
                # Another outlet's objects are taken out at once: neither
                # saved nor named when the form is shown again.
                posted, taken_out = block_value_in_scope(
                    self.outlet, open_field.block, posted
                )
                if taken_out:
                    submitted.unavailable.add(key)
                submitted.values[key] = posted
            if data.get(self.hide_name(name, slot.id)):
                submitted.hidden.add(slot.id)
        for stale in self.merge.stale if self.merge else ():
            if data.get(self.discard_name(name, stale.id)):
                submitted.discarded.add(stale.id)

        flags = self._flag_names(name)
        for key in data:
            if key != name and not key.startswith(f"{name}-"):
                continue
            if key in flags:
                continue
            if any(key == p or key.startswith(f"{p}-") for p in value_prefixes):
                continue
            submitted.refused_keys.append(key)
        return submitted

    def value_omitted_from_data(self, data, files, name):
        # Never omitted: an empty editor still means "keep HQ's values".
        return False

    def _initial_value(self, slot, open_field, stored):
        override = stored.get(slot.id) if isinstance(stored, dict) else None
        if (
            slot.merged.state not in (STALE,)
            and isinstance(override, dict)
            and open_field.name in (override.get("values") or {})
        ):
            raw = override["values"][open_field.name]
        else:
            raw = slot.merged.hq_raw.get(open_field.name)
        return open_field.block.to_python(raw)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        errors = getattr(self, "_errors", None) or {}
        submitted = value if isinstance(value, SubmittedOverrides) else None
        stored = value if isinstance(value, dict) else {}
        # Blocks may render differently in the editor's preview (the
        # subscription form shows no live form there).
        render_context = {
            "outlet": self.outlet,
            "page": self.page,
            "distmark_editor_preview": True,
        }
        slots = []
        for slot in self.slots:
            merged = slot.merged
            preview = merged.block.render(
                merged.block.to_python(merged.raw), context=render_context
            )
            fields = []
            earlier_raw = (
                (merged.override.get("values") or {}) if merged.state == STALE else {}
            )
            for open_field in slot.fields:
                key = (slot.id, open_field.name)
                if submitted is not None and key in submitted.values:
                    field_value = submitted.values[key]
                else:
                    field_value = self._initial_value(slot, open_field, stored)
                field_error = errors.get(key)
                fields.append(
                    {
                        "field": open_field,
                        "name": self.value_name(name, *key),
                        "required": merged.policy == "required"
                        and getattr(open_field.block, "required", False),
                        "html": open_field.widget.render_with_errors(
                            self.value_name(name, *key),
                            field_value,
                            errors=ErrorList([field_error]) if field_error else None,
                        ),
                        "revert_name": self.revert_name(name, *key),
                        "reverted": submitted is not None and key in submitted.reverted,
                        "error": field_error,
                        # The outlet's earlier (stale) value in this field's
                        # widget, for "Reuse my earlier value" to put in place:
                        # the server checks it again against HQ's rules on save.
                        "earlier_html": self._earlier_widget(
                            name, key, open_field, earlier_raw
                        ),
                    }
                )
            slots.append(
                {
                    "slot": slot,
                    "merged": merged,
                    "preview": preview,
                    "fields": fields,
                    "hide_name": self.hide_name(name, slot.id),
                    "hidden": (
                        slot.id in submitted.hidden
                        if submitted is not None
                        else merged.state == HIDDEN
                    ),
                    "partly_open": bool(slot.fields)
                    and merged.distributable
                    and len(slot.fields) < len(merged.block.content_names),
                    "is_stale": merged.state == STALE,
                    "earlier": earlier_values(
                        merged.block, merged.override, render_context
                    )
                    if merged.state == STALE
                    else [],
                    "discard_name": self.discard_name(name, slot.id),
                    "errors": errors.get((slot.id, None)),
                }
            )
        context["widget"].update(
            {
                "slots": slots,
                "removed": [
                    {
                        "stale": stale,
                        "label": block_label(stale.type),
                        "earlier": earlier_values(
                            dict(template_block_types()).get(stale.type),
                            stale.override,
                            render_context,
                        ),
                        "discard_name": self.discard_name(name, stale.id),
                    }
                    for stale in (self.merge.stale if self.merge else ())
                    if stale.block is None
                ],
                "has_template": self.merge is not None,
                "messages": getattr(self, "_messages", None) or [],
            }
        )
        return context

    def _earlier_widget(self, name, key, open_field, earlier_raw):
        if open_field.name not in earlier_raw:
            return None
        try:
            value = open_field.block.to_python(earlier_raw[open_field.name])
        except (TypeError, ValueError, LookupError):
            return None
        return open_field.widget.render_with_errors(
            self.value_name(name, *key), value, errors=None
        )

    def render_with_errors(self, name, value, attrs=None, errors=None, renderer=None):
        self._errors, self._messages = {}, []
        for error in errors.as_data() if errors else ():
            self._errors.update(getattr(error, "slot_errors", {}))
            self._messages.extend(error.messages)
        try:
            return self.render(name, value, attrs=attrs, renderer=renderer)
        finally:
            self._errors = self._messages = None

    @property
    def media(self):
        media = forms.Media(js=["wagtail_distmark/inheritance/overrides.js"])
        for slot in self.slots:
            for open_field in slot.fields:
                media += open_field.widget.media
        return media
