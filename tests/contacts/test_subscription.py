"""Public subscription on an outlet's page: double opt-in, honeypot, rate
limit, suppression."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import Page

from tests.workflows.flow import with_local_block
from wagtail_distmark.contacts.models import Consent, Contact, Suppression
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage

pytestmark = pytest.mark.django_db

SUBSCRIBE = "distmark_subscribe"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def post(client, page, email, **extra):
    return client.post(reverse(SUBSCRIBE), {"page": page.pk, "email": email, **extra})


def subscription_page(outlet):
    """The outlet's Spring promotion, live, with a subscription form in its
    local zone."""
    page = with_local_block(
        outlet, "subscription", {"heading": "", "text": "", "button_label": ""}
    )
    page.save_revision().publish()
    return page


def confirm_link():
    (message,) = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_visitor_subscribes_and_confirms(
    client, demo, django_capture_on_commit_callbacks
):
    home = Page.objects.get(pk=demo.lille.home_page_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, home, " Lea@Example.com ", first_name="Léa")
    assert response.status_code == 200
    assert "sent you an email" in response.content.decode()
    lea = Contact.objects.get(email="lea@example.com")
    assert lea.outlet == demo.lille and lea.first_name == "Léa"
    assert lea.email_consent == Consent.PENDING
    assert not Contact.objects.reachable_by_email().filter(pk=lea.pk).exists()
    assert "Lille Centre" in mail.outbox[0].subject

    response = client.get(confirm_link())
    assert response.status_code == 200
    lea.refresh_from_db()
    assert lea.email_consent == Consent.GRANTED
    assert lea.email_consent_source == "double opt-in"
    assert Contact.objects.reachable_by_email().filter(pk=lea.pk).exists()


def test_the_outlet_comes_from_the_page_not_the_form(client, demo):
    marseille_home = Page.objects.get(pk=demo.marseille.home_page_id)
    post(client, marseille_home, "x@example.com", outlet=demo.lille.pk)
    assert Contact.objects.get(email="x@example.com").outlet == demo.marseille


def test_a_tampered_or_expired_link_is_refused(
    client, demo, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, Page.objects.get(pk=demo.lille.home_page_id), "t@example.com")
    link = confirm_link()
    assert client.get(link[:-3] + "xyz/").status_code == 400
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CONFIRM_DAYS": -1}
    assert client.get(link).status_code == 400
    assert Contact.objects.get(email="t@example.com").email_consent == Consent.PENDING


def test_the_honeypot_records_nothing(client, demo):
    home = Page.objects.get(pk=demo.lille.home_page_id)
    response = post(client, home, "bot@example.com", website="http://spam")
    assert response.status_code == 200  # answered as usual
    assert not Contact.objects.filter(email="bot@example.com").exists()
    assert not mail.outbox


def test_rate_limited_per_ip(client, demo, settings):
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_RATE_LIMIT": 3}
    home = Page.objects.get(pk=demo.lille.home_page_id)
    codes = [post(client, home, f"r{n}@example.com").status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert (
        Contact.objects.filter(email__startswith="r", email__endswith="@example.com")
        .filter(outlet=demo.lille, email_consent=Consent.PENDING)
        .count()
        == 3
    )


def test_a_suppressed_address_is_not_written_nor_told(
    client, demo, django_capture_on_commit_callbacks
):
    Suppression.suppress("gone@example.com", Suppression.Reason.ERASED)
    home = Page.objects.get(pk=demo.lille.home_page_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, home, "gone@example.com")
    assert (
        response.status_code == 200 and "sent you an email" in response.content.decode()
    )
    assert not Contact.objects.filter(email="gone@example.com").exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"email": "not-an-address"}, 400),
        ({"email": "a@example.com", "page": 999999}, 400),
    ],
)
def test_bad_input_is_refused_clearly(client, demo, data, status):
    payload = {"page": demo.lille.home_page_id, **data}
    response = client.post(reverse(SUBSCRIBE), payload)
    assert response.status_code == status
    assert not Contact.objects.filter(email="a@example.com").exists()


def test_a_page_outside_every_outlet_has_no_subscription(client, demo):
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    response = post(client, template, "hq-page@example.com")
    assert response.status_code == 400
    assert not Contact.objects.filter(email="hq-page@example.com").exists()


def test_outlets_place_the_form_on_their_pages(client, demo):
    page = with_local_block(
        demo.lille,
        "subscription",
        {"heading": "News from Lille", "text": "", "button_label": "Join"},
    )
    page.save_revision().publish()
    html = client.get(page.url, HTTP_HOST=demo.lille.site.hostname).content.decode()
    assert "News from Lille" in html
    assert f'name="page" value="{page.pk}"' in html
    assert 'name="website"' in html  # the honeypot


def test_the_page_editor_shows_the_form_without_a_live_form(client, demo):
    # Inside the page's edit form, a live subscription form's required email
    # field would stop the browser from saving the page.
    page = with_local_block(
        demo.lille, "subscription", {"heading": "", "text": "", "button_label": ""}
    )
    page.save_revision()
    client.force_login(demo.users["lille-editor"])
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
    html = html.decode()
    assert "Our news, from your store" in html  # the preview is shown
    assert 'name="email"' not in html and 'name="website"' not in html
    assert "<fieldset disabled" in html


def test_empty_heading_and_button_speak_the_pages_language(client, demo):
    # Lille's site is in French: the defaults are French, whatever language
    # the editor who added the block used.
    page = with_local_block(
        demo.lille, "subscription", {"heading": "", "text": "", "button_label": ""}
    )
    page.save_revision().publish()
    html = client.get(page.url, HTTP_HOST=demo.lille.site.hostname).content.decode()
    assert '<html lang="fr">' in html
    assert "Nos actualités, de votre magasin" in html
    assert ">S’abonner</button>" in html


def test_the_email_is_plain_text_not_html(
    client, demo, django_capture_on_commit_callbacks
):
    demo.lille.name = "Lille Centre & Co's"
    demo.lille.save()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, subscription_page(demo.lille), "amp@example.com")
    (message,) = mail.outbox
    assert message.subject == "Confirm your subscription to Lille Centre & Co's"
    assert "news from Lille Centre & Co's:" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
