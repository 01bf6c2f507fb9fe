"""The brand library in Chromium: lille-editor chooses a brand image.

HQ lets outlets add images in the Spring promotion's local zone; lille-editor
inserts one and opens Wagtail's image chooser: it offers the brand library's
usable assets and Lille's own photo, never Marseille's photo nor the visual
whose usage rights expired. The chosen brand logo is saved on Lille's page.
"""

import copy

import pytest
from playwright.sync_api import expect

from tests.browser.forms import set_date
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage

pytestmark = pytest.mark.browser


def allow_images_in_local_zone():
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"].append("image")
    template.body = body
    template.save_revision().publish()


def test_lille_editor_chooses_a_brand_image(admin_login, live_demo):
    from wagtail.images import get_image_model

    allow_images_in_local_zone()
    lille_page = LocalPage.objects.get(
        outlet=live_demo.lille, hq_template__slug=spring.SPRING_SLUG
    )
    logo = get_image_model().objects.get(title="Brand logo")

    page = admin_login("lille-editor")
    page.goto(f"{live_demo.url}/admin/pages/{lille_page.pk}/edit/")
    zone = page.locator(f'[data-dm-overrides] [data-dm-block="{spring.LOCAL_ZONE_ID}"]')
    zone.locator(".c-sf-add-button").click()
    page.get_by_role("option", name="Image").click()
    zone.get_by_role("button", name="Choose an image").click()

    modal = page.locator(".modal")
    expect(modal).to_contain_text("Brand logo")
    expect(modal).to_contain_text("Spring 2026 campaign visual")
    expect(modal).to_contain_text("Store front — Lille Centre")
    expect(modal).not_to_contain_text("Marseille")
    expect(modal).not_to_contain_text("Spring 2025 campaign visual")
    modal.get_by_role("link", name="Brand logo").click()
    expect(modal).to_have_count(0)
    expect(zone).to_contain_text("Brand logo")

    set_date(page, f"#overrides-v-{spring.EVENT_ID}-date", "2027-04-10")
    with page.expect_navigation():
        page.locator("footer").get_by_role(
            "button", name="Save draft", exact=True
        ).click()
    expect(page.locator(".messages .success")).to_contain_text("has been updated")
    overrides = (
        LocalPage.objects.get(pk=lille_page.pk)
        .get_latest_revision_as_object()
        .overrides
    )
    blocks = overrides[spring.LOCAL_ZONE_ID]["values"]["blocks"]
    assert [block["value"]["image"] for block in blocks] == [logo.pk]
