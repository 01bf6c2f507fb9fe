"""merge_template: HQ's live template plus one outlet page's overrides."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.merge import (
    FROM_HQ,
    FROM_OUTLET,
    HIDDEN,
    REMOVED,
    RETYPED,
    RULES_CHANGED,
    STALE,
    merge_template,
)
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.inheritance.overrides import make_override


@pytest.fixture
def template(demo):
    return TemplatePage.objects.get(slug=spring.SPRING_SLUG)


def override_for(template, block_id, hidden=False, **values):
    merged = merge_template(template, {}).by_id(block_id)
    return make_override(merged, values, hidden=hidden)


def republish(template, mutate):
    body = copy.deepcopy(list(template.body.raw_data))
    mutate(body)
    template.body = body
    template.save_revision().publish()
    return TemplatePage.objects.get(pk=template.pk)


def block_value(body, block_id):
    return next(child for child in body if child["id"] == block_id)["value"]


def test_without_overrides_every_block_is_hqs(template):
    merge = merge_template(template, {})
    assert [m.state for m in merge.blocks] == [FROM_HQ] * 7
    assert merge.stale == []
    assert [m.id for m in merge.blocks] == [
        spring.HERO_ID,
        spring.BRAND_TEXT_ID,
        spring.PROMOTION_ID,
        spring.EVENT_ID,
        spring.OUTLET_INFO_ID,
        spring.SIGNATURE_ID,
        spring.LOCAL_ZONE_ID,
    ]


def test_open_fields_take_the_outlets_value_and_the_rest_stays_hqs(template):
    overrides = {
        spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="Ours")
    }
    hero = merge_template(template, overrides).by_id(spring.HERO_ID)
    assert hero.state == FROM_OUTLET
    assert hero.raw["subtitle"] == "Ours"
    assert hero.raw["title"] == "Spring is here"
    assert hero.overridden_fields == ("subtitle",)


def test_a_value_for_a_closed_field_is_never_shown(template):
    override = override_for(template, spring.HERO_ID, subtitle="Ours")
    override["values"]["title"] = "Closing down"
    hero = merge_template(template, {spring.HERO_ID: override}).by_id(spring.HERO_ID)
    assert hero.raw["title"] == "Spring is here"


def test_optional_blocks_can_be_hidden_and_locked_ones_cannot(template):
    signature = override_for(template, spring.SIGNATURE_ID, hidden=True)
    brand = {"type": "rich_text", "hidden": True, "values": {}}
    merge = merge_template(
        template, {spring.SIGNATURE_ID: signature, spring.BRAND_TEXT_ID: brand}
    )
    assert merge.by_id(spring.SIGNATURE_ID).state == HIDDEN
    assert merge.by_id(spring.BRAND_TEXT_ID).state != HIDDEN
    shown = [child.id for child in merge.stream_value]
    assert spring.SIGNATURE_ID not in shown
    assert spring.BRAND_TEXT_ID in shown


def test_hq_changing_a_locked_block_shows_at_once_without_touching_outlets(template):
    overrides = {
        spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="Ours")
    }
    template = republish(
        template,
        lambda body: block_value(body, spring.HERO_ID).update(title="Spring is back"),
    )
    hero = merge_template(template, overrides).by_id(spring.HERO_ID)
    assert hero.raw["title"] == "Spring is back"
    assert hero.raw["subtitle"] == "Ours"
    assert hero.state == FROM_OUTLET


def test_hq_changing_an_unoverridden_default_shows_the_new_default(template):
    template = republish(
        template,
        lambda body: block_value(body, spring.PROMOTION_ID).update(discount_percent=12),
    )
    promotion = merge_template(template, {}).by_id(spring.PROMOTION_ID)
    assert promotion.raw["discount_percent"] == 12


def test_changed_bounds_make_the_override_stale_and_hqs_value_shown(template):
    overrides = {
        spring.PROMOTION_ID: override_for(
            template, spring.PROMOTION_ID, discount_percent=18
        )
    }
    template = republish(
        template,
        lambda body: block_value(body, spring.PROMOTION_ID).update(max_discount=15),
    )
    merge = merge_template(template, overrides)
    promotion = merge.by_id(spring.PROMOTION_ID)
    assert promotion.state == STALE
    assert promotion.stale_reason == RULES_CHANGED
    assert promotion.raw["discount_percent"] == 10
    # Kept, for the outlet to review.
    assert merge.stale[0].override["values"] == {"discount_percent": 18}


def test_deleted_and_retyped_blocks_leave_stale_overrides(template):
    overrides = {
        spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="Ours"),
        spring.EVENT_ID: override_for(template, spring.EVENT_ID, date="2027-04-10"),
    }

    def mutate(body):
        body[:] = [child for child in body if child["id"] != spring.HERO_ID]
        event = next(child for child in body if child["id"] == spring.EVENT_ID)
        event["type"] = "rich_text"
        event["value"] = {
            "content": "<p>No event this year</p>",
            "local_policy": "locked",
        }

    merge = merge_template(republish(template, mutate), overrides)
    reasons = {stale.id: stale.reason for stale in merge.stale}
    assert reasons == {spring.EVENT_ID: RETYPED, spring.HERO_ID: REMOVED}
    assert merge.by_id(spring.EVENT_ID).raw["content"] == "<p>No event this year</p>"


def test_no_template_means_nothing_shown_and_everything_stale(template):
    overrides = {spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="x")}
    merge = merge_template(None, overrides)
    assert merge.blocks == []
    assert [stale.reason for stale in merge.stale] == [REMOVED]


def test_rendering_queries_do_not_grow_with_the_number_of_blocks(template, demo):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    images = [
        Image.objects.create(title=f"Photo {i}", file=get_test_image_file())
        for i in range(2)
    ]

    def gallery(n):
        return {
            "type": "gallery",
            "id": f"0d9c8a2e-3333-4333-8333-{n:012d}",
            "value": {
                "heading": "",
                "images": [
                    {
                        "type": "item",
                        "value": {"image": images[n % 2].pk, "caption": ""},
                    }
                ],
                "local_policy": "locked",
            },
        }

    def queries_for(count):
        template.body = [gallery(n) for n in range(count)]
        merge = merge_template(template, {})
        with CaptureQueriesContext(connection) as captured:
            for child in merge.stream_value:
                child.render()
        return len(captured)

    assert queries_for(2) == queries_for(8)


def zone_override(template, *block_types):
    """Lille's local zone holding one block of each of ``block_types``."""
    blocks = [
        {
            "type": block_type,
            "id": f"0d9c8a2e-4444-4444-8444-{n:012d}",
            "value": (
                "<p>Braderie this Saturday</p>"
                if block_type == "rich_text"
                else {"label": "Book", "link": "https://example.com/"}
            ),
        }
        for n, block_type in enumerate(block_types)
    ]
    return {
        spring.LOCAL_ZONE_ID: override_for(
            template, spring.LOCAL_ZONE_ID, blocks=blocks
        )
    }


