"""Distributable blocks: blocks HQ places in a template, each with a local policy.

HQ sets the policy per block instance, in the block's settings area:

* ``locked``: outlets see HQ's value and cannot change, hide or move it;
* ``editable``: HQ's value is the default; an outlet may replace the open fields;
* ``optional``: locked content an outlet may hide;
* ``required``: like ``editable``, and an outlet must fill the open fields
  before its page can be published.

``open_fields`` narrows an editable block to some of its child fields (hero
title locked, subtitle open). Blocks that need bounds (a discount between 5
and 20 %) declare HQ-only settings and check the outlet's value against them
in :meth:`DistributableBlock.clean_local`.

Any ``StructBlock`` becomes distributable by subclassing
:class:`DistributableBlock`; any other block by wrapping it with
:func:`distributable`. See docs/extending.md.
"""

import hashlib
import json
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import BlockGroup

LOCKED = "locked"
EDITABLE = "editable"
OPTIONAL = "optional"
REQUIRED = "required"

POLICY_CHOICES = [
    (LOCKED, _("Locked: outlets show it as HQ wrote it")),
    (EDITABLE, _("Editable: outlets may change the open fields")),
    (OPTIONAL, _("Optional: locked, but outlets may hide it")),
    (REQUIRED, _("Required: outlets must fill the open fields")),
]
OPEN_POLICIES = frozenset({EDITABLE, REQUIRED})

EMPTY_VALUES = (None, "", [], {})

POLICY_FIELD = "local_policy"
OPEN_FIELDS_FIELD = "open_fields"


