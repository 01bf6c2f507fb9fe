"""DistributableBlock: HQ's policy per block instance, and what it opens."""

import pytest
from wagtail import blocks

from wagtail_distmark.blocks.base import (
    EDITABLE,
    LOCKED,
    OPTIONAL,
    REQUIRED,
    DistributableBlock,
    LocalZoneBlock,
    distributable,
    local_error,
)
from wagtail_distmark.blocks.library import EventBlock, HeroBlock, PromotionBlock


def raw(block, **values):
    return block.get_prep_value(block.to_python(values))


def test_policy_and_open_fields_live_in_the_settings_area():
    hero = HeroBlock()
    layout = hero.meta.form_layout
    assert layout.settings[:2] == ["local_policy", "open_fields"]
    assert "title" in layout.children
    assert hero.child_blocks["open_fields"].field.choices == [
        (name, hero.child_blocks[name].label) for name in hero.content_names
    ]


def test_hq_only_settings_are_never_open_to_outlets():
    promotion = PromotionBlock()
    assert "min_discount" not in promotion.local_field_names
    value = raw(promotion, local_policy=EDITABLE, open_fields=[])
    assert "max_discount" not in promotion.open_field_names(value)


@pytest.mark.parametrize(
    ("policy", "open_fields", "expected"),
    [
        (LOCKED, ["subtitle"], ()),
        (OPTIONAL, ["subtitle"], ()),
        (EDITABLE, ["subtitle"], ("subtitle",)),
        (REQUIRED, [], ("title", "subtitle", "image", "cta_label", "cta_link")),
        ("made-up", ["subtitle"], ()),
    ],
)
def test_open_fields_follow_the_policy(policy, open_fields, expected):
    hero = HeroBlock()
    value = {"local_policy": policy, "open_fields": open_fields}
    assert hero.open_field_names(value) == expected


def test_only_optional_blocks_can_be_hidden():
    hero = HeroBlock()
    assert hero.is_hidable({"local_policy": OPTIONAL})
    assert not hero.is_hidable({"local_policy": REQUIRED})


def test_an_override_fits_until_hqs_rules_exclude_it():
    promotion = PromotionBlock()
    base = raw(
        promotion,
        title="Sale",
        description="x",
        discount_percent=10,
        local_policy=EDITABLE,
        open_fields=["discount_percent"],
    )
    override = {"type": "promotion", "values": {"discount_percent": 18}}
    assert promotion.override_fits_rules(base, override)
    assert promotion.override_fits_rules({**base, "title": "Other"}, override)
    assert promotion.override_fits_rules({**base, "max_discount": 40}, override)
    assert promotion.override_fits_rules({**base, "local_policy": REQUIRED}, override)
    assert not promotion.override_fits_rules({**base, "max_discount": 15}, override)
    assert not promotion.override_fits_rules({**base, "local_policy": LOCKED}, override)
    assert not promotion.override_fits_rules(
        {**base, "open_fields": ["title"]}, override
    )
    hidden = {"type": "promotion", "values": {}, "hidden": True}
    assert not promotion.override_fits_rules(base, hidden)
    assert promotion.override_fits_rules({**base, "local_policy": OPTIONAL}, hidden)


def test_required_block_needs_its_required_open_fields_or_any_optional_one():
    event = EventBlock()
    value = {"local_policy": REQUIRED, "open_fields": ["date", "time"]}
    assert event.missing_required_fields(value, filled=()) == ("date",)
    assert event.missing_required_fields(value, filled=("date",)) == ()
    hero = HeroBlock()
    optional_only = {"local_policy": REQUIRED, "open_fields": ["subtitle", "image"]}
    assert hero.missing_required_fields(optional_only, filled=()) == (
        "subtitle",
        "image",
    )
    assert hero.missing_required_fields(optional_only, filled=("image",)) == ()


