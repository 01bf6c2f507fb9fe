"""The contact form, built per user from the visibility declaration: a
field the user may not see is not in the form at all (so a crafted POST
cannot set it either)."""

import csv
import datetime
import io

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from .models import (
    AttributeDefinition,
    Consent,
    Contact,
    ContactTag,
    Suppression,
    email_hash,
    is_yearless,
    normalise_email,
    yearless_birthday,
)
from .permissions import outlets_for_contacts
from .visibility import visible_attributes, visible_fields

#: Contact fields a person types in (the others are set by the app).
EDITABLE_FIELDS = (
    "outlet",
    "email",
    "first_name",
    "last_name",
    "gender",
    "birthday",
    "locale",
    "phone",
    "email_consent",
    "sms_consent",
)
ATTRIBUTE_PREFIX = "attribute_"
MAX_TAGS = 30
TAG_MAX_LENGTH = ContactTag._meta.get_field("name").max_length
#: Imports refuse older birthdays too.
FIRST_BIRTH_YEAR = 1900


class BirthdayWidget(forms.MultiWidget):
    """Day, month and an optional year, each with its label."""

    template_name = "wagtail_distmark/contacts/widgets/birthday.html"
    labels = (_("Day"), _("Month"), _("Year (if known)"))

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__(
            {
                "day": forms.TextInput(attrs={**number, "size": 2}),
                "month": forms.Select(choices=[("", "---------"), *MONTHS.items()]),
                "year": forms.TextInput(attrs={**number, "size": 4}),
            },
            attrs,
        )

    def decompress(self, value):
        if value is None:
            return [None, None, None]
        # A birthday without a year shows no year (never 1604).
        return [value.day, value.month, None if is_yearless(value) else value.year]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(
            context["widget"]["subwidgets"], self.labels, strict=True
        ):
            subwidget["label"] = label
        return context


class BirthdayField(forms.MultiValueField):
    """A birthday, its year optional: without one it is stored in
    ``YEAR_UNKNOWN``, as imports store Mailchimp's ``MM/DD``."""

    widget = BirthdayWidget

    def __init__(self, **kwargs):
        fields = (
            forms.IntegerField(min_value=1, max_value=31, required=False),
            forms.TypedChoiceField(
                choices=[("", "---------"), *MONTHS.items()],
                coerce=int,
                empty_value=None,
                required=False,
            ),
            forms.IntegerField(required=False),
        )
        kwargs.setdefault("help_text", _("Leave the year empty if you do not know it."))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, month, year = data_list or (None, None, None)
        if day is None and month is None and year is None:
            return None
        if day is None or month is None:
            raise ValidationError(_("Give the day and the month."), code="incomplete")
        today = timezone.localdate()
        if year is not None and not FIRST_BIRTH_YEAR <= year <= today.year:
            raise ValidationError(
                _("Give a year from %(first)s to %(last)s, or leave it empty."),
                code="year",
                params={"first": FIRST_BIRTH_YEAR, "last": today.year},
            )
        try:
            if year is None:
                return yearless_birthday(month, day)
            birthday = datetime.date(year, month, day)
        except ValueError:
            named = f"{day} {MONTHS[month]}" + (f" {year}" if year else "")
            raise ValidationError(
                _("There is no %(date)s."), code="invalid", params={"date": named}
            ) from None
        if birthday > today:
            raise ValidationError(
                _("A birthday cannot be in the future."), code="future"
            )
        return birthday


def attribute_field(definition):
    """A form field for one custom attribute, by its declared type."""
    kwargs = {"label": definition.label, "required": False}
    Type = AttributeDefinition.Type
    if definition.type == Type.NUMBER:
        return forms.DecimalField(**kwargs)
    if definition.type == Type.DATE:
        return forms.DateField(widget=AdminDateInput, **kwargs)
    if definition.type == Type.BOOLEAN:
        return forms.NullBooleanField(**kwargs)
    if definition.type == Type.CHOICE:
        choices = [("", "---------")] + [(c, c) for c in definition.choice_list]
        return forms.ChoiceField(choices=choices, **kwargs)
    return forms.CharField(max_length=255, **kwargs)


