"""The issue's "Done when" flow in Chromium: an outlet fills in HQ's template, HQ changes it.

1. lille-editor opens Lille's "Spring promotion" from the template library,
   sees HQ's locked blocks as previews, is refused a discount outside HQ's
   5–20 % bounds, then saves a subtitle, a 15 % discount and the open day's date.
2. No control lets them add, delete, move or edit HQ's blocks.
3. lille-manager publishes (editors may only submit for moderation); the page
   is live on Lille's site.
4. HQ rewrites its locked brand text in Wagtail's editor (Draftail) and
   publishes the template: Lille's public page shows it at once, with Lille's
   own values kept.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.merge import merge_template
from wagtail_distmark.inheritance.models import LocalPage
from wagtail_distmark.inheritance.overrides import make_override

pytestmark = pytest.mark.browser

SUBTITLE = "Lille fête le printemps, rue Esquermoise"
EVENT_DATE = "2027-04-10"
HQ_TITLE = "Spring is here"
HQ_SUBTITLE = "Fresh ideas for your home, in every store"
OLD_BRAND = "Satisfied or refunded for 30 days."
NEW_BRAND = "Chosen by our buyers, guaranteed for 60 days in every store."
# "15 % off", or "15 % de remise" on Lille's French page.
FIFTEEN_PERCENT = re.compile(r"^\s*15\s*%")
BOUNDS = re.compile(r"HQ allows discounts from 5\s*% to 20\s*%")

# Every control the outlet editor offers for HQ's template (the zone is empty).
OPEN_CONTROLS = {
    f"overrides-v-{spring.HERO_ID}-subtitle",
    f"overrides-v-{spring.PROMOTION_ID}-discount_percent",
    f"overrides-v-{spring.EVENT_ID}-date",
    f"overrides-v-{spring.EVENT_ID}-time",
    f"overrides-hide-{spring.SIGNATURE_ID}",
}
EDITABLE = (
    "input:not([type=hidden]), textarea, select, [contenteditable=true], "
    "[contenteditable=''], [role=textbox]"
)
# Wagtail's StreamField controls: insert, and each child's move/drag/duplicate/delete.
STREAM_CONTROLS = ".c-sf-add-button, [data-streamfield-action]"


def control(block_id, field):
    return f"#overrides-v-{block_id}-{field}"


def slot(page, block_id):
    return page.locator(f'[data-dm-overrides] [data-dm-block="{block_id}"]')


def spring_page(outlet):
    return LocalPage.objects.get(outlet=outlet, hq_template__slug=spring.SPRING_SLUG)


def latest_overrides(page_id):
    return LocalPage.objects.get(pk=page_id).get_latest_revision_as_object().overrides


def public_url(live_demo, outlet):
    port = urlsplit(live_demo.url).port
    return f"http://{outlet.site.hostname}:{port}/{spring.SPRING_SLUG}/"


def switch_user(page, admin_login, username):
    page.context.clear_cookies()
    return admin_login(username)


def submit(page, name):
    """Click a footer action ("Save draft", or one under "More actions"); wait for the reply."""
    footer = page.locator("footer")
    if name != "Save draft":
        footer.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        footer.get_by_role("button", name=name, exact=True).click()


def invalid_fields(page):
    """The fields a re-displayed Wagtail editor marks invalid, with their errors."""
    return page.locator("[aria-invalid=true]").evaluate_all(
        """els => els.map(el => {
            const field = el.closest('[data-field]');
            const errors = field && field.querySelector('[data-field-errors]');
            return `${el.name || el.id}: ${errors ? errors.innerText.trim() : ''}`;
        })"""
    )


def control_names(scope):
    """Names of the editable controls in ``scope`` (ids for those without one)."""
    return set(
        scope.locator(EDITABLE).evaluate_all(
            "els => els.map(el => el.getAttribute('name') || el.id)"
        )
    )


def control_values(scope):
    return scope.locator(EDITABLE).evaluate_all(
        "els => els.map(el => el.isContentEditable ? el.innerText : el.value)"
    )


def test_outlet_editor_changes_only_what_hq_left_open_and_manager_publishes(
    admin_login, live_demo
):
    lille_page = spring_page(live_demo.lille)
    template = lille_page.hq_template
    edit_url = f"{live_demo.url}/admin/pages/{lille_page.pk}/edit/"

    # 1. lille-editor: template library -> Lille's page editor.
    page = admin_login("lille-editor")
    page.get_by_role("link", name="Template library").click()
    row = page.locator(f'[data-dm-template="{template.pk}"]')
    expect(row).to_contain_text("Spring promotion")
    row.get_by_role("link", name="Edit Lille Centre's page").click()
    page.wait_for_url(edit_url)

    # HQ's locked brand text is a preview in place, with nothing to edit in it.
    brand = slot(page, spring.BRAND_TEXT_ID)
    expect(brand).to_have_attribute("data-dm-policy", "locked")
    expect(brand.locator(".dm-slot__preview")).to_contain_text("Satisfied or refunded")
    expect(brand.locator(EDITABLE)).to_have_count(0)

    # 2. Nothing breaks HQ's template. The locked hero title is only a preview,
    # and the only controls are the fields HQ opened...
    hero = slot(page, spring.HERO_ID)
    expect(hero.locator(".dm-hero__title")).to_have_text(HQ_TITLE)
    expect(page.locator(control(spring.HERO_ID, "title"))).to_have_count(0)
    subtitle = page.locator(control(spring.HERO_ID, "subtitle"))
    expect(subtitle).to_be_editable()
    assert control_names(page.locator("[data-dm-overrides]")) == OPEN_CONTROLS
    assert HQ_TITLE not in control_values(page)
    # ...and Wagtail's stream controls (insert, move, drag, duplicate, delete)
    # exist only in the local zone, where HQ lets the outlet add its own blocks.
    zone = slot(page, spring.LOCAL_ZONE_ID)
    expect(zone.locator(".c-sf-add-button")).to_have_count(1)
    expect(page.locator(STREAM_CONTROLS)).to_have_count(1)
    zone.locator(".c-sf-add-button").click()
    page.get_by_role("option", name="Text").click()
    zone_delete = zone.locator('[data-streamfield-action="DELETE"]')
    expect(zone_delete).to_have_count(1)
    expect(zone.locator('[data-streamfield-action="MOVE_UP"]')).to_have_count(1)
    assert (
        page.locator(STREAM_CONTROLS).count() == zone.locator(STREAM_CONTROLS).count()
    )
    zone_delete.click()
    expect(zone.locator("[data-streamfield-child]:visible")).to_have_count(0)

    # A discount outside HQ's bounds: a clear error under it, nothing saved.
    before = latest_overrides(lille_page.pk)
    discount = page.locator(control(spring.PROMOTION_ID, "discount_percent"))
    # The discount first: an autosave in between never sees a valid form.
    discount.fill("90")
    subtitle.fill(SUBTITLE)
    submit(page, "Save draft")
    expect(page.locator(".messages .error")).to_be_visible()
    expect(slot(page, spring.PROMOTION_ID).get_by_text(BOUNDS)).to_be_visible()
    assert latest_overrides(lille_page.pk) == before
    # What was typed is kept for correction, still marked as HQ's value.
    expect(subtitle).to_have_value(SUBTITLE)
    expect(discount).to_have_value("90")
    expect(hero.locator("[data-dm-source]")).to_have_attribute("data-dm-source", "hq")

    # Within bounds, with the open day's date: saved.
    discount.fill("15")
    date = page.locator(control(spring.EVENT_ID, "date"))
    date.fill(EVENT_DATE)
    # The picker opens 100 ms after focus (a timer in Wagtail's vendored
    # widget): wait for it, then close it with a click outside so it does not
    # cover the footer. Closing it earlier let the timer reopen it.
    pickers = page.locator(".xdsoft_datetimepicker:visible")
    expect(pickers).to_have_count(1)
    slot(page, spring.EVENT_ID).locator("header").click()
    expect(pickers).to_have_count(0)
    submit(page, "Save draft")
    expect(page.locator(".messages .success")).to_contain_text("has been updated")
    assert page.url == edit_url
    source = hero.locator('[data-dm-field="subtitle"] [data-dm-source]')
    expect(source).to_have_text("Your value")
    expect(source).to_have_attribute("data-dm-source", "outlet")
    expect(hero.get_by_label("Revert to HQ's value")).not_to_be_checked()
    expect(subtitle).to_have_value(SUBTITLE)
    expect(discount).to_have_value("15")
    stored = latest_overrides(lille_page.pk)
    assert stored[spring.HERO_ID]["values"] == {"subtitle": SUBTITLE}
    assert stored[spring.PROMOTION_ID]["values"] == {"discount_percent": 15}
    assert stored[spring.EVENT_ID]["values"] == {"date": EVENT_DATE}
    assert spring.BRAND_TEXT_ID not in stored

    # Editors cannot publish: they may only submit for moderation.
    page.locator("footer").get_by_role("button", name="More actions").click()
    expect(
        page.get_by_role("button", name="Submit to Local publishing")
    ).to_be_visible()
    expect(page.locator('footer [name="action-publish"]')).to_have_count(0)

    # 3. lille-manager publishes; the page is live on Lille's site.
    page = switch_user(page, admin_login, "lille-manager")
    page.goto(edit_url)
    expect(subtitle).to_have_value(SUBTITLE)
    submit(page, "Publish")
    expect(page.locator(".messages .success")).to_contain_text("published")
    assert LocalPage.objects.get(pk=lille_page.pk).live

    page.goto(public_url(live_demo, live_demo.lille))
    expect(page.locator(".dm-hero__title")).to_have_text(HQ_TITLE)
    expect(page.locator(".dm-hero__subtitle")).to_have_text(SUBTITLE)
    expect(page.locator(".dm-promotion__discount")).to_have_text(FIFTEEN_PERCENT)
    expect(page.locator(".dm-rich-text").first).to_contain_text(OLD_BRAND)
    expect(page.locator("body")).not_to_contain_text(HQ_SUBTITLE)


def test_hq_changes_locked_text_and_the_live_outlet_page_follows_at_once(
    admin_login, live_demo, browser
):
    # Lille's page as step 3 leaves it, set up through the server.
    lille_page = spring_page(live_demo.lille)
    template = lille_page.hq_template
    for block_id, values in (
        (spring.HERO_ID, {"subtitle": SUBTITLE}),
        (spring.PROMOTION_ID, {"discount_percent": 15}),
        (spring.EVENT_ID, {"date": EVENT_DATE}),
    ):
        merged = merge_template(template, {}).by_id(block_id)
        lille_page.overrides[block_id] = make_override(merged, values)
    lille_page.save_revision().publish()

    # A visitor has Lille's page open.
    visitor_context = browser.new_context()
    try:
        visitor = visitor_context.new_page()
        visitor.goto(public_url(live_demo, live_demo.lille))
        brand_text = visitor.locator(".dm-rich-text").first
        expect(brand_text).to_contain_text(OLD_BRAND)
        expect(visitor.locator(".dm-hero__subtitle")).to_have_text(SUBTITLE)

        # 4. HQ edits the locked brand text (Draftail) in Wagtail's editor.
        page = admin_login("hq")
        page.get_by_role("link", name="Template library").click()
        row = page.locator(f'[data-dm-template="{template.pk}"]')
        row.get_by_role("link", name="Edit", exact=True).click()
        page.wait_for_url(f"{live_demo.url}/admin/pages/{template.pk}/edit/")
        block = page.locator(f'[data-contentpath="{spring.BRAND_TEXT_ID}"]')
        editor = block.get_by_role("textbox")
        expect(editor).to_contain_text("Satisfied or refunded")
        editor.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Backspace")
        page.keyboard.type(NEW_BRAND)
        # Draftail writes its content into the block's hidden input as one types.
        expect(
            block.locator('input[type=hidden][name$="-value-content"]')
        ).to_have_value(re.compile(re.escape(NEW_BRAND)))

        # A draft of HQ's template changes nothing for outlets...
        submit(page, "Save draft")
        assert not invalid_fields(page), f"HQ could not save: {invalid_fields(page)}"
        expect(page.locator(".messages .success")).to_contain_text("has been updated")
        visitor.reload()
        expect(brand_text).to_contain_text(OLD_BRAND)

        # ...publishing it does.
        submit(page, "Publish")
        assert not invalid_fields(page), f"HQ could not publish: {invalid_fields(page)}"
        expect(page.locator(".messages .success")).to_contain_text("published")

        # Lille's public page follows at once, keeping Lille's own values.
        visitor.reload()
        expect(brand_text).to_have_text(NEW_BRAND)
        expect(visitor.locator("body")).not_to_contain_text("Satisfied or refunded")
        expect(visitor.locator(".dm-hero__title")).to_have_text(HQ_TITLE)
        expect(visitor.locator(".dm-hero__subtitle")).to_have_text(SUBTITLE)
        expect(visitor.locator(".dm-promotion__discount")).to_have_text(FIFTEEN_PERCENT)
    finally:
        visitor_context.close()


def test_outlet_reuses_an_earlier_value_hqs_new_rules_exclude(admin_login, live_demo):
    """HQ lowers the zone's maximum and the discount's: Lille's editor reads
    the earlier values in full, puts them back and adjusts them; badges follow
    what is typed."""
    lille_page = spring_page(live_demo.lille)
    template = lille_page.hq_template
    zone_blocks = [
        {
            "type": "rich_text",
            "id": "0d9c8a2e-5555-4555-8555-000000000001",
            "value": "<p>Braderie this Saturday</p>",
        },
        {
            "type": "call_to_action",
            "id": "0d9c8a2e-5555-4555-8555-000000000002",
            "value": {
                "label": "Book a visit",
                "link": "https://example.com/visit",
                "style": "primary",
            },
        },
    ]
    for block_id, values in (
        (spring.LOCAL_ZONE_ID, {"blocks": zone_blocks}),
        (spring.PROMOTION_ID, {"discount_percent": 15}),
    ):
        merged = merge_template(template, {}).by_id(block_id)
        lille_page.overrides[block_id] = make_override(merged, values)
    lille_page.save_revision()
    body = list(template.body.raw_data)
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["max_blocks"] = 1
        if child["id"] == spring.PROMOTION_ID:
            child["value"]["max_discount"] = 12
    template.body = body
    template.save_revision().publish()

    page = admin_login("lille-editor")
    page.goto(f"{live_demo.url}/admin/pages/{lille_page.pk}/edit/")

    # Badges follow what is typed.
    subtitle = page.locator(
        f'[data-dm-block="{spring.HERO_ID}"] [data-dm-field="subtitle"]'
    )
    badge = subtitle.locator("[data-dm-source]")
    expect(badge).to_have_text("HQ's value")
    subtitle.locator(control(spring.HERO_ID, "subtitle")).fill("Lille en fête")
    expect(badge).to_have_text("Your value")
    subtitle.locator(control(spring.HERO_ID, "subtitle")).fill(HQ_SUBTITLE)
    expect(badge).to_have_text("HQ's value")

    # The earlier zone is shown in full, as the page showed it.
    zone = slot(page, spring.LOCAL_ZONE_ID)
    earlier = zone.locator("[data-dm-earlier]")
    expect(earlier).to_contain_text("Braderie this Saturday")
    expect(earlier).to_contain_text("Book a visit")
    zone_field = zone.locator('[data-dm-field="blocks"]')
    expect(zone_field.get_by_role("textbox")).to_have_count(0)
    zone_field.get_by_role("button", name="Reuse my earlier value").click()
    # Back in the zone's own widget: the text in its editor, the button's fields.
    expect(zone_field.get_by_role("textbox").first).to_contain_text(
        "Braderie this Saturday"
    )
    expect(zone_field.locator('input[name$="-value-label"]')).to_have_value(
        "Book a visit"
    )
    expect(zone_field.locator("[data-dm-source]")).to_have_text("Your value")

    promotion = slot(page, spring.PROMOTION_ID)
    discount = promotion.locator(control(spring.PROMOTION_ID, "discount_percent"))
    expect(discount).to_have_value("10")
    promotion.get_by_role("button", name="Reuse my earlier value").click()
    discount = promotion.locator(control(spring.PROMOTION_ID, "discount_percent"))
    expect(discount).to_have_value("15")

    # Saved as they were, they still break HQ's rules: refused, named.
    submit(page, "Save draft")
    expect(page.locator("[data-dm-overrides]")).to_contain_text(
        "Some values do not follow HQ's rules"
    )
    assert latest_overrides(lille_page.pk)[spring.PROMOTION_ID]["values"] == {
        "discount_percent": 15
    }

    # Adjusted to the new rules, they are saved and shown again.
    promotion = slot(page, spring.PROMOTION_ID)
    promotion.locator(control(spring.PROMOTION_ID, "discount_percent")).fill("12")
    zone_field = slot(page, spring.LOCAL_ZONE_ID).locator('[data-dm-field="blocks"]')
    zone_field.get_by_role("button", name="Delete").last.click()
    submit(page, "Save draft")
    assert not invalid_fields(page), f"could not save: {invalid_fields(page)}"
    overrides = latest_overrides(lille_page.pk)
    assert overrides[spring.PROMOTION_ID]["values"] == {"discount_percent": 12}
    assert [b["type"] for b in overrides[spring.LOCAL_ZONE_ID]["values"]["blocks"]] == [
        "rich_text"
    ]
    expect(page.locator("[data-dm-stale]")).to_have_count(0)
