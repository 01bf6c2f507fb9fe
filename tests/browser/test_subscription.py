"""Subscribing on an outlet's page in Chromium, in an English-speaking browser:
the form, the emailed link's page (which confirms nothing by itself) and its
button, all on Lille's site and in Lille's French."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import caches
from playwright.sync_api import expect

from tests.contacts.test_subscription import subscription_page
from wagtail_distmark.conf import distmark_settings
from wagtail_distmark.contacts.models import Consent, Contact

pytestmark = pytest.mark.browser


def test_a_visitor_subscribes_and_confirms_with_the_button(page, live_demo):
    caches[distmark_settings.SUBSCRIPTION_CACHE_ALIAS].clear()
    lille = live_demo.lille
    site = lille.site
    site.port = urlsplit(live_demo.url).port  # the link is built on this site
    site.save()
    form_page = subscription_page(lille)
    page.context.set_extra_http_headers({"Accept-Language": "en"})

    page.goto(site.root_url + form_page.get_url(current_site=site))
    page.get_by_label("Votre adresse e-mail").fill("lea@example.com")
    page.get_by_role("button", name="S’abonner").click()
    expect(
        page.get_by_text(re.compile("Nous vous avons envoyé un e-mail"))
    ).to_be_visible()

    (message,) = mail.outbox
    assert "Confirmez votre abonnement" in message.subject
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.startswith(site.root_url + "/distmark/subscribe/confirm/")
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lille Centre")
    # Within Lille's layout: its name, a link to its home page.
    home = page.get_by_role("banner").get_by_role("link", name="Lille Centre")
    expect(home).to_have_attribute("href", "/")
    lea = Contact.objects.get(email="lea@example.com")
    assert lea.email_consent == Consent.PENDING  # opening the link did nothing

    page.locator("form button[type=submit]").click()
    expect(page.get_by_text(re.compile("vous recevrez les actualités"))).to_be_visible()
    lea.refresh_from_db()
    assert lea.email_consent == Consent.GRANTED
    assert lea.email_consent_source == "double opt-in"