def attribute_value(definition, value):
    """A cleaned form value as stored in ``Contact.attributes`` (JSON)."""
    if value in (None, ""):
        return None
    if definition.type == AttributeDefinition.Type.NUMBER:
        return float(value) if value % 1 else int(value)
    if definition.type == AttributeDefinition.Type.DATE:
        return value.isoformat()
    return value


def tags_text(names):
    """Tag names as the form shows them: separated by commas, a name that
    holds a comma or a double quote in double quotes (as Mailchimp's exports
    write them), so that :func:`parse_tags` reads back the same names."""
    return ", ".join(_csv_cell(name) for name in names)


def _csv_cell(text):
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


def parse_tags(text):
    """The tag names in ``text``: split at commas outside double quotes
    (``"Amis, famille", VIP`` is two tags), each stripped, blanks dropped."""
    text = " ".join(text.splitlines())  # a crafted POST's line breaks
    row = next(csv.reader([text], skipinitialspace=True), [])
    return [name for name in (name.strip() for name in row) if name]


def resolve_tags(typed, stored):
    """The names to keep: ``typed`` with duplicates dropped, a tag spelled
    in another case than a stored one taken as that one (the stored spelling
    kept) and two new ones differing only in case taken as one."""
    stored = set(stored)
    spelling = {}
    for name in sorted(stored):
        spelling.setdefault(name.casefold(), name)
    names = []
    for name in typed:
        if name not in stored:
            name = spelling.setdefault(name.casefold(), name)
        if name not in names:
            names.append(name)
    return names


