"""The brand compliance check on the assets an outlet used."""

import copy
import uuid

import pytest

from tests.media.assets import brand_image, days, image
from tests.workflows.flow import filled, result, spring_page, with_values
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.workflows.checks import run_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_zone(demo):
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"].append("image")
    template.body = body
    template.save_revision().publish()


def with_images(page, *images):
    blocks = [
        {
            "type": "image",
            "value": {"image": img.pk, "caption": ""},
            "id": str(uuid.uuid4()),
        }
        for img in images
    ]
    return with_values(page, spring.LOCAL_ZONE_ID, blocks=blocks)


def test_expired_and_unapproved_assets_are_findings(demo, image_zone):
    page = with_images(
        filled(spring_page(demo.lille)),
        brand_image("Logo", hq_approved=True),
        brand_image("Old campaign", hq_approved=True, expires_on=days(-1)),
        brand_image("Draft visual"),
        image("Lille shop front", demo.lille.collection),
    )
    assets = result(run_checks(page), "asset_rights")
    assert [str(f) for f in assets.findings] == [
        f"Local zone › Image: The usage rights of “Old campaign” expired on "
        f"{days(-1).isoformat()}.",
        "Local zone › Image: “Draft visual” is not approved by HQ for use.",
    ]


def test_a_submission_using_an_expired_asset_is_sent_back(demo, image_zone):
    editor = demo.users["lille-editor"]
    page = with_images(
        filled(spring_page(demo.lille)),
        brand_image("Old campaign", hq_approved=True, expires_on=days(-1)),
    )
    page.save_revision(user=editor, clean=False)
    state = page.get_workflow().start(page, editor)
    assert state.current_task_state.specific.status == "rejected"
    assert "“Old campaign” expired" in state.current_task_state.comment
