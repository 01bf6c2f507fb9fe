"""The outlet page editor's widget: a refused form shows nothing of another outlet.

A value naming another outlet's image, document or page is refused on save;
the form shown again must not name that object either (its title, file name,
thumbnail or address), only say that a chosen item was not available.
"""

import copy

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage

from .editing import (
    edit_url,
    form_data,
    form_errors,
    local_zone_rich_text,
    spring_page,
    value_name,
)

ZONE = value_name(spring.LOCAL_ZONE_ID, "blocks")
NOT_AVAILABLE = "not available"


def latest(page):
    return LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lille_page(demo):
    return spring_page(demo.lille)


@pytest.fixture
def marseille_image(demo):
    return get_image_model().objects.create(
        title="Calanques secret visual",
        file=get_test_image_file(filename="calanques-secret.png"),
        collection=demo.marseille.collection,
    )


@pytest.fixture
def marseille_document(demo):
    return get_document_model().objects.create(
        title="Calanques secret prices",
        file=ContentFile(b"%PDF-1.4 secret", name="calanques-secret-prices.pdf"),
        collection=demo.marseille.collection,
    )


@pytest.fixture
def marseille_draft(demo):
    """A Marseille page never published: its title and address are Marseille's."""
    from wagtail.models import Page

    home = Page.objects.get(pk=demo.marseille.home_page_id)
    page = LocalPage.objects.get(outlet=demo.marseille)
    page = home.add_child(
        instance=LocalPage(
            title="Calanques secret sale",
            slug="calanques-secret-sale",
            outlet=demo.marseille,
            hq_template=page.hq_template,
            live=False,
        )
    )
    return page


def assert_not_shown(html, *secrets):
    for secret in secrets:
        assert secret not in html, f"{secret!r} shown to another outlet"


def allow_local_images():
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.HERO_ID:
            child["value"]["open_fields"] = ["subtitle", "image"]
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"] = ["rich_text", "image", "gallery"]
    template.body = body
    template.save_revision().publish()


def zone_error(response):
    return " ".join(form_errors(response)[(spring.LOCAL_ZONE_ID, "blocks")])


def test_another_outlets_image_in_the_hero_is_not_shown_again(
    login, demo, marseille_image
):
    allow_local_images()
    page = spring_page(demo.lille)
    response = login("lille-editor").post(
        edit_url(page),
        form_data(page, **{value_name(spring.HERO_ID, "image"): marseille_image.pk}),
    )
    assert response.status_code == 200
    errors = " ".join(form_errors(response)[(spring.HERO_ID, "image")])
    assert NOT_AVAILABLE in errors
    assert_not_shown(response.content.decode(), "Calanques", "calanques-secret")
    assert spring.HERO_ID not in latest(page).overrides


def test_another_outlets_image_in_the_local_zone_is_not_shown_again(
    login, demo, marseille_image
):
    allow_local_images()
    page = spring_page(demo.lille)
    data = form_data(
        page,
        **{
            f"{ZONE}-count": "1",
            f"{ZONE}-0-type": "image",
            f"{ZONE}-0-deleted": "",
            f"{ZONE}-0-order": "0",
            f"{ZONE}-0-id": "0d9c8a2e-2222-4222-8222-000000000001",
            f"{ZONE}-0-value-image": str(marseille_image.pk),
            f"{ZONE}-0-value-caption": "Our window",
        },
    )
    response = login("lille-editor").post(edit_url(page), data)
    assert response.status_code == 200
    assert NOT_AVAILABLE in zone_error(response)
    html = response.content.decode()
    assert_not_shown(html, "Calanques", "calanques-secret")
    # The rest of what the outlet wrote is kept.
    assert "Our window" in html
    assert spring.LOCAL_ZONE_ID not in latest(page).overrides


def test_another_outlets_image_in_a_gallery_is_taken_out_and_own_ones_kept(
    login, demo, marseille_image
):
    allow_local_images()
    page = spring_page(demo.lille)
    ours = get_image_model().objects.create(
        title="Lille shop window",
        file=get_test_image_file(filename="lille-window.png"),
        collection=demo.lille.collection,
    )
    images = f"{ZONE}-0-value-images"
    data = form_data(
        page,
        **{
            f"{ZONE}-count": "1",
            f"{ZONE}-0-type": "gallery",
            f"{ZONE}-0-deleted": "",
            f"{ZONE}-0-order": "0",
            f"{ZONE}-0-id": "0d9c8a2e-2222-4222-8222-000000000001",
            f"{ZONE}-0-value-heading": "Our spring",
            f"{images}-count": "2",
        },
    )
    for index, image in enumerate((ours, marseille_image)):
        data.update(
            {
                f"{images}-{index}-deleted": "",
                f"{images}-{index}-order": str(index),
                f"{images}-{index}-id": f"0d9c8a2e-3333-4333-8333-00000000000{index}",
                f"{images}-{index}-value-image": str(image.pk),
                f"{images}-{index}-value-caption": f"Caption {index}",
            }
        )
    response = login("lille-editor").post(edit_url(page), data)
    assert response.status_code == 200
    assert NOT_AVAILABLE in zone_error(response)
    html = response.content.decode()
    assert_not_shown(html, "Calanques", "calanques-secret")
    assert "Lille shop window" in html
    assert "Caption 1" in html  # the item stays, its image emptied
    assert spring.LOCAL_ZONE_ID not in latest(page).overrides


