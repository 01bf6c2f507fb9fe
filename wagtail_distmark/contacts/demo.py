"""The demo's contacts: a few hundred per outlet, generated with the
standard library (a fixed seed, so every demo has the same people)."""

import datetime
import random
import unicodedata

from django.utils import timezone

from .models import (
    AttributeDefinition,
    Consent,
    Contact,
    ContactTag,
    Gender,
    Visibility,
    email_hash,
)

FIRST_NAMES = {
    "fr": [
        "Camille",
        "Léa",
        "Manon",
        "Chloé",
        "Inès",
        "Louis",
        "Hugo",
        "Lucas",
        "Théo",
        "Nathan",
    ],
    "nl": [
        "Emma",
        "Julie",
        "Lotte",
        "Noor",
        "Fien",
        "Lucas",
        "Arthur",
        "Noah",
        "Louis",
        "Liam",
    ],
}
LAST_NAMES = {
    "fr": [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
    ],
    "nl": [
        "Peeters",
        "Janssens",
        "Maes",
        "Jacobs",
        "Mertens",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "De Smet",
    ],
}
TAGS = ["newsletter", "vip", "loyalty-card", "click-and-collect", "event-guest"]


def ensure_demo_attributes():
    """Two attributes: a loyalty level everyone sees, a purchase total HQ keeps."""
    AttributeDefinition.objects.get_or_create(
        key="loyalty_level",
        defaults={
            "label": "Loyalty level",
            "type": AttributeDefinition.Type.CHOICE,
            "choices": "bronze\nsilver\ngold",
            "visibility": Visibility.EVERYONE,
        },
    )
    AttributeDefinition.objects.get_or_create(
        key="purchase_total",
        defaults={
            "label": "Purchases this year (€)",
            "type": AttributeDefinition.Type.NUMBER,
            "visibility": Visibility.HQ,
        },
    )


def ascii_address(address):
    """``Léa.Dupré`` → ``lea.dupre``: addresses as people really have them
    (Django, like most mail servers, refuses accents before the @)."""
    decomposed = unicodedata.normalize("NFKD", address)
    return decomposed.encode("ascii", "ignore").decode().replace(" ", "").lower()


def ensure_demo_contacts(outlets, per_outlet=300):
    """Create (once per outlet) ``per_outlet`` contacts; return how many were made."""
    ensure_demo_attributes()
    made = 0
    now = timezone.now()
    today = timezone.localdate()
    for outlet in outlets:
        if Contact.objects.filter(outlet=outlet).exists():
            continue
        rng = random.Random(outlet.slug)
        language = "nl" if outlet.locale == "nl" else "fr"
        rows = []
        for n in range(per_outlet):
            first = rng.choice(FIRST_NAMES[language])
            last = rng.choice(LAST_NAMES[language])
            email = ascii_address(f"{first}.{last}.{n}@{outlet.slug}.example")
            # About one in twelve has a birthday this month.
            birthday = datetime.date(
                rng.randint(1950, 2005),
                today.month if n % 12 == 0 else rng.randint(1, 12),
                rng.randint(1, 28),
            )
            consent = Consent.GRANTED if n % 10 else Consent.NONE
            rows.append(
                Contact(
                    outlet=outlet,
                    email=email,
                    email_hash=email_hash(email),
                    first_name=first,
                    last_name=last,
                    locale=language,
                    birthday=birthday,
                    birthday_month=birthday.month,
                    gender=rng.choice([Gender.FEMALE, Gender.MALE, Gender.OTHER, ""]),
                    phone=f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    attributes={
                        "loyalty_level": rng.choice(["bronze", "silver", "gold"]),
                        "purchase_total": rng.randint(0, 2500),
                    },
                    email_consent=consent,
                    email_consent_at=now if consent == Consent.GRANTED else None,
                    email_consent_source="demo" if consent == Consent.GRANTED else "",
                )
            )
        created = Contact.objects.bulk_create(rows)
        ContactTag.objects.bulk_create(
            ContactTag(contact=contact, name=tag)
            for contact in created
            for tag in rng.sample(TAGS, rng.randint(0, 2))
        )
        made += len(created)
    return made
