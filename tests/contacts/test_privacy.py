"""GDPR: a contact's data as JSON, erasure with a hashed tombstone."""

import datetime
import json

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.contacts.factories import contact
from tests.workflows.flow import refused
from wagtail_distmark.contacts.models import (
    Contact,
    ContactAccess,
    Suppression,
    email_hash,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(demo):
    return contact(
        demo.lille,
        "anne@example.com",
        first_name="Anne",
        phone="0611",
        tags=["vip"],
        attributes={"loyalty_level": "gold", "purchase_total": 99, "legacy_score": 7},
    )


DATA = "distmark_contacts:data_export"
HQ_NOTE = "Fields held by HQ are not included: ask HQ for the complete export."


def test_a_manager_downloads_the_fields_they_see(login, demo, anne):
    client = login("lille-manager")
    response = client.get(reverse(DATA, args=[anne.pk]))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="contact-{anne.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["email"] == "anne@example.com" and data["tags"] == ["vip"]
    assert data["consent"]["email"]["status"] == "granted"
    assert data["consent"]["email"]["source"] == "test"  # managers see sources
    # What the inspect view hides from managers, the file leaves out too
    # (phone, an HQ-only attribute, an attribute nobody declared), and it
    # says what HQ must add.
    assert "phone" not in data and "0611" not in response.content.decode()
    assert data["attributes"] == {"loyalty_level": "gold"}
    assert data["note"] == HQ_NOTE
    inspect = client.get(reverse("distmark_contacts:inspect", args=[anne.pk]))
    assert HQ_NOTE in inspect.content.decode()
    log = ContactAccess.objects.get(action="data_export", username="lille-manager")
    assert log.contact_ids == [anne.pk] and log.detail == {"complete": False}


def test_the_field_visibility_setting_applies_to_the_download(
    login, demo, anne, settings
):
    settings.WAGTAIL_DISTMARK = {
        "CONTACT_FIELD_VISIBILITY": {"phone": "managers", "email_consent_source": "hq"}
    }
    data = json.loads(login("lille-manager").get(reverse(DATA, args=[anne.pk])).content)
    assert data["phone"] == "0611"
    assert "source" not in data["consent"]["email"]


def test_hq_downloads_the_complete_data(login, demo, anne):
    data = json.loads(login("hq").get(reverse(DATA, args=[anne.pk])).content)
    # All of it, for the person who asks (GDPR art. 15).
    assert data["phone"] == "0611"
    assert data["attributes"] == {
        "loyalty_level": "gold",
        "purchase_total": 99,
        "legacy_score": 7,
    }
    assert "note" not in data
    assert ContactAccess.objects.get(action="data_export").detail == {"complete": True}


def test_editors_may_not_export_or_erase(login, demo, anne):
    client = login("lille-editor")
    assert refused(client.get(reverse(DATA, args=[anne.pk])))
    assert refused(client.post(reverse("distmark_contacts:delete", args=[anne.pk])))
    anne.refresh_from_db()
    assert anne.erased_at is None


def test_erasure_anonymises_keeps_the_row_and_suppresses_the_address(login, demo, anne):
    client = login("lille-manager")
    client.post(
        reverse("distmark_contacts:edit", args=[anne.pk]),
        {
            "email": "anne@example.com",
            "first_name": "Anne",
            "email_consent": "granted",
            "sms_consent": "none",
        },
    )
    confirm = client.get(reverse("distmark_contacts:delete", args=[anne.pk]))
    assert "Yes, erase" in confirm.content.decode()
    response = client.post(reverse("distmark_contacts:delete", args=[anne.pk]))
    assert response.status_code == 302
    anne.refresh_from_db()
    assert anne.erased_at is not None
    assert (anne.first_name, anne.phone, anne.attributes, anne.birthday) == (
        "",
        "",
        {},
        None,
    )
    assert "anne" not in anne.email and not anne.tags.exists()
    assert anne.email_consent == "withdrawn"
    assert (
        Contact.objects.filter(outlet=demo.lille).count() == 301
    )  # kept for statistics
    tomb = Suppression.objects.get(email_hash=email_hash("anne@example.com"))
    assert tomb.reason == "erased"
    assert not Suppression.objects.filter(email_hash__contains="anne").exists()
    # Wagtail's history no longer names her.
    labels = ModelLogEntry.objects.filter(object_id=str(anne.pk)).values_list(
        "label", flat=True
    )
    assert labels and not any("Anne" in label for label in labels)
    assert ContactAccess.objects.filter(action="erase").get().contact_ids == [anne.pk]
    # Nobody edits an erased contact back into a person.
    assert refused(client.get(reverse("distmark_contacts:edit", args=[anne.pk])))
    # Erased contacts leave the listing.
    listing = client.get(reverse("distmark_contacts:index"))
    assert anne not in listing.context["object_list"]


def test_an_erased_address_cannot_be_added_back(login, demo, anne):
    client = login("lille-manager")
    client.post(reverse("distmark_contacts:delete", args=[anne.pk]))
    for outlet in (demo.lille, demo.gent):
        response = login("hq").post(
            reverse("distmark_contacts:add"),
            {
                "outlet": outlet.pk,
                "email": "Anne@Example.com",
                "email_consent": "granted",
                "sms_consent": "none",
            },
        )
        assert "suppression list" in " ".join(response.context["form"].errors["email"])
    assert not Contact.objects.filter(email="anne@example.com").exists()


def test_a_suppressed_address_is_never_reachable(demo):
    gent = contact(demo.gent, "bounce@example.com")
    lille = contact(demo.lille, "BOUNCE@example.com ")
    reachable = Contact.objects.reachable_by_email()
    assert {gent, lille} <= set(reachable)
    Suppression.suppress("bounce@example.com", Suppression.Reason.HARD_BOUNCE, "test")
    assert (
        not Contact.objects.reachable_by_email()
        .filter(pk__in=[gent.pk, lille.pk])
        .exists()
    )


def test_a_birthday_without_a_year_is_downloaded_without_one(login, demo, anne):
    # Imports store a birthday without a year in the year 1604 ("unknown"):
    # the file gives ISO 8601's form without a year, never 1604.
    Contact.objects.filter(pk=anne.pk).update(birthday=datetime.date(1604, 12, 3))
    response = login("lille-manager").get(reverse(DATA, args=[anne.pk]))
    assert json.loads(response.content)["birthday"] == "--12-03"
    assert "1604" not in response.content.decode()
    Contact.objects.filter(pk=anne.pk).update(birthday=datetime.date(1985, 7, 14))
    data = json.loads(login("hq").get(reverse(DATA, args=[anne.pk])).content)
    assert data["birthday"] == "1985-07-14"
