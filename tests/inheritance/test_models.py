"""Outlet pages as the public, search and the reference index see them."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import ReferenceIndex

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.merge import merge_template
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage
from wagtail_distmark.inheritance.overrides import make_override

from .editing import spring_page


@pytest.fixture
def template(demo):
    return TemplatePage.objects.get(slug=spring.SPRING_SLUG)


def customise(page, block_id, **values):
    merged = merge_template(page.hq_template, {}).by_id(block_id)
    page.overrides = {**page.overrides, block_id: make_override(merged, values)}
    return page


def publish(page):
    page.save_revision().publish()
    return LocalPage.objects.get(pk=page.pk)


def test_the_public_page_shows_hqs_template_with_the_outlets_values(demo, client):
    page = spring_page(demo.lille)
    customise(page, spring.HERO_ID, subtitle="Braderie special")
    customise(page, spring.EVENT_ID, date="2027-04-10")
    publish(page)
    html = client.get(
        "/spring-promotion/", HTTP_HOST="lille.localhost"
    ).content.decode()
    assert "Spring is here" in html
    assert "Braderie special" in html
    assert "12 rue Esquermoise" in html  # outlet info, from Lille's profile
    assert '<html lang="fr"' in html


def test_publishing_the_template_changes_live_outlet_pages_without_writing_them(
    demo, client, template
):
    page = publish(
        customise(spring_page(demo.lille), spring.EVENT_ID, date="2027-04-10")
    )
    revision_count = page.revisions.count()
    body = list(template.body.raw_data)
    for child in body:
        if child["id"] == spring.BRAND_TEXT_ID:
            child["value"]["content"] = "<p>New brand promise</p>"
    template.body = body
    template.save_revision().publish()

    html = client.get(
        "/spring-promotion/", HTTP_HOST="lille.localhost"
    ).content.decode()
    assert "New brand promise" in html
    assert page.revisions.count() == revision_count


def test_model_validation_refuses_values_hq_did_not_open(demo):
    page = spring_page(demo.lille)
    customise(page, spring.PROMOTION_ID, discount_percent=15)
    page.overrides[spring.PROMOTION_ID]["values"]["title"] = "Everything must go"
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    assert "locked" in str(excinfo.value)

    page = spring_page(demo.lille)
    customise(page, spring.PROMOTION_ID, discount_percent=95)
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    assert "20" in str(excinfo.value)


def test_deleted_template_leaves_a_safe_page(demo, client, template):
    page = publish(
        customise(spring_page(demo.lille), spring.EVENT_ID, date="2027-04-10")
    )
    template.delete()
    page = LocalPage.objects.get(pk=page.pk)
    assert page.hq_template is None
    response = client.get("/spring-promotion/", HTTP_HOST="lille.localhost")
    assert response.status_code == 200
    assert "data-dm-template-missing" in response.content.decode()
    # The outlet's values are kept for re-linking.
    assert spring.EVENT_ID in page.overrides


def test_search_text_is_the_merged_content(demo):
    page = customise(
        spring_page(demo.lille), spring.HERO_ID, subtitle="Braderie de Lille"
    )
    text = page.merged_text()
    assert "Braderie de Lille" in text
    assert "Satisfied or refunded" in text


def test_an_image_chosen_in_an_override_is_used_by_the_outlet_page(demo):
    image = Image.objects.create(title="Lille window", file=get_test_image_file())
    page = spring_page(demo.lille)
    customise(page, spring.EVENT_ID, date="2027-04-10")
    # Open the hero's image to outlets, then choose one.
    template = page.hq_template
    body = list(template.body.raw_data)
    for child in body:
        if child["id"] == spring.HERO_ID:
            child["value"]["open_fields"] = ["subtitle", "image"]
    template.body = body
    template.save_revision().publish()
    page = LocalPage.objects.get(pk=page.pk)
    customise(page, spring.HERO_ID, image=image.pk)
    page.save_revision().publish()

    ReferenceIndex.create_or_update_for_object(LocalPage.objects.get(pk=page.pk))
    usage = ReferenceIndex.get_references_to(image)
    assert [ref.object_id for ref in usage] == [str(page.pk)]
    assert usage.first().content_path == f"overrides.{spring.HERO_ID}.image"


def test_search_text_needs_no_query_per_image(demo, django_assert_num_queries):
    image = Image.objects.create(title="Window", file=get_test_image_file())
    page = spring_page(demo.lille)
    template = page.hq_template
    body = list(template.body.raw_data)
    body.append(
        {
            "type": "gallery",
            "id": "0d9c8a2e-5555-4555-8555-000000000001",
            "value": {
                "heading": "Our window display",
                "images": [
                    {"type": "item", "value": {"image": image.pk, "caption": "Tulips"}}
                ],
                "local_policy": "locked",
            },
        }
    )
    template.body = body
    page.hq_template = template
    page.refresh_merge()
    with django_assert_num_queries(0):
        text = page.merged_text()
    assert "Our window display" in text
    assert "Tulips" in text


def test_search_text_leaves_out_hqs_settings(demo):
    text = spring_page(demo.lille).merged_text()
    assert "Spring is here" in text
    assert "Editable" not in text
    assert "editable" not in text
