"""The admin in its user's language, in Chromium, as the demo sets it up.

1. lille-editor signs in and reads a French admin: French words, French
   dates in listings (25/04/1980, never the US 04/25/1980), and a date picker
   whose calendar names the months in French.
2. north-manager (a French admin) edits Gent's "Spring promotion": the preview
   beside the form speaks Gent's Dutch, and follows what they type without a
   click on "Refresh" (Wagtail's live preview).
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.dates import MONTHS
from playwright.sync_api import expect

from tests.browser.forms import set_date
from wagtail_distmark.contacts.models import Contact
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_languages(live_demo, settings):
    """The demo as `make demo` leaves it: its users have their languages."""
    settings.DISTMARK_DEMO_USER_LANGUAGES = True
    call_command("distmark_demo", port=80, stdout=StringIO())
    return live_demo


def test_lille_editor_reads_a_french_admin_with_french_dates(
    admin_login, demo_languages
):
    contact = Contact.objects.filter(outlet=demo_languages.lille).first()
    Contact.objects.filter(pk=contact.pk).update(birthday=datetime.date(1980, 4, 25))

    page = admin_login("lille-editor")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title("Tableau de bord - Wagtail")

    page.goto(f"{demo_languages.url}/admin/distmark_contacts/?q={contact.email}")
    listing = page.locator("table.listing")
    expect(listing).to_contain_text("25/04/1980")
    expect(listing).not_to_contain_text("04/25/1980")

    lille_page = LocalPage.objects.get(
        outlet=demo_languages.lille, hq_template__slug=spring.SPRING_SLUG
    )
    page.goto(f"{demo_languages.url}/admin/pages/{lille_page.pk}/edit/")
    page.locator(f"#overrides-v-{spring.EVENT_ID}-date").click()
    # The picker opens on today's month (the browser's), named in French.
    today = datetime.date.today()
    with translation.override("fr"):
        month = str(MONTHS[today.month])
    calendar = page.locator(".xdsoft_datetimepicker:visible")
    expect(calendar.locator(".xdsoft_label.xdsoft_month")).to_contain_text(
        month, ignore_case=True
    )


def test_preview_speaks_the_outlets_language_and_follows_typing(
    admin_login, demo_languages
):
    gent_page = LocalPage.objects.get(
        outlet=demo_languages.gent, hq_template__slug=spring.SPRING_SLUG
    )
    page = admin_login("north-manager")
    page.goto(f"{demo_languages.url}/admin/pages/{gent_page.pk}/edit/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # Wagtail counts as edits what changes once it has read the form.
    page.wait_for_function(
        "() => window.wagtail.app.queryController('w-unsaved')?.initialFormData"
    )
    # The open day's date is required: the preview waits for a valid form.
    set_date(page, f"#overrides-v-{spring.EVENT_ID}-date", "2027-04-10")

    page.locator('[data-side-panel-toggle="preview"]').click()
    preview = page.frame_locator("iframe.w-preview__iframe >> nth=-1")
    expect(preview.locator("body")).to_contain_text("10 april 2027")

    # Type once Wagtail's autosave has nothing pending: Wagtail 8.0.1 takes an
    # edit typed while an autosave is on its way for saved, and its preview
    # then waits for the next edit.
    page.wait_for_function(
        "() => !window.wagtail.app.queryController('w-unsaved').hasEditsValue"
    )
    typed = "Lente op de Korenmarkt, elke zaterdag"
    page.locator(f"#overrides-v-{spring.HERO_ID}-subtitle").fill(typed)

    # No click on "Refresh": the preview follows the form by itself, in
    # Gent's Dutch whatever the admin's language.
    expect(preview.locator("body")).to_contain_text(typed)
    expect(preview.locator("body")).not_to_contain_text("avril")


@pytest.mark.parametrize(
    ("username", "outlet", "typed"),
    [("lille-editor", "lille", "16/04/2027"), ("gent-editor", "gent", "16-04-2027")],
)
def test_a_date_typed_day_first_is_kept_not_replaced_by_today(
    admin_login, demo_languages, username, outlet, typed
):
    """Wagtail's picker replaced a date it could not read (its format is year
    first) with today's, silently; the form reads the user's own format."""
    local_page = LocalPage.objects.get(
        outlet=getattr(demo_languages, outlet), hq_template__slug=spring.SPRING_SLUG
    )
    page = admin_login(username)
    page.goto(f"{demo_languages.url}/admin/pages/{local_page.pk}/edit/")
    field = page.locator(f"#overrides-v-{spring.EVENT_ID}-date")
    field.click()
    field.fill(typed)
    field.press("Tab")
    expect(field).to_have_value(typed)
    # Close the picker (it would cover the footer), then save the draft.
    page.locator(
        f'[data-dm-overrides] [data-dm-block="{spring.EVENT_ID}"] header'
    ).first.click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    with page.expect_navigation():
        page.locator("footer button.action-save").click()
    expect(page.locator(".messages .success")).to_be_visible()
    saved = LocalPage.objects.get(pk=local_page.pk).get_latest_revision_as_object()
    assert saved.merge.by_id(spring.EVENT_ID).raw["date"] == "2027-04-16"
