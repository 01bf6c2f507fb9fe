"""The outlet page editor, through Wagtail's real edit view."""

import json
import re

import pytest
from wagtail.test.utils.form_data import rich_text

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage

from .editing import edit_url, form_data, form_errors, spring_page, value_name

ZONE = value_name(spring.LOCAL_ZONE_ID, "blocks")


def latest(page):
    return LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()


@pytest.fixture
def lille_page(demo):
    return spring_page(demo.lille)


def test_editor_shows_locked_blocks_as_previews_and_open_fields_as_widgets(
    login, lille_page
):
    html = login("lille-editor").get(edit_url(lille_page)).content.decode()
    # HQ's locked brand text is shown in place, as a preview, with no input.
    assert "Satisfied or refunded" in html
    posted = set(
        re.findall(r'data-block[^>]*id="([^"]+)"|id="([^"]+)"[^>]*data-block', html)
    )
    widget_ids = {name for pair in posted for name in pair if name}
    assert widget_ids == {
        value_name(spring.HERO_ID, "subtitle"),
        value_name(spring.PROMOTION_ID, "discount_percent"),
        value_name(spring.EVENT_ID, "date"),
        value_name(spring.EVENT_ID, "time"),
        ZONE,
    }
    # Only the optional signature can be hidden; nothing can be added or moved.
    assert re.findall(r'name="(overrides-hide-[^"]+)"', html) == [
        f"overrides-hide-{spring.SIGNATURE_ID}"
    ]
    assert html.count('data-dm-source="hq"') == 5
    # The event date is required of the outlet; the hero says what stays HQ's.
    assert (
        '<strong>Date</strong> <span class="w-required-mark" data-dm-required' in html
    )
    assert '<strong>Time</strong> <span class="w-required-mark"' not in html
    assert "The other parts of this block are locked by HQ." in html


def test_saving_stores_only_what_differs_from_hq(login, lille_page):
    response = login("lille-editor").post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **{
                value_name(spring.HERO_ID, "subtitle"): "Lille’s spring fair",
                value_name(spring.PROMOTION_ID, "discount_percent"): "15",
            },
        ),
    )
    assert response.status_code == 302
    overrides = latest(lille_page).overrides
    assert set(overrides) == {spring.HERO_ID, spring.PROMOTION_ID}
    assert overrides[spring.HERO_ID]["values"] == {"subtitle": "Lille’s spring fair"}
    assert overrides[spring.PROMOTION_ID]["values"] == {"discount_percent": 15}
    # HQ's locked title is never copied into the outlet page.
    assert "Spring is here" not in str(overrides)


def test_editor_marks_the_outlets_values_and_offers_to_revert(login, lille_page):
    client = login("lille-editor")
    client.post(
        edit_url(lille_page),
        form_data(lille_page, **{value_name(spring.HERO_ID, "subtitle"): "Ours"}),
    )
    html = client.get(edit_url(lille_page)).content.decode()
    assert html.count('data-dm-source="outlet"') == 1
    revert = f"overrides-revert-{spring.HERO_ID}-subtitle"
    assert f'name="{revert}"' in html

    client.post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **{value_name(spring.HERO_ID, "subtitle"): "Ours", revert: "1"},
        ),
    )
    assert spring.HERO_ID not in latest(lille_page).overrides


def test_discount_outside_hqs_bounds_is_refused_and_nothing_saved(login, lille_page):
    before = latest(lille_page).overrides
    response = login("lille-editor").post(
        edit_url(lille_page),
        form_data(
            lille_page, **{value_name(spring.PROMOTION_ID, "discount_percent"): "90"}
        ),
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert "5" in " ".join(errors[(spring.PROMOTION_ID, "discount_percent")])
    assert "20" in " ".join(errors[(spring.PROMOTION_ID, "discount_percent")])
    assert latest(lille_page).overrides == before
    # The error is shown under the promotion's discount widget.
    assert "HQ allows discounts" in response.content.decode()


@pytest.mark.parametrize(
    "tampered",
    [
        # A value for HQ's locked brand text.
        {value_name(spring.BRAND_TEXT_ID, "content"): "<p>Cheaper elsewhere!</p>"},
        # A field HQ did not open in an editable block.
        {value_name(spring.HERO_ID, "title"): "Closing down sale"},
        # A block id that is not in the template.
        {value_name("0d9c8a2e-1111-4111-8111-111111111111", "content"): "x"},
        # Hiding a required block.
        {f"overrides-hide-{spring.EVENT_ID}": "1"},
        # The stored JSON itself.
        {"overrides": json.dumps({spring.BRAND_TEXT_ID: {"type": "rich_text"}})},
    ],
    ids=["locked-block", "closed-field", "foreign-block", "hide-required", "raw-json"],
)
def test_tampered_posts_are_refused_with_an_error(login, lille_page, tampered):
    before = latest(lille_page).overrides
    response = login("lille-editor").post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **{value_name(spring.HERO_ID, "subtitle"): "Changed as well"},
            **tampered,
        ),
    )
    assert response.status_code == 200
    assert "refused" in " ".join(form_errors(response)["field"])
    assert latest(lille_page).overrides == before


