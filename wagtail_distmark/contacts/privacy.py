"""GDPR: a contact's data as JSON, and erasure.

Erasure anonymises the row rather than deleting it, so counts and campaign
statistics stay right, and puts a hash of the address on the suppression
list, so a later import or subscription never brings the person back.
Both are logged in the access log and in Wagtail's history.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from .access_log import log_access
from .models import (
    AttributeDefinition,
    Consent,
    ContactAccess,
    Suppression,
    birthday_iso,
)
from .permissions import contact_permission_policy
from .visibility import (
    HQ,
    field_visibility,
    user_level,
    visible_attributes,
    visible_fields,
)

#: What the visibility declaration calls each top-level key of the file.
DATA_FIELDS = (
    ("outlet", "outlet"),
    ("email", "email"),
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("gender", "gender"),
    ("birthday", "birthday"),
    ("language", "locale"),
    ("phone", "phone"),
    ("tags", "tags"),
)
CONSENT_PARTS = (("status", ""), ("at", "_at"), ("source", "_source"))
DATES = (
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("last_engaged_at", "last_engaged_at"),
)

HQ_HOLDS_MORE = _("Fields held by HQ are not included: ask HQ for the complete export.")


def contact_data(contact, fields=None, attribute_keys=None):
    """What is stored about a contact, for the person who asks (GDPR art. 15).

    Everything by default; ``fields`` (names of the visibility declaration)
    and ``attribute_keys`` narrow it to what one user may see.
    """
    values = {
        "outlet": lambda: contact.outlet.name,
        "email": lambda: contact.email,
        "first_name": lambda: contact.first_name,
        "last_name": lambda: contact.last_name,
        "gender": lambda: contact.get_gender_display() if contact.gender else "",
        "birthday": lambda: birthday_iso(contact.birthday),
        "locale": lambda: contact.locale,
        "phone": lambda: contact.phone,
        "tags": lambda: sorted(contact.tags.values_list("name", flat=True)),
    }

    def shown(name):
        return fields is None or name in fields

    data = {key: values[name]() for key, name in DATA_FIELDS if shown(name)}
    data["attributes"] = {
        key: value
        for key, value in contact.attributes.items()
        if attribute_keys is None or key in attribute_keys
    }
    consent = {}
    for channel in ("email", "sms"):
        parts = {
            part: _iso(getattr(contact, f"{channel}_consent{suffix}"))
            for part, suffix in CONSENT_PARTS
            if shown(f"{channel}_consent{suffix}")
        }
        if parts:
            consent[channel] = parts
    if consent:
        data["consent"] = consent
    data.update(
        {key: _iso(getattr(contact, name)) for key, name in DATES if shown(name)}
    )
    return data


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def visible_to(user, contact):
    """The fields and attribute keys of ``contact`` that ``user`` may see, and
    whether that is all there is (None, None, True for HQ)."""
    if user_level(user, contact.outlet_id) == HQ:
        return None, None, True
    fields = set(visible_fields(user, contact.outlet_id))
    keys = {d.key for d in visible_attributes(user, contact.outlet_id)}
    complete = (
        set(field_visibility()) <= fields
        and set(contact.attributes) <= keys
        and not AttributeDefinition.objects.exclude(key__in=keys).exists()
    )
    return fields, keys, complete


class ContactDataExportAction:
    """Export one contact's data; managers and HQ (the erase permission).

    Local managers get the fields the visibility declaration shows them, with
    a note that HQ holds more: the complete file is HQ's to give.
    """

    def __init__(self, contact, user):
        self.contact = contact
        self.user = user

    def check(self):
        if not contact_permission_policy.user_has_permission_for_instance(
            self.user, "delete", self.contact
        ):
            raise PermissionDenied

    def execute(self):
        self.check()
        fields, keys, complete = visible_to(self.user, self.contact)
        data = contact_data(self.contact, fields=fields, attribute_keys=keys)
        if not complete:
            data["note"] = str(HQ_HOLDS_MORE)
        log_access(
            self.user,
            ContactAccess.Action.DATA_EXPORT,
            contacts=[self.contact],
            outlet=self.contact.outlet,
            complete=complete,
        )
        return data


class EraseContactAction:
    """Anonymise a contact and suppress their address, at once and for good."""

    def __init__(self, contact, user):
        self.contact = contact
        self.user = user

    def check(self):
        if self.contact.erased_at is not None:
            raise PermissionDenied(_("This contact is already erased."))
        if not contact_permission_policy.user_has_permission_for_instance(
            self.user, "delete", self.contact
        ):
            raise PermissionDenied

    @transaction.atomic
    def execute(self):
        self.check()
        contact = self.contact
        source = f"erased by {self.user.get_username()}" if self.user else "erased"
        Suppression.suppress(contact.email, Suppression.Reason.ERASED, source)
        now = timezone.now()
        contact.email = f"erased-{contact.pk}@erased.invalid"
        contact.first_name = contact.last_name = contact.phone = contact.locale = ""
        contact.birthday = None
        contact.gender = ""
        contact.attributes = {}
        for channel in ("email", "sms"):
            if getattr(contact, f"{channel}_consent") != Consent.NONE:
                setattr(contact, f"{channel}_consent", Consent.WITHDRAWN)
            setattr(contact, f"{channel}_consent_at", now)
            setattr(contact, f"{channel}_consent_source", "erasure")
        contact.erased_at = now
        contact.save()
        contact.tags.all().delete()
        # Wagtail's history keeps each entry's label (the person's name).
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(contact),
            object_id=str(contact.pk),
        ).update(label=str(contact))
        log_access(
            self.user,
            ContactAccess.Action.ERASE,
            contacts=[contact],
            outlet=contact.outlet,
        )
        log(instance=contact, action="wagtail_distmark.contact.erase", user=self.user)
        return contact
