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
from .models import Consent, ContactAccess, Suppression
from .permissions import contact_permission_policy


def contact_data(contact):
    """Everything stored about a contact, for the person who asks (GDPR art. 15)."""
    return {
        "outlet": contact.outlet.name,
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "gender": contact.get_gender_display() if contact.gender else "",
        "birthday": contact.birthday.isoformat() if contact.birthday else None,
        "language": contact.locale,
        "phone": contact.phone,
        "tags": sorted(contact.tags.values_list("name", flat=True)),
        "attributes": contact.attributes,
        "consent": {
            channel: {
                "status": getattr(contact, f"{channel}_consent"),
                "at": _iso(getattr(contact, f"{channel}_consent_at")),
                "source": getattr(contact, f"{channel}_consent_source"),
            }
            for channel in ("email", "sms")
        },
        "created_at": _iso(contact.created_at),
        "updated_at": _iso(contact.updated_at),
        "last_engaged_at": _iso(contact.last_engaged_at),
    }


def _iso(value):
    return value.isoformat() if value else None


class ContactDataExportAction:
    """Export one contact's data; managers and HQ (the erase permission)."""

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
        data = contact_data(self.contact)
        log_access(
            self.user,
            ContactAccess.Action.DATA_EXPORT,
            contacts=[self.contact],
            outlet=self.contact.outlet,
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