def zone_update(**settings):
    return lambda body: block_value(body, spring.LOCAL_ZONE_ID).update(settings)


@pytest.mark.parametrize(
    "widening",
    [
        pytest.param(
            zone_update(allowed_blocks=["rich_text", "call_to_action", "image"]),
            id="an allowed block type added",
        ),
        pytest.param(zone_update(allowed_blocks=[]), id="every block type allowed"),
        pytest.param(zone_update(max_blocks=10), id="a higher maximum"),
        pytest.param(zone_update(heading="Our news"), id="HQ's own content"),
    ],
)
def test_widening_a_local_zone_keeps_the_outlets_blocks_shown(template, widening):
    overrides = zone_override(template, "rich_text")
    merge = merge_template(republish(template, widening), overrides)
    zone = merge.by_id(spring.LOCAL_ZONE_ID)
    assert merge.stale == []
    assert zone.state == FROM_OUTLET
    assert zone.raw["blocks"][0]["value"] == "<p>Braderie this Saturday</p>"


@pytest.mark.parametrize(
    "narrowing",
    [
        pytest.param(zone_update(allowed_blocks=["call_to_action"]), id="type gone"),
        pytest.param(zone_update(max_blocks=1), id="a lower maximum"),
    ],
)
def test_narrowing_a_local_zone_below_the_outlets_blocks_makes_them_stale(
    template, narrowing
):
    overrides = zone_override(template, "rich_text", "call_to_action")
    merge = merge_template(republish(template, narrowing), overrides)
    zone = merge.by_id(spring.LOCAL_ZONE_ID)
    assert zone.state == STALE
    assert zone.stale_reason == RULES_CHANGED
    assert zone.raw["blocks"] == []  # HQ's default content is shown meanwhile


@pytest.mark.parametrize(
    "bounds",
    [
        pytest.param({"max_discount": 25}, id="a higher maximum"),
        pytest.param({"min_discount": 0}, id="a lower minimum"),
        pytest.param({"max_discount": 18}, id="narrowed but still around it"),
    ],
)
def test_bounds_that_still_hold_the_outlets_discount_keep_it_shown(template, bounds):
    overrides = {
        spring.PROMOTION_ID: override_for(
            template, spring.PROMOTION_ID, discount_percent=18
        )
    }
    template = republish(
        template, lambda body: block_value(body, spring.PROMOTION_ID).update(bounds)
    )
    promotion = merge_template(template, overrides).by_id(spring.PROMOTION_ID)
    assert promotion.state == FROM_OUTLET
    assert promotion.raw["discount_percent"] == 18


def test_a_policy_change_that_keeps_the_field_open_keeps_the_value(template):
    overrides = {
        spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="Ours")
    }
    template = republish(
        template,
        lambda body: block_value(body, spring.HERO_ID).update(
            local_policy="required", open_fields=["subtitle", "image"]
        ),
    )
    hero = merge_template(template, overrides).by_id(spring.HERO_ID)
    assert hero.state == FROM_OUTLET
    assert hero.raw["subtitle"] == "Ours"


def test_closing_a_field_or_locking_a_hidden_block_makes_it_stale(template):
    overrides = {
        spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="Ours"),
        spring.SIGNATURE_ID: override_for(template, spring.SIGNATURE_ID, hidden=True),
    }

    def mutate(body):
        block_value(body, spring.HERO_ID).update(open_fields=["image"])
        block_value(body, spring.SIGNATURE_ID).update(local_policy="locked")

    merge = merge_template(republish(template, mutate), overrides)
    assert merge.by_id(spring.HERO_ID).state == STALE
    assert merge.by_id(spring.SIGNATURE_ID).state == STALE
    assert merge.by_id(spring.HERO_ID).raw["subtitle"] == (
        "Fresh ideas for your home, in every store"
    )


def test_deciding_staleness_loads_no_image(template, demo):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Spring", file=get_test_image_file())
    overrides = {
        spring.HERO_ID: override_for(template, spring.HERO_ID, subtitle="Ours"),
        **zone_override(template, "rich_text"),
    }

    def mutate(body):
        block_value(body, spring.HERO_ID).update(image=image.pk)
        block_value(body, spring.LOCAL_ZONE_ID).update(max_blocks=4)

    template = republish(template, mutate)
    with CaptureQueriesContext(connection) as captured:
        merge = merge_template(template, overrides)
    assert len(captured) == 0
    assert merge.stale == []
