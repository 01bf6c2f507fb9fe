"""Local publishing in Chromium: lille-editor submits, lille-manager approves.

1. lille-editor fills in the open day's date of Lille's "Spring promotion"
   and submits it to "Local publishing"; the brand checks pass at once.
2. lille-manager finds it on the dashboard under "Awaiting your review",
   opens it and approves; HQ's review is skipped (a 10 % discount).
3. The page is live on Lille's site.
"""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.forms import set_date
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage

pytestmark = pytest.mark.browser


EVENT_DATE = "2027-04-10"


def footer_action(page, name):
    footer = page.locator("footer")
    button = footer.get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        footer.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        button.click()


def test_editor_submits_and_manager_approves(admin_login, live_demo):
    lille_page = LocalPage.objects.get(
        outlet=live_demo.lille, hq_template__slug=spring.SPRING_SLUG
    )
    edit_url = f"{live_demo.url}/admin/pages/{lille_page.pk}/edit/"

    page = admin_login("lille-editor")
    page.goto(edit_url)
    set_date(page, f"#overrides-v-{spring.EVENT_ID}-date", EVENT_DATE)
    footer_action(page, "Submit to Local publishing")
    expect(page.locator(".messages .success")).to_contain_text(
        "submitted for moderation"
    )
    lille_page.refresh_from_db()
    state = lille_page.current_workflow_state
    assert state.current_task_state.task.name == "Outlet approval"
    assert [message.to for message in mail.outbox] == [
        ["lille-manager@distmark.example"]
    ]

    page.context.clear_cookies()
    page = admin_login("lille-manager")
    review = page.locator("section", has_text="Awaiting your review")
    expect(review).to_contain_text("Spring promotion")
    review.get_by_role("link", name="Spring promotion").first.click()
    page.wait_for_url(edit_url)
    footer_action(page, "Approve")
    # Wagtail confirms the approval with its "updated" message; no step is
    # left, and the app says what happens next.
    confirmations = page.locator(".messages .success")
    expect(confirmations.filter(has_text="has been updated")).to_have_count(1)
    expect(confirmations.filter(has_text="is live now")).to_have_count(1)

    lille_page.refresh_from_db()
    assert lille_page.live
    port = urlsplit(live_demo.url).port
    page.goto(f"http://{live_demo.lille.site.hostname}:{port}/{spring.SPRING_SLUG}/")
    expect(page.locator(".dm-promotion__discount")).to_contain_text("10")
