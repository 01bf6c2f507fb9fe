import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page
from wagtail.users.models import UserProfile

from tests.inheritance.editing import form_data, value_name
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage
from wagtail_distmark.outlets.models import OpeningHours, validate_timezone


def test_outlet_site_serves_its_home_page(client, demo):
    response = client.get("/", headers={"host": "lille.localhost"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Lille Centre</h1>" in body
    assert "12 rue Esquermoise" in body
    assert 'lang="fr"' in body
    response = client.get("/", headers={"host": "gent.localhost"})
    assert "<h1>Gent Korenmarkt</h1>" in response.content.decode()


def test_home_page_renders_in_constant_queries(
    client, demo, django_assert_max_num_queries
):
    # Once per process or image, not per view: Wagtail's site root paths and
    # the brand logo's rendition (created at its first view).
    client.get("/", headers={"host": "lille.localhost"})
    with django_assert_max_num_queries(12):
        client.get("/", headers={"host": "lille.localhost"})


def test_closing_time_must_follow_opening_time(demo):
    span = OpeningHours(
        outlet=demo.lille,
        weekday=0,
        opens=datetime.time(18),
        closes=datetime.time(9),
    )
    with pytest.raises(ValidationError) as excinfo:
        span.full_clean()
    assert "closes" in excinfo.value.message_dict


def test_time_zone_must_exist():
    validate_timezone("America/Toronto")
    with pytest.raises(ValidationError, match="Europe/Lile"):
        validate_timezone("Europe/Lile")


def test_home_page_knows_its_outlet(demo):
    assert demo.lille.home_page.specific.outlet == demo.lille


def test_home_page_speaks_the_outlets_language(client, demo):
    response = client.get(
        "/", headers={"host": "gent.localhost", "accept-language": "fr"}
    )
    body = response.content.decode()
    assert 'lang="nl"' in body
    assert "Openingstijden" in body


def test_home_page_introduction_refuses_off_site_links_when_saved(login, demo):
    """The outlet's introduction follows the one link policy in the editor."""
    from django.urls import reverse
    from wagtail.models import Page

    home = Page.objects.get(pk=demo.lille.home_page_id).specific
    before = home.latest_revision_id
    response = login("lille-editor").post(
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        {
            "title": home.title,
            "slug": home.slug,
            "intro": '{"blocks": [{"key": "a", "type": "unstyled", "depth": 0, '
            '"text": "Visit", "inlineStyleRanges": [], "entityRanges": '
            '[{"offset": 0, "length": 5, "key": 0}], "data": {}}], "entityMap": '
            '{"0": {"type": "LINK", "mutability": "MUTABLE", "data": '
            '{"url": "//evil.example/"}}}}',
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("intro", []))
    assert "//evil.example/" in errors
    home.refresh_from_db()
    assert home.latest_revision_id == before


def post_home_intro(client, home, html):
    from django.urls import reverse
    from wagtail.test.utils.form_data import rich_text

    return client.post(
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        {
            "title": home.title,
            "slug": home.slug,
            "intro": rich_text(html),
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
        },
    )


def test_home_page_introduction_refuses_another_outlets_items_unnamed(
    login, demo, settings, tmp_path
):
    """A link to another outlet's document or page is refused, and the form
    shown again names neither: the links are plain text there."""
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
    home = Page.objects.get(pk=demo.lille.home_page_id).specific
    before = home.latest_revision_id
    client = login("lille-editor")
    for link in (
        f'<a linktype="document" id="{theirs.pk}">our prices</a>',
        f'<a linktype="page" id="{their_page.pk}">our prices</a>',
    ):
        response = post_home_intro(client, home, f"<p>See {link}</p>")
        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors.get("intro", []))
        assert "not available" in errors
        html = response.content.decode()
        for secret in ("Calanques", "calanques-secret", "marseille", their_page.url):
            assert secret not in html, secret
        assert "See our prices" in html
    home.refresh_from_db()
    assert home.latest_revision_id == before


def test_home_page_introduction_links_the_outlets_own_document(
    login, demo, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    settings.MEDIA_ROOT = tmp_path
    ours = get_document_model().objects.create(
        title="Lille flyer",
        file=ContentFile(b"%PDF-1.4", name="lille-flyer.pdf"),
        collection=demo.lille.collection,
    )
    home = Page.objects.get(pk=demo.lille.home_page_id).specific
    response = post_home_intro(
        login("lille-editor"),
        home,
        f'<p>See <a linktype="document" id="{ours.pk}">our flyer</a></p>',
    )
    assert response.status_code == 302
    home.refresh_from_db()
    intro = home.get_latest_revision_as_object().intro
    assert f'<a linktype="document" id="{ours.pk}">our flyer</a>' in intro


def french_admin(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()


def test_home_page_preview_speaks_the_outlets_language_not_the_admins(login, demo):
    """north-manager works in French; Gent's home page previews in Dutch."""
    french_admin(demo.users["north-manager"])
    client = login("north-manager")
    home = Page.objects.get(pk=demo.gent.home_page_id).specific
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk])
    response = client.post(
        preview_url,
        {
            "title": home.title,
            "slug": home.slug,
            "intro": '{"blocks": [{"key": "a", "type": "unstyled", "depth": 0, '
            '"text": "Welkom op de Korenmarkt", "inlineStyleRanges": [], '
            '"entityRanges": [], "data": {}}], "entityMap": {}}',
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.json()["is_valid"]
    body = client.get(preview_url).content.decode()
    assert "Welkom op de Korenmarkt" in body
    assert 'lang="nl"' in body
    assert "Openingstijden" in body


def test_local_page_preview_speaks_the_outlets_language_not_the_admins(login, demo):
    """north-manager works in French; Gent's Spring promotion previews in Dutch."""
    french_admin(demo.users["north-manager"])
    client = login("north-manager")
    page = LocalPage.objects.get(outlet=demo.gent, hq_template__slug=spring.SPRING_SLUG)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = form_data(page, **{value_name(spring.EVENT_ID, "date"): "2027-04-10"})
    assert client.post(preview_url, data).json()["is_valid"]
    html = client.get(preview_url).content.decode()
    assert "10 april 2027" in html
    assert "avril" not in html