def test_a_link_to_another_outlets_document_is_not_shown_again(
    login, lille_page, marseille_document
):
    response = login("lille-editor").post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **local_zone_rich_text(
                "<p>Our prices: "
                f'<a linktype="document" id="{marseille_document.pk}">here</a></p>'
            ),
        ),
    )
    assert response.status_code == 200
    assert NOT_AVAILABLE in zone_error(response)
    html = response.content.decode()
    assert_not_shown(
        html, "Calanques", "calanques-secret", f"/documents/{marseille_document.pk}/"
    )
    # The text stays, without the link.
    assert "Our prices: here" in html
    assert spring.LOCAL_ZONE_ID not in latest(lille_page).overrides


def test_a_link_to_another_outlets_page_is_not_shown_again(
    login, lille_page, marseille_draft
):
    response = login("lille-editor").post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **local_zone_rich_text(
                f'<p>See <a linktype="page" id="{marseille_draft.pk}">the sale</a></p>'
            ),
        ),
    )
    assert response.status_code == 200
    assert NOT_AVAILABLE in zone_error(response)
    html = response.content.decode()
    assert_not_shown(html, "calanques-secret-sale", "Calanques", "marseille")
    assert "See the sale" in html
    assert spring.LOCAL_ZONE_ID not in latest(lille_page).overrides


def test_own_links_and_images_are_kept_when_another_field_is_refused(login, demo):
    """Only out-of-scope references are cleared: an own document stays linked
    in a form shown again for an unrelated error."""
    allow_local_images()
    page = spring_page(demo.lille)
    ours = get_document_model().objects.create(
        title="Lille opening flyer",
        file=ContentFile(b"%PDF-1.4", name="lille-flyer.pdf"),
        collection=demo.lille.collection,
    )
    data = form_data(
        page,
        **local_zone_rich_text(
            f'<p>Our <a linktype="document" id="{ours.pk}">flyer</a></p>'
        ),
    )
    data[value_name(spring.PROMOTION_ID, "discount_percent")] = "90"  # above HQ's
    response = login("lille-editor").post(edit_url(page), data)
    assert response.status_code == 200
    assert (spring.PROMOTION_ID, "discount_percent") in form_errors(response)
    assert f"/documents/{ours.pk}/lille-flyer.pdf" in response.content.decode()


def test_a_stale_zone_shows_the_earlier_blocks_in_full_with_a_way_to_reuse_them(
    login, lille_page
):
    """HQ lowers the zone's maximum below what Lille had: Lille reads its
    earlier text as it was shown and can put it back in the zone's field."""
    client = login("lille-editor")
    data = form_data(
        lille_page, **local_zone_rich_text("<p>Braderie this Saturday</p>")
    )
    data.update(
        {
            f"{ZONE}-count": "2",
            f"{ZONE}-1-type": "call_to_action",
            f"{ZONE}-1-deleted": "",
            f"{ZONE}-1-order": "1",
            f"{ZONE}-1-id": "0d9c8a2e-2222-4222-8222-000000000002",
            f"{ZONE}-1-value-label": "Book a visit",
            f"{ZONE}-1-value-link": "https://example.com/visit",
            f"{ZONE}-1-value-style": "primary",
        }
    )
    assert client.post(edit_url(lille_page), data).status_code == 302
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["max_blocks"] = 1
    template.body = body
    template.save_revision().publish()

    html = client.get(edit_url(lille_page)).content.decode()
    stale = html.split(f'data-dm-stale="{spring.LOCAL_ZONE_ID}"', 1)[1]
    earlier = stale.split("data-dm-earlier>", 1)[1].split("data-dm-preview", 1)[0]
    # Rendered as the page showed it, not "(your own content)".
    assert "<p>Braderie this Saturday</p>" in earlier
    assert "Book a visit" in earlier
    assert "(your own content)" not in html
    # The zone's field can take it back: its widget, filled with the earlier
    # blocks, waits behind the button.
    field = html.split(f'data-dm-name="{ZONE}"', 1)[1]
    assert "Reuse my earlier value" in field
    reusable = field.split("<template data-dm-earlier-widget>", 1)[1].split(
        "</template>", 1
    )[0]
    assert f'id="{ZONE}"' in reusable
    assert "Braderie this Saturday" in reusable
    assert "Book a visit" in reusable

    # Reused as it was, it still breaks HQ's new rule: refused, nothing saved.
    response = client.post(edit_url(lille_page), data)
    assert response.status_code == 200
    assert (spring.LOCAL_ZONE_ID, "blocks") in form_errors(response)
    assert (
        len(latest(lille_page).overrides[spring.LOCAL_ZONE_ID]["values"]["blocks"]) == 2
    )
    # Reused and adjusted (one block kept), it is saved and shown again.
    data[f"{ZONE}-1-deleted"] = "1"
    assert client.post(edit_url(lille_page), data).status_code == 302
    override = latest(lille_page).overrides[spring.LOCAL_ZONE_ID]
    assert [child["type"] for child in override["values"]["blocks"]] == ["rich_text"]
    assert latest(lille_page).merge.stale == []
