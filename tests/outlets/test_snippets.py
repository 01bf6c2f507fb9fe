"""Outlet-scoped snippets (the test app's LocalOffer stands in for campaigns)."""

import pytest
from django.urls import reverse

from tests.testapp.models import LocalOffer


def offers(demo):
    return (
        LocalOffer.objects.create(title="Lille offer", outlet=demo.lille),
        LocalOffer.objects.create(title="Calanques offer", outlet=demo.marseille),
    )


CHOOSER = "wagtailsnippetchoosers_distmark_testapp_localoffer"
VIEWS = "wagtailsnippets_distmark_testapp_localoffer"


def test_chooser_offers_only_the_users_outlets_objects(login, demo):
    lille, marseille = offers(demo)
    client = login("lille-editor")
    for name in ("choose", "choose_results"):
        body = client.get(reverse(f"{CHOOSER}:{name}")).content.decode()
        assert "Lille offer" in body, name
        assert "Calanques" not in body, name
    chosen = reverse(f"{CHOOSER}:chosen", args=[marseille.pk])
    assert client.get(chosen).status_code == 404
    assert client.get(reverse(f"{CHOOSER}:chosen", args=[lille.pk])).status_code == 200
    multiple = client.get(
        reverse(f"{CHOOSER}:chosen_multiple"), {"id": [lille.pk, marseille.pk]}
    )
    assert "Calanques" not in multiple.content.decode()
    hq = login("hq").get(reverse(f"{CHOOSER}:choose")).content.decode()
    assert "Calanques offer" in hq


def test_object_views_of_another_outlets_object_answer_404_unnamed(login, demo):
    _lille, marseille = offers(demo)
    client = login("lille-manager")
    for name, args in (
        ("workflow_action", [marseille.pk, "approve", 1]),
        ("collect_workflow_action_data", [marseille.pk, "approve", 1]),
        ("confirm_workflow_cancellation", [marseille.pk]),
        ("edit", [marseille.pk]),
        ("history", [marseille.pk]),
    ):
        response = client.get(reverse(f"{VIEWS}:{name}", args=args))
        assert response.status_code == 404, name
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Calanques" not in dashboard


@pytest.fixture
def lille_editors_edit_offers(demo):
    """Model permissions a project would grant its outlets' editors."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(LocalOffer)
    demo.lille.editors_group.permissions.add(
        *Permission.objects.filter(
            content_type=content_type,
            codename__in=["add_localoffer", "change_localoffer"],
        )
    )


def offer_data(outlet, html="<p>Spring sale</p>", title="Lille offer"):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    return nested_form_data(
        {
            "title": title,
            "outlet": outlet.pk,
            "audience": "0",
            "body": streamfield([("text", rich_text(html))]),
        }
    )


def test_forms_offer_and_accept_only_the_users_outlets(
    login, demo, lille_editors_edit_offers
):
    lille, _marseille = offers(demo)
    client = login("lille-editor")
    for url in (
        reverse(f"{VIEWS}:add"),
        reverse(f"{VIEWS}:edit", args=[lille.pk]),
    ):
        body = client.get(url).content.decode()
        assert "Lille Centre" in body, url
        assert "Marseille" not in body and "Gent" not in body, url
    response = client.post(
        reverse(f"{VIEWS}:add"), offer_data(demo.marseille, title="Sneaky")
    )
    assert response.status_code == 200
    assert "outlet" in response.context["form"].errors
    assert not LocalOffer.objects.filter(title="Sneaky").exists()
    response = client.post(
        reverse(f"{VIEWS}:edit", args=[lille.pk]), offer_data(demo.marseille)
    )
    assert response.status_code == 200
    lille.refresh_from_db()
    assert lille.outlet == demo.lille


def test_another_outlets_items_are_refused_and_not_shown_again(
    login, demo, lille_editors_edit_offers, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    settings.MEDIA_ROOT = tmp_path
    theirs = get_document_model().objects.create(
        title="Calanques secret prices",
        file=ContentFile(b"%PDF-1.4 secret", name="calanques-secret-prices.pdf"),
        collection=demo.marseille.collection,
    )
    their_page = Page.objects.get(pk=demo.marseille.home_page_id)
    lille, _marseille = offers(demo)
    client = login("lille-editor")
    for link in (
        f'<a linktype="document" id="{theirs.pk}">the prices</a>',
        f'<a linktype="page" id="{their_page.pk}">the prices</a>',
    ):
        for url in (
            reverse(f"{VIEWS}:add"),
            reverse(f"{VIEWS}:edit", args=[lille.pk]),
        ):
            response = client.post(url, offer_data(demo.lille, f"<p>See {link}</p>"))
            assert response.status_code == 200, url
            errors = " ".join(response.context["form"].errors.get("body", []))
            assert "not available" in errors, url
            html = response.content.decode()
            for secret in ("Calanques", "calanques-secret", their_page.url):
                assert secret not in html, (url, secret)
            assert "See the prices" in html
    assert LocalOffer.objects.count() == 2
    lille.refresh_from_db()
    assert lille.latest_revision is None
