"""The image chooser, as outlets and HQ use it."""

import re

import pytest
from django.urls import reverse

from tests.media.assets import brand_image, days, image

pytestmark = pytest.mark.django_db


@pytest.fixture
def assets(demo):
    return {
        "brand": brand_image("Brand logo", hq_approved=True),
        "expired": brand_image("Expired visual", hq_approved=True, expires_on=days(-3)),
        "lille": image("Lille shop front", demo.lille.collection),
        "marseille": image("Marseille harbour", demo.marseille.collection),
    }


def chooser_titles(client):
    response = client.get(reverse("wagtailimages_chooser:choose"))
    assert response.status_code == 200
    return {image.title for image in response.context["results"]}


def test_lille_editor_chooses_brand_assets_and_lilles_photos_only(login, assets):
    titles = chooser_titles(login("lille-editor"))
    assert {"Brand logo", "Lille shop front"} <= titles
    assert not {"Expired visual", "Marseille harbour"} & titles


def test_hq_sees_every_asset_including_expired(login, assets):
    client = login("hq")
    assert {
        "Brand logo",
        "Expired visual",
        "Lille shop front",
        "Marseille harbour",
    } <= (chooser_titles(client))


def test_a_local_editor_cannot_change_or_delete_a_brand_asset(login, assets):
    client = login("lille-editor")
    logo = assets["brand"]
    for url in (
        reverse("wagtailimages:edit", args=[logo.pk]),
        reverse("wagtailimages:delete", args=[logo.pk]),
    ):
        response = client.post(url, {"title": "Hijacked"})
        assert response.status_code in (302, 403)
    logo.refresh_from_db()
    assert logo.title == "Brand logo"


def test_outlets_search_the_chooser(login, assets):
    # The chooser's search runs the hook's filters through the search backend.
    response = login("lille-editor").get(
        reverse("wagtailimages_chooser:choose"), {"q": "Brand"}
    )
    assert response.status_code == 200
    assert {image.title for image in response.context["results"]} == {"Brand logo"}
    response = login("lille-editor").get(
        reverse("wagtailimages_chooser:choose"), {"q": "visual"}
    )
    titles = {image.title for image in response.context["results"]}
    assert "Expired visual" not in titles
    assert "Spring 2026 campaign visual" in titles


# The dashboard's summary ---------------------------------------------------------

SUMMARY_COUNT = {
    "images": re.compile(r'href="/admin/images/">\s*([\d,]+) Images?\b'),
    "documents": re.compile(r'href="/admin/documents/">\s*([\d,]+) Documents?\b'),
}


def dashboard_count(client, what):
    html = client.get("/admin/").content.decode()
    match = SUMMARY_COUNT[what].search(html)
    return int(match.group(1).replace(",", "")) if match else None


def listing_count(client, what):
    response = client.get(f"/admin/{what}/")
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


@pytest.mark.parametrize("username", ["lille-editor", "gent-editor", "hq"])
def test_the_dashboard_counts_the_images_the_listing_shows(login, assets, username):
    client = login(username)
    shown = listing_count(client, "images")
    assert dashboard_count(client, "images") == shown
    if username == "gent-editor":
        # Brand images are chosen from the brand library, not listed as theirs.
        assert shown == 0


@pytest.mark.parametrize("username", ["lille-editor", "gent-editor", "hq"])
def test_the_dashboard_counts_the_documents_the_listing_shows(login, username):
    client = login(username)
    assert dashboard_count(client, "documents") == listing_count(client, "documents")