class DistributableBlock(blocks.StructBlock):
    """A ``StructBlock`` whose instances carry HQ's local policy.

    Subclasses declare their content fields as usual. ``Meta.hq_settings``
    names children only HQ sets (bounds, allowed values); they go to the
    settings area and are never open to outlets. ``Meta.local_fields`` limits
    which content fields HQ may open at all (default: every content field).
    """

    local_policy = blocks.ChoiceBlock(
        choices=POLICY_CHOICES,
        default=LOCKED,
        label=_("Local policy"),
        help_text=_("What outlets may do with this block on their pages."),
    )
    # Replaced per block class in __init__, with that block's own fields.
    open_fields = blocks.MultipleChoiceBlock(choices=(), required=False)

    class Meta:
        hq_settings = ()
        local_fields = None
        default_policy = LOCKED
        # No longer needed (kept so older blocks still load): an outlet's
        # value is re-checked with ``clean_local`` whenever HQ publishes.
        rules_depend_on = ()

    def __init__(self, local_blocks=None, **kwargs):
        super().__init__(local_blocks, **kwargs)
        policy = blocks.ChoiceBlock(
            choices=POLICY_CHOICES,
            default=self.meta.default_policy,
            label=_("Local policy"),
            help_text=_("What outlets may do with this block on their pages."),
        )
        policy.set_name(POLICY_FIELD)
        self.child_blocks[POLICY_FIELD] = policy
        if len(self.local_field_names) > 1:
            open_fields = blocks.MultipleChoiceBlock(
                choices=[
                    (name, self.child_blocks[name].label)
                    for name in self.local_field_names
                ],
                required=False,
                # Checkboxes: a native multi-select drops every other choice
                # on a plain click.
                widget=forms.CheckboxSelectMultiple,
                label=_("Fields outlets may change"),
                help_text=_(
                    "For editable and required blocks. Leave empty to open "
                    "every field listed here."
                ),
            )
            open_fields.set_name(OPEN_FIELDS_FIELD)
            self.child_blocks[OPEN_FIELDS_FIELD] = open_fields
        else:
            # One field: nothing to choose, and nothing HQ could get wrong.
            del self.child_blocks[OPEN_FIELDS_FIELD]
            self.meta.form_layout = BlockGroup(
                children=list(self.content_names),
                settings=[POLICY_FIELD, *self.meta.hq_settings],
            )

    def get_form_layout(self):
        if self.meta.form_layout is not None:
            return super().get_form_layout()
        return BlockGroup(
            children=list(self.content_names),
            settings=[POLICY_FIELD, OPEN_FIELDS_FIELD, *self.meta.hq_settings],
        )

    @property
    def settings_names(self):
        return (POLICY_FIELD, OPEN_FIELDS_FIELD, *self.meta.hq_settings)

    @property
    def content_names(self):
        """The children that make up the block's content, in form order."""
        settings = set(self.settings_names)
        return tuple(name for name in self.child_blocks if name not in settings)

    @property
    def local_field_names(self):
        """The content fields HQ may open to outlets."""
        if self.meta.local_fields is not None:
            return tuple(self.meta.local_fields)
        return self.content_names

    # Policy, read from HQ's value: a StructValue or its raw (JSON) form alike.

    def policy(self, value):
        policy = (value or {}).get(POLICY_FIELD) or self.meta.default_policy
        return policy if policy in dict(POLICY_CHOICES) else LOCKED

    def open_field_names(self, value):
        """The fields an outlet may set, given HQ's value for this instance."""
        if self.policy(value) not in OPEN_POLICIES:
            return ()
        allowed = self.local_field_names
        chosen = (value or {}).get(OPEN_FIELDS_FIELD) or ()
        if len(allowed) > 1 and chosen:
            return tuple(name for name in allowed if name in chosen)
        return allowed

    def missing_required_fields(self, value, filled):
        """For a ``required`` block, the open fields the outlet still has to fill.

        ``filled`` names the fields the outlet has set. Open fields that are
        themselves required must all be set; when none is (an event's optional
        time), setting any one of them is enough.
        """
        if self.policy(value) != REQUIRED:
            return ()
        open_names = self.open_field_names(value)
        # A value HQ filled in counts: the outlet may keep it.
        filled = {
            *filled,
            *(name for name in open_names if value.get(name) not in EMPTY_VALUES),
        }
        needed = [name for name in open_names if self.child_blocks[name].required]
        if needed:
            return tuple(name for name in needed if name not in filled)
        return () if any(name in filled for name in open_names) else open_names

    def is_hidable(self, value):
        return self.policy(value) == OPTIONAL

    def hq_fingerprint(self, raw_value):
        """A short digest of HQ's value for this instance, stored with each override.

        While it matches, HQ has changed nothing in the block since the outlet
        saved its value (checked then), so nothing needs checking again; when
        it differs, :meth:`override_fits_rules` decides whether the value is
        stale. A value saved without the editor's checks (a script) and
        breaking HQ's unchanged rules is thus refused on publishing, not taken
        for a change of HQ's.
        """
        encoded = json.dumps(
            {"type": self.name, "value": raw_value or {}},
            sort_keys=True,
            cls=DjangoJSONEncoder,
        )
        return hashlib.sha256(encoded.encode()).hexdigest()[:16]

    def override_fits_rules(self, hq_raw, override):
        """Whether an outlet's stored override still satisfies HQ's rules here.

        Called for every override each time an outlet page is merged, so that
        only a change of rules that the outlet's value no longer satisfies
        makes it stale: adding an allowed block type, raising a maximum or
        widening a bound keeps every existing value shown. It checks what the
        editor checked when the value was saved against HQ's rules (open
        fields, hiding, ``clean_local``), not the fields' own validation,
        which does not depend on HQ. Cheap: nothing is loaded from the
        database unless ``clean_local`` reads an image or a page.
        """
        hq_raw = hq_raw or {}
        values = override.get("values") or {}
        if not isinstance(values, dict):
            return False
        if override.get("hidden") and not self.is_hidable(hq_raw):
            return False
        open_names = self.open_field_names(hq_raw)
        if any(name not in open_names for name in values):
            return False
        if not values:
            return True
        try:
            self.clean_local(
                self.rules_value(hq_raw), self.rules_value({**hq_raw, **values})
            )
        except ValidationError:
            return False
        except (TypeError, ValueError, LookupError, AttributeError):
            # A value the block can no longer read is not one it can show.
            return False
        return True

    def rules_value(self, raw):
        """``to_python(raw)``, with choosers and nested structures loaded lazily.

        ``clean_local`` rarely reads an image; deciding staleness for a page
        (or a listing of 1,000 pages) then costs no query per block.
        """
        items = []
        for name, child in self.child_blocks.items():
            if name not in raw:
                items.append((name, child.get_default()))
                continue
            child_raw = raw[name]
            if child_raw in EMPTY_VALUES or not isinstance(
                child, blocks.ChooserBlock | blocks.ListBlock | blocks.StructBlock
            ):
                items.append((name, child.to_python(child_raw)))
            else:
                items.append(
                    (name, SimpleLazyObject(partial(child.to_python, child_raw)))
                )
        return self._to_struct_value(items)

    def clean(self, value):
        """HQ's own validation, except for fields HQ leaves for outlets to fill.

        A ``required`` block's open fields may stay empty in the template (an
        event date each outlet sets); every other field is checked as usual.
        """
        left_to_outlets = (
            set(self.open_field_names(value)) if self.policy(value) == REQUIRED else ()
        )
        cleaned, errors = [], {}
        for name, child in self.child_blocks.items():
            child_value = value.get(name)
            if name in left_to_outlets and child_value in EMPTY_VALUES:
                cleaned.append((name, child_value))
                continue
            try:
                cleaned.append((name, child.clean(child_value)))
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return self._to_struct_value(cleaned)

    def clean_local(self, hq_value, value):
        """Check an outlet's merged value against HQ's rules for this instance.

        ``value`` is the merged ``StructValue`` (HQ's value with the outlet's
        open fields). Raise ``StructBlockValidationError`` naming the child at
        fault; return the value, possibly normalised. The default accepts it.
        """
        return value


