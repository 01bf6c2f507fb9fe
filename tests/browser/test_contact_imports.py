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
