"""The outlet page's editing form: HQ's template in place, open values editable."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..isolation.references import UNAVAILABLE_MESSAGE
from .merge import STALE, merge_template, raw_equal
from .overrides import clean_overrides, make_override
from .widgets import OverridesWidget, SubmittedOverrides

REQUIRED_MESSAGE = _(
    "HQ asks each outlet to fill this in before the page is published."
)


def same_as_hq(raw, hq_raw):
    """Whether a posted raw value is HQ's (an empty field where HQ left it empty too)."""
    empty = (None, "", [], {})
    return raw_equal(raw, hq_raw) or (raw in empty and hq_raw in empty)


def _without_digests(overrides):
    """Overrides without the rules digest older versions stored (now unused)."""
    return {
        block_id: (
            {key: value for key, value in override.items() if key != "rules"}
            if isinstance(override, dict)
            else override
        )
        for block_id, override in overrides.items()
    }


class OverridesValidationError(ValidationError):
    """One error for the field, carrying the errors of each block and field.

    The widget shows each under its block (``slot_errors``), as Wagtail's
    StreamField shows errors under the block at fault.
    """

    def __init__(self, slot_errors, message=None):
        super().__init__(
            message
            or _("Some values do not follow HQ's rules: see the blocks marked below.")
        )
        self.slot_errors = slot_errors


class OverridesField(forms.Field):
    """Cleans what the outlet editor posted into the page's stored overrides."""

    def __init__(self, *, merge=None, template_page=None, outlet=None, **kwargs):
        kwargs.setdefault("required", False)
        self.merge = merge
        self.template_page = template_page
        self.outlet = outlet
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        # Compared as stored: a reviewer approving from the editor without a
        # change must not create a new revision (it would need approving again).
        if self.disabled:
            return False
        try:
            cleaned = self.clean(data)
        except ValidationError:
            return True
        return not raw_equal(
            _without_digests(cleaned),
            _without_digests(initial if isinstance(initial, dict) else {}),
        )

    def clean(self, value):
        if self.merge is None or not isinstance(value, SubmittedOverrides):
            # No template yet: nothing open, keep what is stored.
            return self.initial if isinstance(self.initial, dict) else {}
        if value.refused_keys:
            raise ValidationError(
                _(
                    "These values are not open to outlets and were refused: "
                    "%(names)s. Nothing was saved."
                )
                % {"names": ", ".join(sorted(value.refused_keys))}
            )
        deferred = getattr(self, "is_deferred_validation", False)
        slot_errors = {}
        overrides = {}
        stored = self.initial if isinstance(self.initial, dict) else {}
        widget = self.widget
        for slot in widget.slots:
            merged = slot.merged
            previous = stored.get(slot.id) if merged.state != STALE else None
            values = {}
            for open_field in slot.fields:
                key = (slot.id, open_field.name)
                if key in value.reverted:
                    continue
                if key in value.omitted:
                    # Not posted (a script editing one field): keep the stored value.
                    previous_values = (previous or {}).get("values") or {}
                    if open_field.name in previous_values:
                        values[open_field.name] = previous_values[open_field.name]
                    continue
                if key in value.unavailable:
                    slot_errors[key] = ValidationError(
                        UNAVAILABLE_MESSAGE, code="unavailable"
                    )
                    continue
                posted = value.values[key]
                try:
                    if same_as_hq(
                        open_field.block.get_prep_value(posted),
                        merged.hq_raw.get(open_field.name),
                    ):
                        # HQ's value, untouched (an empty date HQ left empty too).
                        continue
                    cleaned = open_field.block.clean(posted)
                    values[open_field.name] = open_field.block.get_prep_value(cleaned)
                except ValidationError as error:
                    slot_errors[key] = error
                except (TypeError, ValueError, LookupError):
                    slot_errors[key] = ValidationError(_("This value is not valid."))
            hidden = slot.id in value.hidden
            if hidden and not merged.is_hidable:
                slot_errors[(slot.id, None)] = ValidationError(
                    _("HQ does not allow hiding this block.")
                )
            override = make_override(merged, values, hidden=hidden)
            if merged.state == STALE and override is None:
                if slot.id not in value.discarded:
                    overrides[slot.id] = merged.override
            elif override is not None:
                overrides[slot.id] = override
            if not deferred:
                filled = (override or {}).get("values") or {}
                for name in merged.block.missing_required_fields(merged.hq_raw, filled):
                    slot_errors.setdefault(
                        (slot.id, name), ValidationError(REQUIRED_MESSAGE)
                    )
        for stale in self.merge.stale:
            if stale.block is None and stale.id not in value.discarded:
                overrides[stale.id] = stale.override

        if slot_errors:
            raise OverridesValidationError(slot_errors)
        # HQ's rules for each instance (bounds, allowed local blocks), and the
        # blocks' own validation once more, exactly as the model applies them.
        normalised, errors = clean_overrides(
            self.template_page,
            overrides,
            self.outlet,
        )
        if errors:
            # An error on a field the outlet cannot see (a rule linking it to
            # a locked field) is shown on its block instead.
            shown = {
                (slot.id, open_field.name)
                for slot in widget.slots
                for open_field in slot.fields
            }
            slot_errors = {}
            for (block_id, name), messages in errors.items():
                key = (
                    (block_id, name) if (block_id, name) in shown else (block_id, None)
                )
                slot_errors.setdefault(key, []).extend(messages)
            raise OverridesValidationError(
                {
                    key: ValidationError(messages)
                    for key, messages in slot_errors.items()
                }
            )
        return normalised


