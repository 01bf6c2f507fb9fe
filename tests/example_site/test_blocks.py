"""The project block example of docs/extending.md works end to end."""

from decimal import Decimal

import pytest

from wagtail_distmark.blocks.registry import template_block_types
from wagtail_distmark.inheritance.merge import merge_template
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.inheritance.overrides import clean_overrides, make_override
from wagtail_distmark.inheritance.services import ensure_template_library

OFFER_ID = "0d9c8a2e-4444-4444-8444-000000000001"
NOTICE_ID = "0d9c8a2e-4444-4444-8444-000000000002"


@pytest.fixture
def template(db):
    template = TemplatePage(
        title="Wine fair",
        slug="wine-fair",
        body=[
            {
                "type": "product_offer",
                "id": OFFER_ID,
                "value": {
                    "product": "Côtes du Rhône 2024",
                    "price": "8.00",
                    "max_change_percent": 10,
                    "local_policy": "editable",
                },
            },
            {
                "type": "notice",
                "id": NOTICE_ID,
                "value": {"content": "Drink responsibly.", "local_policy": "optional"},
            },
        ],
    )
    ensure_template_library().add_child(instance=template)
    template.save_revision().publish()
    return TemplatePage.objects.get(pk=template.pk)


def offer_override(template, price):
    merged = merge_template(template, {}).by_id(OFFER_ID)
    return {OFFER_ID: make_override(merged, {"price": price})}


def test_project_blocks_are_registered():
    names = [name for name, _ in template_block_types()]
    assert {"product_offer", "notice"} <= set(names)


def test_price_within_hqs_margin_is_accepted(template):
    normalised, errors = clean_overrides(template, offer_override(template, "8.50"))
    assert not errors
    merged = merge_template(template, normalised).by_id(OFFER_ID)
    assert Decimal(merged.raw["price"]) == Decimal("8.50")


def test_price_outside_hqs_margin_is_refused_naming_the_bounds(template):
    _, errors = clean_overrides(template, offer_override(template, "5.00"))
    assert [str(m) for m in errors[(OFFER_ID, "price")]] == [
        "HQ allows a price from 7.20 to 8.80."
    ]


def test_the_product_name_is_never_open(template):
    merged = merge_template(template, {}).by_id(OFFER_ID)
    assert merged.open_fields == ("price",)


def test_wrapped_notice_renders_as_its_text_and_can_be_hidden(template):
    merge = merge_template(template, {})
    notice = merge.by_id(NOTICE_ID)
    assert notice.is_hidable
    html = "".join(child.render() for child in merge.stream_value)
    assert "Drink responsibly." in html
    assert "optional" not in html  # the policy setting is not rendered


def test_hq_changing_the_price_puts_outlet_prices_up_for_review(template):
    from wagtail_distmark.inheritance.merge import STALE

    overrides = offer_override(template, "7.20")
    body = list(template.body.raw_data)
    body[0]["value"]["price"] = "12.00"
    template.body = body
    template.save_revision().publish()
    merged = merge_template(template, overrides).by_id(OFFER_ID)
    assert merged.state == STALE
    assert Decimal(merged.raw["price"]) == Decimal("12.00")