class TagsField(forms.CharField):
    """Tags typed as text; the form's initial value is the stored names."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return tags_text(sorted(value, key=str.casefold))
        return value

    def has_changed(self, initial, data):
        stored = list(initial or [])
        try:
            typed = parse_tags(data or "")
        except csv.Error:
            return True
        return set(resolve_tags(typed, stored)) != set(stored)


class ContactForm(WagtailAdminModelForm):
    tags = TagsField(
        label=_("Tags"),
        required=False,
        # Room for the most tags a contact may have, each quoted; the
        # csv module refuses longer fields.
        max_length=MAX_TAGS * (2 * TAG_MAX_LENGTH + 4),
        help_text=_(
            "Separated by commas, e.g. vip, newsletter. "
            'A tag that contains a comma goes in double quotes: "Amis, famille".'
        ),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        if "outlet" in self.fields:
            outlets = outlets_for_contacts(
                for_user, "add" if self.instance.pk is None else "change"
            )
            self.fields["outlet"].queryset = outlets
            only = list(outlets[:2])
            if len(only) == 1:  # a store manager's own store, chosen already
                self.fields["outlet"].empty_label = None
                self.initial.setdefault("outlet", only[0].pk)
        if "locale" in self.fields:
            # The site's languages, plus a stored value outside them (kept).
            choices = [("", "---------"), *settings.LANGUAGES]
            current = self.instance.locale
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["locale"] = forms.ChoiceField(
                label=self.fields["locale"].label,
                choices=choices,
                required=False,
            )
        if "birthday" in self.fields:
            self.fields["birthday"] = BirthdayField(
                label=self.fields["birthday"].label, required=False
            )
        outlet_id = self.instance.outlet_id if self.instance.pk else None
        self.attribute_definitions = visible_attributes(for_user, outlet_id)
        for definition in self.attribute_definitions:
            name = ATTRIBUTE_PREFIX + definition.key
            self.fields[name] = attribute_field(definition)
            self.initial.setdefault(name, self.instance.attributes.get(definition.key))
        if self.instance.pk and "tags" not in self.initial:
            self.initial["tags"] = list(
                self.instance.tags.values_list("name", flat=True)
            )
        if "tags" not in visible_fields(for_user, outlet_id):
            del self.fields["tags"]

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_tags(self):
        typed = parse_tags(self.cleaned_data["tags"])
        for name in typed:
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(
                    _("Tag “%(tag)s” is longer than 64 characters."),
                    params={"tag": name[:20] + "…"},
                )
        # The case of each stored tag is kept (imports keep it too).
        names = resolve_tags(typed, self.initial.get("tags") or [])
        if len(names) > MAX_TAGS:
            raise ValidationError(
                _("A contact may have %(max)s tags at most."), params={"max": MAX_TAGS}
            )
        return names

    def clean(self):
        cleaned = super().clean()
        outlet = cleaned.get("outlet") or (
            self.instance.outlet if self.instance.pk else None
        )
        email = cleaned.get("email")
        if outlet and email:
            duplicate = Contact.objects.filter(outlet=outlet, email=email).exclude(
                pk=self.instance.pk
            )
            if duplicate.exists():
                self.add_error(
                    "email",
                    _("%(outlet)s already has a contact with this email address.")
                    % {"outlet": outlet},
                )
            elif email != self.instance.email and Suppression.is_suppressed(email):
                # Unsubscribed, bounced or erased: nobody may add it back.
                self.add_error(
                    "email",
                    _(
                        "This address is on the network's suppression list "
                        "(unsubscribed, bounced or erased): it cannot be added."
                    ),
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The model's own unique check would repeat ours in other words.
        if "email" in self.errors and len(self.errors["email"]) > 1:
            self.errors["email"] = self.error_class(self.errors["email"][:1])

    def save(self, commit=True):
        contact = self.instance
        source = f"admin:{self.user.get_username()}" if self.user else "admin"
        for channel in ("email", "sms"):
            field = f"{channel}_consent"
            if field in self.changed_data:
                setattr(contact, f"{field}_at", timezone.now())
                setattr(contact, f"{field}_source", source)
        # Keep attributes the user cannot see; set those they can.
        attributes = dict(contact.attributes or {})
        for definition in self.attribute_definitions:
            value = attribute_value(
                definition, self.cleaned_data.get(ATTRIBUTE_PREFIX + definition.key)
            )
            if value is None:
                attributes.pop(definition.key, None)
            else:
                attributes[definition.key] = value
        contact.attributes = attributes
        contact = super().save(commit=commit)
        if commit and "tags" in self.fields:
            self.save_tags(contact)
        return contact

    def save_tags(self, contact):
        if "tags" not in self.changed_data:
            return  # the tags as shown: leave them as stored
        wanted = set(self.cleaned_data.get("tags") or [])
        have = set(contact.tags.values_list("name", flat=True))
        contact.tags.filter(name__in=have - wanted).delete()
        ContactTag.objects.bulk_create(
            ContactTag(contact=contact, name=name) for name in sorted(wanted - have)
        )


def contact_form_class(user, instance=None):
    """The form for ``user``: only fields they may see and type in."""
    outlet_id = instance.outlet_id if instance is not None and instance.pk else None
    visible = set(visible_fields(user, outlet_id))
    fields = [name for name in EDITABLE_FIELDS if name in visible]
    if instance is not None and instance.pk:
        fields = [name for name in fields if name != "outlet"]
    return modelform_factory(Contact, form=ContactForm, fields=fields)


class ManualSuppressionForm(WagtailAdminModelForm):
    """HQ suppresses an address by hand: only its hash is stored."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Stored as a hash only: the address itself is not kept."),
    )

    class Meta:
        model = Suppression
        fields = ["source"]

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if Suppression.is_suppressed(email):
            raise ValidationError(
                _("This address is already on the suppression list."),
                code="suppressed",
            )
        return email

    def save(self, commit=True):
        self.instance.email_hash = email_hash(self.cleaned_data["email"])
        self.instance.reason = Suppression.Reason.MANUAL
        return super().save(commit=commit)


__all__ = ["ContactForm", "contact_form_class", "Consent"]
