"""The import's progress page in Chromium: the bar follows the running
import and the page shows the result once it ends (the polling script)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from wagtail_distmark.contacts.imports.services import progress_key
from wagtail_distmark.contacts.models import ContactImport

pytestmark = pytest.mark.browser


def test_the_progress_bar_moves_then_the_result_shows(admin_login, live_demo):
    job = ContactImport.objects.create(
        outlet=live_demo.lille,
        created_by=live_demo.users["lille-editor"],
        original_name="clients.csv",
        status=ContactImport.Status.RUNNING,
        total_rows=200,
    )
    cache.set(progress_key(job.pk), (50, 200))
    try:
        tab = admin_login("lille-editor")
        tab.goto(f"{live_demo.url}/admin/distmark/contact-imports/{job.pk}/")
        expect(tab.locator("[data-dm-import-label]")).to_have_text("25 %")
        assert tab.locator("progress").evaluate("bar => bar.value") == 50

        ContactImport.objects.filter(pk=job.pk).update(
            status=ContactImport.Status.DONE,
            processed_rows=200,
            created_count=200,
        )
        cache.delete(progress_key(job.pk))
        # The script reloads the page when the import has finished.
        expect(tab.get_by_role("heading", name="Result")).to_be_visible()
        expect(tab.get_by_text("200 contacts created")).to_be_visible()
    finally:
        cache.delete(progress_key(job.pk))


def test_a_mailchimp_export_imports_with_only_the_consent_confirmed(
    admin_login, live_demo
):
    """Upload Mailchimp's export of subscribed members as exported, keep every
    suggested column, confirm their consent, dry run, then import for real."""
    import datetime
    from pathlib import Path

    from django.urls import reverse

    from wagtail_distmark.contacts.models import Consent, Contact

    sample = Path(__file__).resolve().parents[1] / "fixtures"
    sample = sample / "contacts-mailchimp-subscribed.csv"
    tab = admin_login("lille-manager")
    tab.goto(live_demo.url + reverse("distmark_contact_imports:upload"))
    tab.get_by_label("File").set_input_files(str(sample))
    tab.get_by_label("Dry run").check()
    tab.get_by_role("button", name="Upload and map the columns").click()

    expect(
        tab.get_by_text("Recognised as: Mailchimp export of subscribed members")
    ).to_be_visible()
    expect(tab.get_by_label("First Name", exact=True)).to_have_value("first_name")
    expect(tab.get_by_label("MEMBER_RATING")).to_have_value("")  # left out
    # The box sits in the consent notice, and a click on its text ticks it.
    confirmation = "These are Mailchimp subscribed members: they gave email consent"
    box = tab.locator("[data-dm-import-consent]").get_by_role(
        "checkbox", name=confirmation
    )
    expect(box).not_to_be_checked()
    tab.locator("[data-dm-import-consent]").get_by_text(
        confirmation, exact=True
    ).click()
    expect(box).to_be_checked()
    tab.get_by_role("button", name="Start the dry run").click()

    expect(tab.get_by_role("heading", name="What the import would do")).to_be_visible()
    expect(tab.get_by_text("30 contacts would be created")).to_be_visible()
    expect(tab.get_by_text("0 rows would be rejected")).to_be_visible()
    lille = Contact.objects.filter(outlet=live_demo.lille)
    assert not lille.filter(email__endswith="@mailchimp.example").exists()
    tab.get_by_role("button", name="Import this file for real").click()

    expect(tab.get_by_role("heading", name="Result")).to_be_visible()
    expect(tab.get_by_text("30 contacts created")).to_be_visible()
    expect(tab.get_by_text("Email consent confirmed by lille-manager")).to_be_visible()
    imported = lille.filter(email__endswith="@mailchimp.example")
    assert imported.count() == 30
    assert set(imported.values_list("email_consent", flat=True)) == {Consent.GRANTED}
    camille = imported.get(email="camille.lefebvre@mailchimp.example")
    assert camille.birthday == datetime.date(1604, 3, 14)
    assert set(camille.tags.values_list("name", flat=True)) == {"VIP", "Lille centre"}


@pytest.mark.parametrize("width", [1024, 1400])
def test_a_wide_file_scrolls_sideways_inside_the_mapping_page(
    admin_login, live_demo, width
):
    """A file with many columns: its preview scrolls inside its box; the page
    itself never gets wider than the window (nothing cut off), on a laptop
    and on a wide screen."""
    from pathlib import Path

    from django.urls import reverse

    sample = Path(__file__).resolve().parents[1] / "fixtures"
    sample = sample / "contacts-mailchimp-subscribed.csv"
    tab = admin_login("lille-manager")
    tab.set_viewport_size({"width": width, "height": 900})
    tab.goto(live_demo.url + reverse("distmark_contact_imports:upload"))
    tab.get_by_label("File").set_input_files(str(sample))
    tab.get_by_role("button", name="Upload and map the columns").click()
    expect(tab.get_by_role("columnheader", name="Line 2")).to_be_visible()
    box = tab.locator("[data-dm-import-preview]")
    sizes = box.evaluate(
        "el => [el.scrollWidth, el.clientWidth, getComputedStyle(el).overflowX]"
    )
    assert sizes[0] > sizes[1] and sizes[2] == "auto", sizes
    # The box fits the page's content area: its right edge is on screen.
    right = box.evaluate("el => el.getBoundingClientRect().right")
    assert right <= width, right
    page_width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= width, page_width
