"""Contacts for tests, saved as the app stores them (normalised, hashed)."""

import datetime

from django.utils import timezone

from wagtail_distmark.contacts.models import (
    Consent,
    Contact,
    ContactTag,
    email_hash,
    normalise_email,
)


def contact(outlet, email, *, tags=(), **fields):
    """One contact through ``save()`` (normalises the email, sets its hash)."""
    fields.setdefault("email_consent", Consent.GRANTED)
    if fields["email_consent"] == Consent.GRANTED:
        fields.setdefault("email_consent_at", timezone.now())
        fields.setdefault("email_consent_source", "test")
    row = Contact.objects.create(outlet=outlet, email=email, **fields)
    ContactTag.objects.bulk_create(ContactTag(contact=row, name=t) for t in tags)
    return row


def many_contacts(outlet, count, *, prefix="c", **fields):
    """``count`` contacts in one ``bulk_create`` (fields set as ``save()`` would)."""
    now = timezone.now()
    rows = []
    for n in range(count):
        email = normalise_email(f"{prefix}{n}@{outlet.slug}.example")
        birthday = fields.get("birthday") or datetime.date(
            1980 + n % 30, 1 + n % 12, 1 + n % 28
        )
        rows.append(
            Contact(
                outlet=outlet,
                email=email,
                email_hash=email_hash(email),
                first_name=f"First{n}",
                last_name=f"Last{n}",
                birthday=birthday,
                birthday_month=birthday.month,
                email_consent=fields.get("email_consent", Consent.GRANTED),
                email_consent_at=now,
                email_consent_source="test",
            )
        )
    return Contact.objects.bulk_create(rows)