class LocalPageForm(WagtailAdminPageForm):
    """Wagtail's page form, with the template's blocks in place of a StreamField."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import TemplatePage

        template_field = self.fields.get("hq_template")
        if template_field is not None:
            template_field.queryset = TemplatePage.objects.live().order_by("title")
            template_field.empty_label = _("Choose an HQ template")
            # A plain list of HQ's live templates: Wagtail's page chooser would
            # browse a tree local editors have no access to.
            template_field.widget = forms.Select(choices=template_field.choices)
            if self.instance.hq_template_id is not None:
                # The template is fixed once chosen; re-linking is only
                # offered when HQ deleted it (the field is then empty).
                template_field.disabled = True

        template_page = (
            self.instance.hq_template if self.instance.hq_template_id else None
        )
        merge = (
            merge_template(template_page, self.instance.overrides)
            if template_page
            else None
        )
        outlet = self.instance.outlet if self.instance.outlet_id else None
        if "overrides" in self.fields:
            self.fields["overrides"] = OverridesField(
                merge=merge,
                template_page=template_page,
                outlet=outlet,
                label=_("Content"),
                initial=self.instance.overrides,
                widget=OverridesWidget(merge=merge, outlet=outlet, page=self.instance),
                help_text=_(
                    "HQ's template, in place. Fill in what HQ left open; the rest "
                    "follows HQ's changes automatically."
                ),
            )
            self.fields["overrides"].widget.merge = merge

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("hq_template")
        if (
            self.instance.hq_template_id is None
            and template is not None
            and template.required_block_count
            and not self.is_deferred_validation
        ):
            # Publishing (or submitting) straight from the add form would skip
            # the blocks the outlet must fill: they appear once saved.
            self.add_error(
                "hq_template",
                _(
                    "This template has blocks your outlet must fill in: save a "
                    "draft first, then fill them in."
                ),
            )
        return cleaned

    def save(self, commit=True):
        page = super().save(commit=False)
        page.refresh_merge()
        if commit:
            page.save()
            self.save_m2m()
        return page


class DeployForm(forms.Form):
    """HQ's choice of outlets for a template, and whether to publish at once."""

    ALL, REGIONS, OUTLETS = "all", "regions", "outlets"

    target_kind = forms.ChoiceField(
        label=_("Deploy to"),
        choices=[
            (ALL, _("Every outlet")),
            (REGIONS, _("The outlets of some regions (with their sub-regions)")),
            (OUTLETS, _("Some outlets")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=None, required=False
    )
    outlets = forms.ModelMultipleChoiceField(
        label=_("Outlets"), queryset=None, required=False
    )
    publish = forms.BooleanField(
        label=_("Publish the pages at once"),
        required=False,
        help_text=_(
            "Otherwise each outlet gets a draft to complete and submit. Templates "
            "with required blocks can only be deployed as drafts."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ..outlets.models import Outlet, Region

        self.fields["regions"].queryset = Region.objects.order_by("path")
        self.fields["regions"].label_from_instance = lambda r: r.label_with_depth
        self.fields["outlets"].queryset = Outlet.objects.order_by("name")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("target_kind")
        if kind == self.ALL:
            cleaned["target"] = {"all": True}
        elif kind in (self.REGIONS, self.OUTLETS):
            chosen = cleaned.get(kind)
            if not chosen:
                self.add_error(kind, _("Choose at least one."))
            else:
                cleaned["target"] = {kind: [obj.pk for obj in chosen]}
        return cleaned
