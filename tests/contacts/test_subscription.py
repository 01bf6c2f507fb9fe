"""Public subscription on an outlet's page: double opt-in, honeypot, rate
limit, suppression."""

import copy
import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from tests.contacts.factories import contact
from tests.workflows.flow import (
    allow_in_local_zone,
    filled,
    spring_page,
    with_local_block,
    with_values,
)
from wagtail_distmark.conf import distmark_settings
from wagtail_distmark.contacts.models import Consent, Contact, Suppression
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage

pytestmark = pytest.mark.django_db

SUBSCRIBE = "distmark_subscribe"


def rate_limit_cache():
    return caches[distmark_settings.SUBSCRIPTION_CACHE_ALIAS]


@pytest.fixture(autouse=True)
def clear_rate_limits():
    rate_limit_cache().clear()
    yield
    rate_limit_cache().clear()


def post(client, page, email, **extra):
    """Post ``page``'s form from the page's own site; ``extra``: more fields,
    and headers (``HTTP_…``, ``REMOTE_ADDR``)."""
    headers = {"HTTP_HOST": site_host(page)}
    headers.update({key: value for key, value in extra.items() if key.isupper()})
    fields = {key: value for key, value in extra.items() if not key.isupper()}
    return client.post(
        reverse(SUBSCRIBE), {"page": page.pk, "email": email, **fields}, **headers
    )


def site_host(page):
    """The Host header of ``page``'s site (the test server's off every site)."""
    site = page.get_site()
    return site.hostname if site else "testserver"


def at(link):
    """The Host header a browser sends for ``link``."""
    return {"HTTP_HOST": urlsplit(link).netloc}