def test_hq_may_leave_a_required_blocks_open_fields_empty():
    event = EventBlock()
    value = event.to_python(
        {
            "title": "Open day",
            "date": None,
            "local_policy": REQUIRED,
            "open_fields": ["date"],
        }
    )
    assert event.clean(value)["title"] == "Open day"
    # Locked or editable, HQ's own value must be complete.
    value = event.to_python(
        {"title": "Open day", "date": None, "local_policy": EDITABLE}
    )
    with pytest.raises(blocks.StructBlockValidationError) as excinfo:
        event.clean(value)
    assert "date" in excinfo.value.block_errors
    # Fields that stay HQ's are checked even in a required block.
    value = event.to_python(
        {"title": "", "date": None, "local_policy": REQUIRED, "open_fields": ["date"]}
    )
    with pytest.raises(blocks.StructBlockValidationError) as excinfo:
        event.clean(value)
    assert set(excinfo.value.block_errors) == {"title"}


def test_any_block_can_be_wrapped():
    notice = distributable(blocks.TextBlock(), label="Notice")
    assert isinstance(notice, DistributableBlock)
    assert notice.content_names == ("content",)
    # One field: nothing for HQ to choose.
    assert "open_fields" not in notice.child_blocks
    value = notice.to_python({"content": "Closed on Monday", "local_policy": LOCKED})
    assert notice.render(value).strip() == "Closed on Monday"


def test_local_zone_offers_only_what_hq_allows():
    zone = LocalZoneBlock(
        [("text", blocks.CharBlock()), ("number", blocks.IntegerBlock())]
    )
    hq_value = {"allowed_blocks": ["text"], "max_blocks": 1, "local_policy": EDITABLE}
    assert list(zone.local_stream_block(hq_value).child_blocks) == ["text"]
    merged = zone.to_python(
        {
            **hq_value,
            "blocks": [{"type": "number", "value": 3}, {"type": "text", "value": "a"}],
        }
    )
    with pytest.raises(blocks.StructBlockValidationError) as excinfo:
        zone.clean_local(zone.to_python(hq_value), merged)
    message = str(excinfo.value.block_errors["blocks"].messages)
    assert "number" in message
    merged = zone.to_python(
        {
            **hq_value,
            "blocks": [{"type": "text", "value": "a"}, {"type": "text", "value": "b"}],
        }
    )
    with pytest.raises(blocks.StructBlockValidationError) as excinfo:
        zone.clean_local(zone.to_python(hq_value), merged)
    assert "At most 1" in str(excinfo.value.block_errors["blocks"].messages)


def test_a_required_field_hq_filled_in_may_be_kept():
    event = EventBlock()
    value = {
        "local_policy": REQUIRED,
        "open_fields": ["date"],
        "date": "2027-05-01",
    }
    assert event.missing_required_fields(value, filled=()) == ()


def test_an_override_is_rechecked_when_hq_changes_what_clean_local_reads():
    class PricedBlock(DistributableBlock):
        price = blocks.IntegerBlock()
        name = blocks.CharBlock()

        class Meta:
            local_fields = ("price",)

        def clean_local(self, hq_value, value):
            if abs(value["price"] - hq_value["price"]) > 2:
                raise local_error(price="Too far from HQ's price.")
            return value

    block = PricedBlock()
    base = {"price": 8, "name": "Wine", "local_policy": EDITABLE}
    override = {"type": "priced", "values": {"price": 9}}
    assert block.override_fits_rules({**base, "name": "Beer"}, override)
    assert block.override_fits_rules({**base, "price": 10}, override)
    assert not block.override_fits_rules({**base, "price": 12}, override)


def test_hqs_multiple_choice_settings_are_checkboxes_in_the_template_editor(
    client, demo
):
    """A native multi-select drops every other choice on a plain click."""
    from html import unescape

    from wagtail_distmark.inheritance import demo as spring
    from wagtail_distmark.inheritance.models import TemplatePage

    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    client.force_login(demo.users["hq"])
    page = client.get(f"/admin/pages/{template.pk}/edit/").content.decode()
    # The block definitions travel as telepath JSON (in an HTML attribute),
    # widget HTML included.
    html = unescape(page)
    assert 'type=\\"checkbox\\" name=\\"__NAME__\\" value=\\"call_to_action\\"' in html
    assert 'type=\\"checkbox\\" name=\\"__NAME__\\" value=\\"subtitle\\"' in html
    assert "select multiple" not in html
