"""HQ's evidence screens: the access log and the suppression list are
append-only from the admin. HQ lists and inspects them; nobody (HQ or a
superuser included) adds, edits or deletes an access log entry, or edits or
deletes a suppression that records evidence (a bounce, a complaint, an
unsubscription, an erasure). HQ may still suppress an address by hand."""

import pytest
from django.contrib.auth import get_user_model

from wagtail_distmark.contacts.models import ContactAccess, Suppression, email_hash

pytestmark = pytest.mark.django_db

ACCESS_LOG = "/admin/distmark_contact_access/"
SUPPRESSIONS = "/admin/distmark_suppressions/"


@pytest.fixture
def entry(demo):
    return ContactAccess.objects.create(
        user=demo.users["lille-manager"],
        username="lille-manager",
        action=ContactAccess.Action.EXPORT,
        outlet=demo.lille,
        contact_count=12,
    )


@pytest.fixture
def superuser(client, demo):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    return client


def test_hq_lists_and_inspects_the_access_log_without_add_edit_or_delete(login, entry):
    client = login("hq")
    listing = client.get(ACCESS_LOG)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "lille-manager" in html
    assert f"{ACCESS_LOG}new/" not in html
    assert f"{ACCESS_LOG}edit/" not in html
    assert f"{ACCESS_LOG}delete/" not in html
    assert "Add access log entry" not in html

    inspect = client.get(f"{ACCESS_LOG}inspect/{entry.pk}/")
    assert inspect.status_code == 200
    page = inspect.content.decode()
    assert "lille-manager" in page
    assert f"{ACCESS_LOG}edit/" not in page
    assert f"{ACCESS_LOG}delete/" not in page


@pytest.mark.parametrize("who", ["hq", "superuser"])
def test_nobody_adds_edits_or_deletes_an_access_log_entry_by_url_or_post(
    login, superuser, entry, who
):
    client = login("hq") if who == "hq" else superuser
    before = ContactAccess.objects.count()
    for url in (
        f"{ACCESS_LOG}new/",
        f"{ACCESS_LOG}edit/{entry.pk}/",
        f"{ACCESS_LOG}delete/{entry.pk}/",
        f"{ACCESS_LOG}copy/{entry.pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "view"}).status_code == 404, url
    assert ContactAccess.objects.count() == before
    entry.refresh_from_db()
    assert entry.action == ContactAccess.Action.EXPORT


def test_hq_suppresses_an_address_by_hand(login):
    client = login("hq")
    listing = client.get(SUPPRESSIONS).content.decode()
    assert f"{SUPPRESSIONS}new/" in listing

    response = client.post(
        f"{SUPPRESSIONS}new/",
        {"email": "  Someone@Example.com ", "source": "phone call"},
    )
    assert response.status_code == 302
    row = Suppression.objects.get(email_hash=email_hash("someone@example.com"))
    assert row.reason == Suppression.Reason.MANUAL
    assert row.source == "phone call"


def test_a_suppression_without_an_address_is_refused(login):
    client = login("hq")
    response = client.post(f"{SUPPRESSIONS}new/", {"reason": "bounce"})
    assert response.status_code == 200
    assert not Suppression.objects.exists()


def test_suppressing_an_address_twice_keeps_the_first_evidence(login):
    Suppression.suppress("anne@example.com", Suppression.Reason.COMPLAINT, "isp")
    client = login("hq")
    response = client.post(f"{SUPPRESSIONS}new/", {"email": "anne@example.com"})
    assert response.status_code == 200
    assert "already on the suppression list" in response.content.decode()
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT


@pytest.mark.parametrize("who", ["hq", "superuser"])
def test_evidence_suppressions_are_neither_edited_nor_deleted(login, superuser, who):
    client = login("hq") if who == "hq" else superuser
    evidence = Suppression.suppress("anne@example.com", Suppression.Reason.ERASED)
    listing = client.get(SUPPRESSIONS).content.decode()
    assert f"{SUPPRESSIONS}edit/" not in listing
    assert f"{SUPPRESSIONS}delete/{evidence.pk}/" not in listing

    assert client.get(f"{SUPPRESSIONS}edit/{evidence.pk}/").status_code == 404
    assert (
        client.post(
            f"{SUPPRESSIONS}edit/{evidence.pk}/", {"reason": "manual"}
        ).status_code
        == 404
    )
    assert client.get(f"{SUPPRESSIONS}delete/{evidence.pk}/").status_code in (
        302,
        403,
    )
    client.post(f"{SUPPRESSIONS}delete/{evidence.pk}/")
    evidence.refresh_from_db()
    assert evidence.reason == Suppression.Reason.ERASED


def test_hq_withdraws_a_suppression_it_added_by_hand(login):
    manual = Suppression.suppress("typo@example.com", Suppression.Reason.MANUAL)
    client = login("hq")
    assert (
        f"{SUPPRESSIONS}delete/{manual.pk}/"
        in client.get(SUPPRESSIONS).content.decode()
    )
    response = client.post(f"{SUPPRESSIONS}delete/{manual.pk}/")
    assert response.status_code == 302
    assert not Suppression.objects.filter(pk=manual.pk).exists()


@pytest.mark.parametrize("username", ["lille-manager", "north-manager"])
def test_outlet_users_reach_neither_screen(login, entry, username):
    client = login(username)
    manual = Suppression.suppress("typo@example.com", Suppression.Reason.MANUAL)
    for url in (
        ACCESS_LOG,
        f"{ACCESS_LOG}inspect/{entry.pk}/",
        SUPPRESSIONS,
        f"{SUPPRESSIONS}new/",
        f"{SUPPRESSIONS}delete/{manual.pk}/",
    ):
        assert client.get(url).status_code in (302, 403), url
    client.post(f"{SUPPRESSIONS}delete/{manual.pk}/")
    client.post(f"{SUPPRESSIONS}new/", {"email": "x@example.com"})
    assert Suppression.objects.count() == 1
