"""Wagtail's media screens as local users reach them: the admin API, tags."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from tests.media.assets import brand_image, days, image


@pytest.fixture
def media(demo):
    marseille = image("Calanques sunset", demo.marseille.collection)
    marseille.tags.add("calanques")
    lille = image("Lille store front", demo.lille.collection)
    lille.tags.add("vitrine")
    brand = brand_image("Spring visual 2027", hq_approved=True)
    expired = brand_image("Old visual", hq_approved=True, expires_on=days(-1))
    Document = get_document_model()
    marseille_doc = Document.objects.create(
        title="Calanques price list",
        file=ContentFile(b"%PDF-1.4", name="calanques.pdf"),
        collection=demo.marseille.collection,
    )
    lille_doc = Document.objects.create(
        title="Lille price list",
        file=ContentFile(b"%PDF-1.4", name="lille.pdf"),
        collection=demo.lille.collection,
    )
    return {
        "marseille": marseille,
        "lille": lille,
        "brand": brand,
        "expired": expired,
        "marseille_doc": marseille_doc,
        "lille_doc": lille_doc,
    }


def titles(response):
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager", "north-manager"])
def test_admin_api_lists_only_the_images_the_user_may_choose(login, media, username):
    client = login(username)
    listed = titles(client.get("/admin/api/main/images/?limit=20"))
    assert {"Lille store front", "Spring visual 2027"} <= listed
    assert "Calanques sunset" not in listed
    assert "Old visual" not in listed  # expired rights: not choosable
    searched = titles(client.get("/admin/api/main/images/?search=Calanques"))
    assert searched == set()


def test_admin_api_hides_other_outlets_media_by_id(login, media):
    client = login("lille-editor")
    for kind, obj in (
        ("images", media["marseille"]),
        ("documents", media["marseille_doc"]),
    ):
        assert client.get(f"/admin/api/main/{kind}/{obj.pk}/").status_code == 404
        assert (
            client.get(f"/admin/api/main/{kind}/find/?id={obj.pk}").status_code == 404
        )
    own = client.get(f"/admin/api/main/images/{media['lille'].pk}/")
    assert own.status_code == 200
    assert own.json()["title"] == "Lille store front"


def test_admin_api_lists_only_the_documents_the_user_may_choose(login, media):
    listed = titles(login("lille-editor").get("/admin/api/main/documents/"))
    assert "Lille price list" in listed
    assert "Calanques price list" not in listed


def test_hq_reads_the_whole_library_through_the_api(login, media):
    listed = titles(login("hq").get("/admin/api/main/images/?limit=20"))
    assert {"Calanques sunset", "Lille store front", "Old visual"} <= listed


def test_image_listing_and_chooser_offer_only_tags_of_visible_images(login, media):
    client = login("lille-manager")
    for url in (
        reverse("wagtailimages:index"),
        reverse("wagtailimages_chooser:choose"),
    ):
        body = client.get(url).content.decode()
        assert "vitrine" in body, url
        assert "calanques" not in body.lower(), url
    assert (
        "calanques" in login("hq").get(reverse("wagtailimages:index")).content.decode()
    )


def test_document_listing_offers_only_tags_of_visible_documents(login, media):
    media["marseille_doc"].tags.add("tarifs-marseille")
    media["lille_doc"].tags.add("tarifs")
    body = login("lille-manager").get(reverse("wagtaildocs:index")).content.decode()
    assert "tarifs" in body
    assert "tarifs-marseille" not in body


def test_chooser_answers_only_for_assets_the_user_may_choose(login, media):
    """Wagtail's collection permission lets the brand library's expired and
    unapproved assets through the chooser's "chosen" answers."""
    client = login("lille-editor")
    expired = media["expired"]
    for url in (
        reverse("wagtailimages_chooser:chosen", args=[expired.pk]),
        reverse("wagtailimages_chooser:select_format", args=[expired.pk]),
        reverse("wagtailimages_chooser:chosen_multiple") + f"?id={expired.pk}",
        reverse("wagtailimages_chooser:chosen", args=[media["marseille"].pk]),
        reverse("wagtaildocs_chooser:chosen", args=[media["marseille_doc"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    ok = client.get(reverse("wagtailimages_chooser:chosen", args=[media["brand"].pk]))
    assert ok.status_code == 200
    hq = login("hq").get(reverse("wagtailimages_chooser:chosen", args=[expired.pk]))
    assert hq.status_code == 200


def test_another_outlets_media_by_id_is_not_found_like_a_missing_id(login, media):
    """Wagtail answered 403 for an existing id and 404 for a missing one."""
    client = login("lille-manager")
    for name, obj in (
        ("wagtailimages:edit", media["marseille"]),
        ("wagtailimages:delete", media["marseille"]),
        ("wagtailimages:image_usage", media["marseille"]),
        ("wagtaildocs:edit", media["marseille_doc"]),
        ("wagtaildocs:document_usage", media["marseille_doc"]),
    ):
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404, name
    own = client.get(reverse("wagtailimages:edit", args=[media["lille"].pk]))
    assert own.status_code == 200