def local_error(**errors):
    """A validation error for ``clean_local``, keyed by child field name."""
    return blocks.StructBlockValidationError(
        block_errors={
            name: message
            if isinstance(message, ValidationError)
            else ValidationError(message)
            for name, message in errors.items()
        }
    )


WRAPPED_BLOCK_TEMPLATE = "wagtail_distmark/blocks/wrapped.html"


def distributable(block, *, label=None, icon=None, field_label=None, template=None):
    """Wrap any block (rich text, image, a StreamBlock…) as a distributable one.

    The wrapped block becomes the single content field ``content``; HQ sets the
    policy as for any other distributable block. It renders as the wrapped
    block would (or with ``template``, which gets the struct as ``value``).
    """
    block.set_name("content")
    if field_label is not None:
        block.label = field_label
    meta = {"template": template or WRAPPED_BLOCK_TEMPLATE}
    if label is not None:
        meta["label"] = label
    if icon is not None:
        meta["icon"] = icon
    return DistributableBlock([("content", block)], **meta)


def is_distributable(block):
    return isinstance(block, DistributableBlock)


class LocalZoneBlock(DistributableBlock):
    """A free zone where outlets add their own blocks, from a list HQ chooses.

    HQ may put default content in the zone; an outlet's blocks replace it.
    Built by the registry with the local block types (see
    :func:`wagtail_distmark.blocks.registry.local_block_types`).
    """

    class Meta:
        label = _("Local zone")
        icon = "placeholder"
        template = "wagtail_distmark/blocks/local_zone.html"
        hq_settings = ("allowed_blocks", "max_blocks")
        default_policy = EDITABLE

    def __init__(self, local_block_types=(), **kwargs):
        local_block_types = list(local_block_types)
        children = [
            (
                "heading",
                blocks.CharBlock(
                    required=False,
                    max_length=120,
                    label=_("Heading"),
                    help_text=_(
                        "Shown above the zone, for example “News from your store”."
                    ),
                ),
            ),
            (
                "blocks",
                blocks.StreamBlock(
                    local_block_types, required=False, label=_("Blocks")
                ),
            ),
            (
                "allowed_blocks",
                blocks.MultipleChoiceBlock(
                    choices=[
                        (name, block.label or name) for name, block in local_block_types
                    ],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    label=_("Blocks outlets may add"),
                    help_text=_("Leave empty to allow every kind listed."),
                ),
            ),
            (
                "max_blocks",
                blocks.IntegerBlock(
                    min_value=1,
                    max_value=50,
                    default=5,
                    label=_("Most blocks an outlet may add"),
                ),
            ),
        ]
        super().__init__(children, **kwargs)

    @property
    def local_field_names(self):
        return ("blocks",)

    def allowed_block_names(self, hq_value):
        stream = self.child_blocks["blocks"]
        chosen = (hq_value or {}).get("allowed_blocks") or ()
        names = tuple(stream.child_blocks)
        return tuple(name for name in names if name in chosen) if chosen else names

    def max_blocks(self, hq_value):
        return (hq_value or {}).get("max_blocks") or 5

    def local_stream_block(self, hq_value):
        """A stream block offering the outlet only what HQ allows here."""
        stream = self.child_blocks["blocks"]
        allowed = self.allowed_block_names(hq_value)
        block = blocks.StreamBlock(
            [
                (name, child)
                for name, child in stream.child_blocks.items()
                if name in allowed
            ],
            required=False,
            max_num=self.max_blocks(hq_value),
            label=stream.label,
        )
        block.set_name("blocks")
        return block

    def clean_local(self, hq_value, value):
        allowed = set(self.allowed_block_names(hq_value))
        stream = value.get("blocks") or []
        # Read from the raw data where there is one: the blocks' types need
        # no conversion (an image block would load its image).
        raw = getattr(stream, "raw_data", None)
        types = (
            {child["type"] for child in raw}
            if raw is not None
            else {child.block_type for child in stream}
        )
        refused = sorted(types - allowed)
        if refused:
            raise local_error(
                blocks=_("HQ does not allow these blocks here: %(names)s.")
                % {"names": ", ".join(refused)}
            )
        limit = self.max_blocks(hq_value)
        if len(stream) > limit:
            raise local_error(
                blocks=_("At most %(limit)d blocks are allowed here.")
                % {"limit": limit}
            )
        return value
