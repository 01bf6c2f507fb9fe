"""Validate and normalise an outlet page's overrides against HQ's template.

The editor form and the model's ``clean()`` both call :func:`clean_overrides`,
so a value HQ did not open, or one outside HQ's bounds, is refused whichever
way it arrives (admin form, crafted POST, API, script).
"""

import json
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import StructBlockValidationError

from .merge import STALE, merge_template, raw_equal
from .scope import out_of_scope_references

OVERRIDE_KEYS = frozenset({"type", "rules", "values", "hidden"})


class OverrideErrors(defaultdict):
    """Error messages keyed by ``(block id, field name or None)``."""

    def __init__(self):
        super().__init__(list)

    def add(self, block_id, field_name, message):
        self[(block_id, field_name)].append(message)

    def located(self, merge):
        """``(where, message)`` pairs, where naming the block and field as
        the editor labels them ("Promotion › Discount (%)")."""
        labels = {merged.id: merged for merged in merge.blocks}
        for (block_id, field_name), errors in self.items():
            merged = labels.get(block_id)
            where = str(merged.label) if merged else (block_id or "")
            if field_name and merged and field_name in merged.block.child_blocks:
                where = f"{where} › {merged.block.child_blocks[field_name].label}"
            for error in errors:
                yield where, error

    def as_validation_error(self, merge):
        return ValidationError(
            [
                f"{where}: {error}" if where else str(error)
                for where, error in self.located(merge)
            ]
        )


def make_override(merged, values, *, hidden=False):
    """The stored form of an outlet's choices for one template block.

    ``values`` maps open field names to raw (JSON) values; values equal to
    HQ's are left out, so the page keeps following HQ's default for them.
    Returns None when nothing differs from HQ.
    """
    values = {
        name: raw
        for name, raw in values.items()
        if not raw_equal(raw, merged.hq_raw.get(name))
    }
    if not values and not hidden:
        return None
    override = {
        "type": merged.type,
        "rules": merged.block.hq_fingerprint(merged.hq_raw),
        # As stored (dates as ISO strings), so a fresh value equals a loaded one.
        "values": json.loads(json.dumps(values, cls=DjangoJSONEncoder)),
    }
    if hidden:
        override["hidden"] = True
    return override


def _messages(error):
    """Every message in a (possibly nested) block validation error."""
    if hasattr(error, "as_json_data"):
        return list(_flatten(error.as_json_data()))
    return [str(message) for message in getattr(error, "messages", [error])]


def _flatten(data):
    if isinstance(data, dict):
        yield from (str(message) for message in data.get("messages", ()))
        for key, value in data.items():
            if key != "messages":
                yield from _flatten(value)
    elif isinstance(data, list):
        for item in data:
            yield from _flatten(item)


def clean_overrides(template_page, overrides, outlet=None):
    """Return ``(normalised overrides, OverrideErrors)``.

    Fresh overrides are checked field by field with the block's own
    validation (lengths, link rules, sanitising of rich text) and then against
    HQ's rules for that instance (``clean_local``: discount bounds, allowed
    local blocks). Stale overrides (HQ changed the block since they were
    saved, and they no longer fit it) are kept verbatim, for the outlet to
    review; they are never shown.
    """
    errors = OverrideErrors()
    if not isinstance(overrides, dict):
        errors.add(None, None, _("Overrides must be a mapping of block ids."))
        return {}, errors
    merge = merge_template(template_page, overrides)
    by_id = {merged.id: merged for merged in merge.blocks}
    normalised = {}
    for block_id, override in overrides.items():
        if not isinstance(override, dict) or set(override) - OVERRIDE_KEYS:
            errors.add(block_id, None, _("This override is malformed."))
            continue
        merged = by_id.get(block_id)
        if merged is None or merged.state == STALE:
            normalised[block_id] = override
            continue
        cleaned = _clean_one(merged, override, errors, outlet)
        if cleaned is not None:
            normalised[block_id] = cleaned
    return normalised, errors


def _clean_one(merged, override, errors, outlet):
    block = merged.block
    if not merged.distributable or merged.policy == "locked":
        errors.add(merged.id, None, _("HQ has locked this block."))
        return None
    values = override.get("values") or {}
    if not isinstance(values, dict):
        errors.add(merged.id, None, _("This override is malformed."))
        return None
    hidden = bool(override.get("hidden"))
    if hidden and not merged.is_hidable:
        errors.add(merged.id, None, _("HQ does not allow hiding this block."))
    open_fields = merged.open_fields
    clean_raw = {}
    for name, raw in values.items():
        if name not in open_fields:
            errors.add(merged.id, name, _("HQ has locked this field."))
            continue
        child = block.child_blocks[name]
        try:
            value = child.clean(child.to_python(raw))
        except ValidationError as error:
            for message in _messages(error):
                errors.add(merged.id, name, message)
            continue
        except (TypeError, ValueError, LookupError):
            errors.add(merged.id, name, _("This value is not valid."))
            continue
        if out_of_scope_references(outlet, child.extract_references(value)):
            errors.add(
                merged.id,
                name,
                _(
                    "This uses another outlet's media or pages; choose your own or HQ's."
                ),
            )
            continue
        clean_raw[name] = child.get_prep_value(value)
    if (merged.id, None) in errors or any(key[0] == merged.id for key in errors):
        return None
    if clean_raw:
        hq_value = block.to_python(merged.hq_raw)
        merged_value = block.to_python({**merged.hq_raw, **clean_raw})
        try:
            block.clean_local(hq_value, merged_value)
        except StructBlockValidationError as error:
            for name, child_error in (error.block_errors or {}).items():
                for message in _messages(child_error):
                    errors.add(merged.id, name, message)
            for message in getattr(error, "non_block_errors", None) or []:
                errors.add(merged.id, None, str(message))
            return None
    return make_override(merged, clean_raw, hidden=hidden)