def subscription_page(outlet):
    """The outlet's Spring promotion, live, with a subscription form in its
    local zone."""
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    zone = next(c for c in template.body.raw_data if c["id"] == spring.LOCAL_ZONE_ID)
    if "subscription" not in zone["value"]["allowed_blocks"]:
        # Once: changing HQ's rules again would leave earlier pages' zones stale.
        allow_in_local_zone("subscription")
    page = with_values(
        filled(spring_page(outlet)),
        spring.LOCAL_ZONE_ID,
        blocks=[
            {
                "type": "subscription",
                "value": {"heading": "", "text": "", "button_label": ""},
                "id": str(uuid.uuid4()),
            }
        ],
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def lille_page(demo):
    return subscription_page(demo.lille)


def plain(text):
    """``text`` with French no-break spaces (before a colon, a name) as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def confirm_link(message=None):
    message = message or mail.outbox[-1]
    return re.search(r"https?://\S+", message.body).group(0)


def subscribed(client, page, email, captured, **extra):
    with captured(execute=True):
        response = post(client, page, email, **extra)
    assert response.status_code == 200, response.content
    return confirm_link()


def test_a_visitor_subscribes_and_confirms(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, lille_page, " Lea@Example.com ", first_name="Léa")
    assert response.status_code == 200
    # In Lille's language (French).
    assert "Nous vous avons envoyé un e-mail" in response.content.decode()
    lea = Contact.objects.get(email="lea@example.com")
    assert lea.outlet == demo.lille and lea.first_name == "Léa"
    assert lea.email_consent == Consent.PENDING
    assert not Contact.objects.reachable_by_email().filter(pk=lea.pk).exists()
    assert "Lille Centre" in mail.outbox[0].subject

    # The person opens the link and presses its page's button.
    assert client.get(confirm_link(), **at(confirm_link())).status_code == 200
    response = client.post(confirm_link(), **at(confirm_link()))
    assert response.status_code == 200
    lea.refresh_from_db()
    assert lea.email_consent == Consent.GRANTED
    assert lea.email_consent_source == "double opt-in"
    assert Contact.objects.reachable_by_email().filter(pk=lea.pk).exists()
    # Opening the link again changes nothing and says so.
    again = client.get(confirm_link(), **at(confirm_link()))
    assert again.status_code == 200
    assert "Votre abonnement est déjà confirmé." in again.content.decode()


def test_the_outlet_comes_from_the_page_not_the_form(client, demo):
    post(
        client, subscription_page(demo.marseille), "x@example.com", outlet=demo.lille.pk
    )
    assert Contact.objects.get(email="x@example.com").outlet == demo.marseille


def test_only_a_page_with_a_subscription_form_accepts_subscriptions(
    client, demo, django_capture_on_commit_callbacks
):
    # Marseille's home page and Lille's promotion are live but have no form.
    lille_promotion = filled(spring_page(demo.lille))
    lille_promotion.save_revision().publish()
    for page in (Page.objects.get(pk=demo.marseille.home_page_id), lille_promotion):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, page, "nope@example.com")
        assert response.status_code == 400
        # Posted on the page's outlet's site: in its language (French).
        assert "Cette page ne contient pas de formulaire d’abonnement." in (
            response.content.decode()
        )
    assert not Contact.objects.filter(email="nope@example.com").exists()
    assert not mail.outbox


def test_a_form_hq_puts_in_the_templates_local_zone_serves_every_outlet_page(
    client, demo, django_capture_on_commit_callbacks
):
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    zone = next(child for child in body if child["id"] == spring.LOCAL_ZONE_ID)
    zone["value"]["blocks"] = [
        {
            "type": "subscription",
            "value": {"heading": "", "text": "", "button_label": ""},
            "id": str(uuid.uuid4()),
        }
    ]
    template.body = body
    template.save_revision().publish()
    gent = filled(spring_page(demo.gent))
    gent.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, gent, "gent@example.com")
    assert response.status_code == 200
    assert Contact.objects.get(email="gent@example.com").outlet == demo.gent
    # An outlet page that replaced the zone's blocks with its own has no form.
    lille = with_local_block(demo.lille, "rich_text", "<p>Hello</p>")
    lille.save_revision().publish()
    assert post(client, lille, "lille@example.com").status_code == 400


def test_the_form_check_reads_the_page_not_its_rendering(client, demo, lille_page):
    # Finding the form reads the stored blocks: the same queries whatever the
    # page holds (no rendering, no query per block).
    gent = subscription_page(demo.gent)
    zone = gent.overrides[spring.LOCAL_ZONE_ID]["values"]
    text = {"type": "rich_text", "value": "<p>Hello</p>"}
    zone["blocks"] = [
        {**text, "id": str(uuid.uuid4())},
        {**text, "id": str(uuid.uuid4())},
        *zone["blocks"],
    ]
    gent.save_revision().publish()
    post(client, lille_page, "warm@example.com")  # caches filled (sites, types)
    counts = []
    for page, email in ((lille_page, "one@example.com"), (gent, "three@example.com")):
        with CaptureQueriesContext(connection) as queries:
            assert post(client, page, email).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Contact.objects.get(email="three@example.com").outlet == demo.gent


def test_a_link_confirms_only_the_request_it_was_sent_for(
    login, demo, lille_page, django_capture_on_commit_callbacks
):
    client = login("lille-manager")
    link = subscribed(
        client, lille_page, "wd@example.com", django_capture_on_commit_callbacks
    )
    lea = Contact.objects.get(email="wd@example.com")
    # The person withdraws (here through the admin) before opening the link.
    response = client.post(
        reverse("distmark_contacts:edit", args=[lea.pk]),
        {
            "email": "wd@example.com",
            "email_consent": "withdrawn",
            "sms_consent": "none",
        },
    )
    assert response.status_code == 302
    response = client.post(link, **at(link))
    assert response.status_code == 400
    assert "annulé après l’envoi de ce lien" in response.content.decode()
    lea.refresh_from_db()
    assert lea.email_consent == Consent.WITHDRAWN


def test_a_newer_request_replaces_the_older_link(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    first = subscribed(
        client, lille_page, "twice@example.com", django_capture_on_commit_callbacks
    )
    second = subscribed(
        client, lille_page, "twice@example.com", django_capture_on_commit_callbacks
    )
    assert first != second
    response = client.post(first, **at(first))
    assert response.status_code == 400
    assert "Un lien de confirmation plus récent" in response.content.decode()
    contact_row = Contact.objects.get(email="twice@example.com")
    assert contact_row.email_consent == Consent.PENDING
    assert client.post(second, **at(second)).status_code == 200
    contact_row.refresh_from_db()
    assert contact_row.email_consent == Consent.GRANTED


def test_a_tampered_or_expired_link_is_refused(
    client, demo, lille_page, settings, django_capture_on_commit_callbacks
):
    link = subscribed(
        client, lille_page, "t@example.com", django_capture_on_commit_callbacks
    )
    assert client.post(link[:-3] + "xyz/", **at(link)).status_code == 400
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CONFIRM_DAYS": -1}
    assert client.post(link, **at(link)).status_code == 400
    assert Contact.objects.get(email="t@example.com").email_consent == Consent.PENDING


def test_the_link_uses_the_outlets_site_not_the_requests_host(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    site = demo.lille.site
    site.port = 8000
    site.save()
    link = subscribed(
        client,
        lille_page,
        "host@example.com",
        django_capture_on_commit_callbacks,
        HTTP_HOST="lille.localhost:9999",  # the port the request claims
    )
    assert link.startswith("http://lille.localhost:8000/distmark/subscribe/confirm/")


def test_the_honeypot_records_nothing(client, demo, lille_page):
    response = post(client, lille_page, "bot@example.com", website="http://spam")
    assert response.status_code == 200  # answered as usual
    assert not Contact.objects.filter(email="bot@example.com").exists()
    assert not mail.outbox


def test_rate_limited_per_outlet_and_client_address(client, demo, lille_page, settings):
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_RATE_LIMIT": 3}
    codes = [
        post(client, lille_page, f"r{n}@example.com").status_code for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert (
        Contact.objects.filter(email__startswith="r", email__endswith="@example.com")
        .filter(outlet=demo.lille, email_consent=Consent.PENDING)
        .count()
        == 3
    )
    # The same client still reaches another outlet's form; another client
    # still reaches Lille's.
    gent_page = subscription_page(demo.gent)
    assert post(client, gent_page, "g@example.com").status_code == 200
    other = post(client, lille_page, "o@example.com", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_one_address_is_not_mailed_over_and_over(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    gent_page = subscription_page(demo.gent)
    codes = []
    for n, page in enumerate([lille_page, gent_page, lille_page, gent_page]):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(
                client, page, "victim@example.com", REMOTE_ADDR=f"198.51.100.{n + 1}"
            )
        codes.append(response.status_code)
    assert codes == [200, 200, 200, 429]
    assert len(mail.outbox) == 3


def forwarded(client, page, email, header, remote="10.0.0.1"):
    return post(client, page, email, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)


def test_behind_a_proxy_the_client_address_comes_from_the_trusted_header(
    client, demo, lille_page, settings
):
    settings.WAGTAIL_DISTMARK = {
        "SUBSCRIPTION_RATE_LIMIT": 2,
        "SUBSCRIPTION_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
    }
    # Our proxy appends the address it saw: the right-most entry. What the
    # client wrote before it (a forged address) is never believed.
    codes = [
        forwarded(
            client, lille_page, f"p{n}@example.com", f"192.0.2.{n}, 203.0.113.5"
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    # Another visitor behind the same proxy keeps their own count.
    other = forwarded(client, lille_page, "q@example.com", "203.0.113.6")
    assert other.status_code == 200


def test_two_trusted_proxies_read_the_second_entry_from_the_right(
    client, demo, lille_page, settings
):
    settings.WAGTAIL_DISTMARK = {
        "SUBSCRIPTION_RATE_LIMIT": 1,
        "SUBSCRIPTION_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "SUBSCRIPTION_TRUSTED_PROXY_COUNT": 2,
    }
    # CDN, then our load balancer: client, CDN's address.
    first = forwarded(client, lille_page, "a@example.com", "203.0.113.5, 198.51.100.1")
    again = forwarded(
        client, lille_page, "b@example.com", "1.1.1.1, 203.0.113.5, 198.51.100.2"
    )
    other = forwarded(client, lille_page, "c@example.com", "203.0.113.9, 198.51.100.1")
    assert [first.status_code, again.status_code, other.status_code] == [200, 429, 200]


def test_without_the_setting_a_forwarded_header_is_ignored(
    client, demo, lille_page, settings
):
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_RATE_LIMIT": 1}
    first = forwarded(client, lille_page, "a@example.com", "203.0.113.1")
    forged = forwarded(client, lille_page, "b@example.com", "203.0.113.2")
    assert [first.status_code, forged.status_code] == [200, 429]


def test_the_limits_live_in_the_configured_shared_cache(
    client, demo, lille_page, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "subscriptions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "distmark-subscription-tests",
        },
    }
    settings.WAGTAIL_DISTMARK = {
        "SUBSCRIPTION_RATE_LIMIT": 1,
        "SUBSCRIPTION_CACHE_ALIAS": "subscriptions",
    }
    caches["subscriptions"].clear()
    assert post(client, lille_page, "a@example.com").status_code == 200
    caches["default"].clear()  # another cache: the count stays
    assert post(client, lille_page, "b@example.com").status_code == 429
    caches["subscriptions"].clear()
    assert post(client, lille_page, "b@example.com").status_code == 200


def test_a_suppressed_address_is_not_written_nor_told(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    Suppression.suppress("gone@example.com", Suppression.Reason.ERASED)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, lille_page, "gone@example.com")
    assert (
        response.status_code == 200
        and "Nous vous avons envoyé un e-mail" in response.content.decode()
    )
    assert not Contact.objects.filter(email="gone@example.com").exists()
    assert not mail.outbox


def test_a_granted_contact_is_not_asked_again(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    known = contact(demo.lille, "known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, lille_page, "known@example.com").status_code == 200
    known.refresh_from_db()
    assert known.email_consent == Consent.GRANTED and not mail.outbox


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Lille's page: in Lille's language.
        ({"email": "not-an-address"}, "Veuillez saisir une adresse e-mail valide."),
        # No page, and not on an outlet's site: the default language.
        ({"email": "a@example.com", "page": 999999}, "This page does not exist."),
        ({"email": "a@example.com", "page": "abc"}, "This page does not exist."),
        ({"email": "a@example.com", "page": ""}, "This page does not exist."),
    ],
)
def test_bad_input_is_refused_clearly(client, demo, lille_page, data, message):
    payload = {"page": lille_page.pk, **data}
    # Lille's page is posted on Lille's site.
    on_lille = {} if "page" in data else {"HTTP_HOST": demo.lille.site.hostname}
    response = client.post(reverse(SUBSCRIBE), payload, **on_lille)
    assert response.status_code == 400
    assert message in response.content.decode()
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
    assert plain(message.subject) == "Confirmez votre abonnement à Lille Centre & Co's"
    assert "actualités de Lille Centre & Co's :" in plain(message.body)
    assert "&amp;" not in message.body and "&#x27;" not in message.body


def test_an_ipv6_client_counts_by_its_network(client, demo, lille_page, settings):
    # One client usually holds a whole /64: changing the last bits is no way
    # around the limit.
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_RATE_LIMIT": 1}

    def from_address(email, address):
        return post(client, lille_page, email, REMOTE_ADDR=address).status_code

    assert from_address("v1@example.com", "2001:db8::1") == 200
    assert from_address("v2@example.com", "2001:db8::ffff:2") == 429
    assert from_address("v3@example.com", "2001:db8:0:1::1") == 200


def test_the_confirmation_email_speaks_the_outlets_language(
    client, demo, django_capture_on_commit_callbacks
):
    # Whatever the visitor's browser says or the server's default language.
    for outlet, browser in ((demo.lille, "en"), (demo.gent, "fr")):
        with django_capture_on_commit_callbacks(execute=True):
            post(
                client,
                subscription_page(outlet),
                f"{outlet.slug}@example.com",
                HTTP_HOST=outlet.site.hostname,
                HTTP_ACCEPT_LANGUAGE=browser,
            )
    lille, gent = mail.outbox
    assert plain(lille.subject) == "Confirmez votre abonnement à Lille Centre"
    assert "Bonjour, veuillez confirmer" in lille.body
    assert "actualités de Lille Centre :" in plain(lille.body)
    assert "Si vous n’êtes pas à l’origine de cette demande" in lille.body
    assert gent.subject == "Bevestig uw inschrijving bij Gent Korenmarkt"
    assert "Hallo, bevestig dat u nieuws van Gent Korenmarkt" in gent.body