def test_required_event_date_blocks_publishing_but_not_drafts(login, lille_page):
    client = login("lille-manager")
    response = client.post(
        edit_url(lille_page), form_data(lille_page, **{"action-publish": "1"})
    )
    assert response.status_code == 200
    assert (spring.EVENT_ID, "date") in form_errors(response)
    assert not LocalPage.objects.get(pk=lille_page.pk).live

    # A draft may be saved without it.
    response = client.post(edit_url(lille_page), form_data(lille_page))
    assert response.status_code == 302

    response = client.post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **{
                value_name(spring.EVENT_ID, "date"): "2027-04-10",
                "action-publish": "1",
            },
        ),
    )
    assert response.status_code == 302
    page = LocalPage.objects.get(pk=lille_page.pk)
    assert page.live
    assert page.overrides[spring.EVENT_ID]["values"] == {"date": "2027-04-10"}


def test_overlong_and_script_values(login, lille_page, client):
    editor = login("lille-editor")
    response = editor.post(
        edit_url(lille_page),
        form_data(lille_page, **{value_name(spring.HERO_ID, "subtitle"): "x" * 161}),
    )
    assert response.status_code == 200
    assert (spring.HERO_ID, "subtitle") in form_errors(response)

    script = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    response = editor.post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **{
                value_name(spring.HERO_ID, "subtitle"): script,
                value_name(spring.EVENT_ID, "date"): "2027-04-10",
                "action-publish": "1",
            },
        ),
    )
    assert response.status_code == 302
    # An editor cannot publish (moderation does); the manager publishes it.
    manager = login("lille-manager")
    page = LocalPage.objects.get(pk=lille_page.pk)
    manager.post(
        edit_url(page),
        form_data(
            page,
            **{
                value_name(spring.HERO_ID, "subtitle"): script,
                value_name(spring.EVENT_ID, "date"): "2027-04-10",
                "action-publish": "1",
            },
        ),
    )
    html = client.get(
        "/spring-promotion/", HTTP_HOST="lille.localhost"
    ).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def zone_block(index, block_type, value):
    prefix = f"{ZONE}-{index}"
    return {
        f"{prefix}-type": block_type,
        f"{prefix}-deleted": "",
        f"{prefix}-order": str(index),
        f"{prefix}-id": f"0d9c8a2e-2222-4222-8222-00000000000{index}",
        f"{prefix}-value": value,
    }


def test_local_zone_takes_allowed_blocks_and_sanitises_rich_text(login, lille_page):
    response = login("lille-editor").post(
        edit_url(lille_page),
        form_data(
            lille_page,
            **{f"{ZONE}-count": "1"},
            **zone_block(
                0,
                "rich_text",
                rich_text(
                    '<p>Tasting on Saturday <a href="https://example.com">info</a></p>'
                ),
            ),
        ),
    )
    assert response.status_code == 302
    zone = latest(lille_page).overrides[spring.LOCAL_ZONE_ID]["values"]["blocks"]
    assert zone[0]["type"] == "rich_text"
    assert "Tasting on Saturday" in zone[0]["value"]


def test_local_zone_refuses_blocks_hq_did_not_allow(login, lille_page):
    event = {
        "title": "Tasting",
        "date": "2027-04-10",
        "time": "",
        "description": "",
    }
    data = form_data(lille_page, **{f"{ZONE}-count": "1"})
    prefix = f"{ZONE}-0"
    data.update(
        {
            f"{prefix}-type": "event",
            f"{prefix}-deleted": "",
            f"{prefix}-order": "0",
            f"{prefix}-id": "0d9c8a2e-2222-4222-8222-000000000009",
            **{f"{prefix}-value-{key}": value for key, value in event.items()},
        }
    )
    response = login("lille-editor").post(edit_url(lille_page), data)
    assert response.status_code == 200
    assert f"{ZONE}-0-type" in " ".join(form_errors(response)["field"])
    assert spring.LOCAL_ZONE_ID not in latest(lille_page).overrides


def test_another_outlets_editor_cannot_open_or_post_the_page(login, lille_page):
    client = login("marseille-editor")
    assert client.get(edit_url(lille_page)).status_code in (302, 403, 404)
    client.post(
        edit_url(lille_page),
        form_data(lille_page, **{value_name(spring.HERO_ID, "subtitle"): "Marseille"}),
    )
    assert spring.HERO_ID not in latest(lille_page).overrides


