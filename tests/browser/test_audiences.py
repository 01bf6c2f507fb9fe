"""The live count in Chromium: lille-editor edits a segment and the count
follows, counting Lille's contacts only (segment-count.js and the endpoint)."""

import pytest
from playwright.sync_api import expect

from wagtail_distmark.audiences.filters import FilterContext
from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.audiences.services import count_segment
from wagtail_distmark.audiences.viewsets import count_text

pytestmark = pytest.mark.browser


def expected(outlet, *rules):
    segment = Segment(outlet=outlet, rules=list(rules))
    return count_text(count_segment(segment, context=FilterContext()))


def test_the_count_follows_the_rules_as_they_are_edited(admin_login, live_demo):
    lille = live_demo.lille
    everyone = expected(lille)
    birthdays = expected(lille, {"type": "birthday_month", "value": {"month": "this"}})
    assert everyone != birthdays

    tab = admin_login("lille-editor")
    counts = []
    tab.on(
        "request",
        lambda request: counts.append(1) if request.url.endswith("/count/") else None,
    )
    tab.goto(f"{live_demo.url}/admin/segments/new/")
    counter = tab.locator("[data-distmark-segment-count]")
    # No rule yet: every targetable contact of Lille (the only outlet offered).
    expect(counter).to_have_text(everyone)
    tab.locator(".c-sf-add-button").first.click()
    tab.get_by_role("option", name="Birthday month").click()
    expect(counter).to_have_text(birthdays)
    # A rule the editor may not use: the message instead of a count.
    tab.locator(".c-sf-add-button").last.click()
    tab.get_by_role("option", name="Last engagement").click()
    tab.get_by_label("Days").last.fill("30")
    expect(counter).to_contain_text("only HQ and managers see it")
    # Once the form is still, so is the counter: it does not poll.
    tab.wait_for_timeout(1500)
    settled = len(counts)
    tab.wait_for_timeout(1500)
    assert len(counts) == settled


def test_an_attribute_rule_offers_the_tests_and_choices_of_its_type(
    admin_login, live_demo
):
    lille = live_demo.lille
    gold = expected(
        lille,
        {
            "type": "attribute",
            "value": {"attribute": "loyalty_level", "operator": "eq", "value": "gold"},
        },
    )
    tab = admin_login("lille-editor")
    tab.goto(f"{live_demo.url}/admin/segments/new/")
    counter = tab.locator("[data-distmark-segment-count]")
    tab.locator(".c-sf-add-button").first.click()
    tab.get_by_role("option", name="Custom attribute").click()
    attribute = tab.locator("select[name='rules-0-value-attribute']")
    test = tab.locator("select[name='rules-0-value-operator']")
    value = tab.locator("input[name='rules-0-value-value']")
    # Before: the test "is more than" is offered, a choice would refuse it.
    test.select_option("gt")
    attribute.select_option(label="Loyalty level")
    # A choice attribute: only the tests that apply to a choice, the first
    # taken in place of "is more than", and its choices suggested.
    offered = test.locator("option:not([disabled])")
    expect(offered).to_have_text(["is", "is not", "is filled in", "is empty"])
    expect(test).to_have_value("eq")
    suggestions = tab.locator(f"datalist#{value.get_attribute('id')}-choices option")
    assert [o.get_attribute("value") for o in suggestions.all()] == [
        "bronze",
        "silver",
        "gold",
    ]
    expect(value).to_have_attribute("placeholder", "One of the choices")
    value.fill("gold")
    expect(counter).to_have_text(gold)


def test_a_saved_rule_is_not_changed_behind_the_editors_back(admin_login, live_demo):
    # Saved before HQ made the attribute a choice, say: "is more than" no
    # longer applies. The page keeps it and the server names it on save.
    segment = Segment.objects.create(
        name="Gold and above",
        outlet=live_demo.lille,
        rules=[
            {
                "type": "attribute",
                "value": {
                    "attribute": "loyalty_level",
                    "operator": "gt",
                    "value": "silver",
                },
            }
        ],
    )
    tab = admin_login("lille-editor")
    tab.goto(f"{live_demo.url}/admin/segments/edit/{segment.pk}/")
    test = tab.locator("select[name='rules-0-value-operator']")
    # Guided (the choices are suggested), but the saved test is kept.
    value = tab.locator("input[name='rules-0-value-value']")
    expect(value).to_have_attribute("list", f"{value.get_attribute('id')}-choices")
    expect(test).to_have_value("gt")
    expect(test.locator("option:not([disabled])")).to_have_text(
        ["is", "is not", "is more than / after", "is filled in", "is empty"]
    )
    tab.locator("footer").get_by_role("button", name="Save").click()
    expect(
        tab.get_by_text("This test does not apply to a choice attribute.")
    ).to_be_visible()
    segment.refresh_from_db()
    assert segment.rules.raw_data[0]["value"]["operator"] == "gt"


def test_a_tag_rule_suggests_lilles_tags_and_matches_without_case(
    admin_login, live_demo
):
    lille = live_demo.lille
    vip = expected(lille, {"type": "tag", "value": {"has": "yes", "tag": "vip"}})
    tab = admin_login("lille-editor")
    tab.goto(f"{live_demo.url}/admin/segments/new/")
    counter = tab.locator("[data-distmark-segment-count]")
    tab.locator(".c-sf-add-button").first.click()
    tab.get_by_role("option", name="Tag").click()
    box = tab.locator("input[name='rules-0-value-tag']")
    suggestions = tab.locator(f"datalist#{box.get_attribute('list')} option")
    offered = [o.get_attribute("value") for o in suggestions.all()]
    assert "vip" in offered and "newsletter" in offered, offered
    box.fill("VIP")
    expect(counter).to_have_text(vip)