def open_hero_fields(*fields):
    from wagtail_distmark.inheritance.models import TemplatePage

    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = list(template.body.raw_data)
    for child in body:
        if child["id"] == spring.HERO_ID:
            child["value"]["open_fields"] = list(fields)
    template.body = body
    template.save_revision().publish()


def test_another_outlets_image_is_refused_and_an_own_one_accepted(login, demo):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    open_hero_fields("subtitle", "image")
    theirs = Image.objects.create(
        title="Marseille secret",
        file=get_test_image_file(),
        collection=demo.marseille.collection,
    )
    ours = Image.objects.create(
        title="Lille window",
        file=get_test_image_file(),
        collection=demo.lille.collection,
    )
    page = spring_page(demo.lille)
    client = login("lille-editor")
    image_field = value_name(spring.HERO_ID, "image")
    response = client.post(edit_url(page), form_data(page, **{image_field: theirs.pk}))
    assert response.status_code == 200
    # Not named, nor said to be another outlet's (tests/inheritance/test_widgets.py).
    assert "not available" in " ".join(form_errors(response)[(spring.HERO_ID, "image")])
    assert spring.HERO_ID not in latest(page).overrides

    response = client.post(edit_url(page), form_data(page, **{image_field: ours.pk}))
    assert response.status_code == 302
    assert latest(page).overrides[spring.HERO_ID]["values"]["image"] == ours.pk


def test_an_error_tied_to_a_locked_field_is_shown_on_the_block(login, lille_page):
    # HQ opens only the button link of a hero without a button text.
    open_hero_fields("cta_link")
    data = form_data(lille_page, **{value_name(spring.HERO_ID, "cta_link"): "/shop"})
    del data[value_name(spring.HERO_ID, "subtitle")]  # closed now
    response = login("lille-editor").post(edit_url(lille_page), data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors[(spring.HERO_ID, None)]
    assert (spring.HERO_ID, "cta_label") not in errors


@pytest.mark.parametrize(
    "crafted",
    [
        {f"{ZONE}-count": "abc"},
        {value_name(spring.PROMOTION_ID, "discount_percent"): "ten"},
        {f"{ZONE}-count": "1", **zone_block(0, "rich_text", "not json")},
    ],
    ids=["zone-count", "number", "rich-text"],
)
def test_malformed_posts_get_an_error_not_a_crash(login, lille_page, crafted):
    response = login("lille-editor").post(
        edit_url(lille_page), form_data(lille_page, **crafted)
    )
    assert response.status_code == 200
    assert form_errors(response)


def test_publishing_from_the_add_form_needs_the_required_blocks_first(login, demo):
    LocalPage.objects.filter(outlet=demo.lille).delete()
    from django.urls import reverse

    from wagtail_distmark.inheritance.models import TemplatePage

    add_url = reverse(
        "wagtailadmin_pages:add",
        args=["wagtail_distmark", "localpage", demo.lille.home_page_id],
    )
    data = {
        "title": "Spring",
        "slug": "spring",
        "hq_template": TemplatePage.objects.get(slug=spring.SPRING_SLUG).pk,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    client = login("lille-manager")
    response = client.post(add_url, {**data, "action-publish": "1"})
    assert response.status_code == 200
    assert "save a draft first" in str(response.context["form"].errors["hq_template"])
    assert not LocalPage.objects.filter(outlet=demo.lille).exists()
    response = client.post(add_url, data)
    assert response.status_code == 302
    assert not LocalPage.objects.get(outlet=demo.lille).live


def test_an_earlier_value_posted_again_is_checked_against_hqs_new_rules(
    login, lille_page
):
    """ "Reuse my earlier value" then Save: the value is refused with HQ's new
    bounds, not silently kept out of sight."""
    import copy

    from wagtail_distmark.inheritance.models import TemplatePage

    client = login("lille-editor")
    discount = value_name(spring.PROMOTION_ID, "discount_percent")
    client.post(edit_url(lille_page), form_data(lille_page, **{discount: "15"}))
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.PROMOTION_ID:
            child["value"]["max_discount"] = 12
    template.body = body
    template.save_revision().publish()

    response = client.post(
        edit_url(lille_page), form_data(lille_page, **{discount: "15"})
    )
    assert response.status_code == 200
    assert (
        "HQ allows discounts from 5 % to 12 %."
        in form_errors(response)[(spring.PROMOTION_ID, "discount_percent")]
    )
    # Left alone (HQ's value posted), it stays kept for review.
    assert client.post(edit_url(lille_page), form_data(lille_page)).status_code == 302
    assert latest(lille_page).overrides[spring.PROMOTION_ID]["values"] == {
        "discount_percent": 15
    }
