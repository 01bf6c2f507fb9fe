"""The public subscription pages: the confirmation link asks the person, and
every page speaks the outlet's language.

Mail scanners and link previewers open the links in emails: opening the
confirmation link must change nothing; only the person's press of the
button on the page (a POST with a CSRF token) grants consent.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, Site

from tests.contacts.test_subscription import confirm_link, plain, subscription_page
from wagtail_distmark.conf import distmark_settings
from wagtail_distmark.contacts.models import Consent, Contact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    caches[distmark_settings.SUBSCRIPTION_CACHE_ALIAS].clear()
    yield
    caches[distmark_settings.SUBSCRIPTION_CACHE_ALIAS].clear()


@pytest.fixture
def lille_page(demo):
    return subscription_page(demo.lille)


def host(outlet):
    return {"HTTP_HOST": outlet.site.hostname}


def subscribe(client, outlet, page, email, captured, **headers):
    """Post the page's form from the outlet's site; return the emailed link.

    (Posted without a CSRF token: the form is not what these tests check.)
    """
    with captured(execute=True):
        response = Client().post(
            reverse("distmark_subscribe"),
            {"page": page.pk, "email": email},
            **host(outlet),
            **headers,
        )
    assert response.status_code == 200, response.content
    return confirm_link()


def text(response):
    """The page's HTML, French no-break spaces read as spaces."""
    return plain(response.content.decode())


def on_site(outlet, page):
    """``page``'s address as a link on ``outlet``'s site reads it."""
    return page.get_url(current_site=outlet.site)


def path_of(link):
    return urlsplit(link).path


def csrf_token(response):
    return re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', text(response)
    ).group(1)


def press_confirm(client, outlet, link):
    """Open the link and press the page's button, as the person does."""
    page = client.get(path_of(link), **host(outlet))
    assert page.status_code == 200, page.content
    return client.post(
        path_of(link), {"csrfmiddlewaretoken": csrf_token(page)}, **host(outlet)
    )


def snapshot(contact_row):
    contact_row.refresh_from_db()
    return (
        contact_row.email_consent,
        contact_row.email_consent_at,
        contact_row.email_consent_source,
    )


def test_opening_the_link_asks_and_changes_nothing(
    demo, lille_page, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    link = subscribe(
        client,
        demo.lille,
        lille_page,
        "scan@example.com",
        django_capture_on_commit_callbacks,
    )
    lea = Contact.objects.get(email="scan@example.com")
    before = snapshot(lea)
    # A mail scanner fetches the link (twice, and a HEAD request too).
    for method in (client.get, client.get, client.head):
        response = method(path_of(link), **host(demo.lille))
        assert response.status_code == 200
    assert snapshot(lea) == before
    assert before[0] == Consent.PENDING
    assert not Contact.objects.reachable_by_email().filter(pk=lea.pk).exists()
    # The page asks the person, on the outlet's site, naming the outlet.
    response = client.get(path_of(link), **host(demo.lille))
    # Its address holds the token: never cached, no Referer to other sites.
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    html = text(response)
    assert "Lille Centre" in html
    form = re.search(r'<form method="post"[^>]*>.*?</form>', html, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit"' in form
    assert snapshot(lea) == before


def test_only_the_persons_post_with_its_csrf_token_confirms(
    demo, lille_page, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    link = subscribe(
        client,
        demo.lille,
        lille_page,
        "press@example.com",
        django_capture_on_commit_callbacks,
    )
    lea = Contact.objects.get(email="press@example.com")
    # A forged post (no token) is refused and changes nothing.
    forged = Client(enforce_csrf_checks=True).post(path_of(link), **host(demo.lille))
    assert forged.status_code == 403
    assert snapshot(lea)[0] == Consent.PENDING

    second_tab = client.get(path_of(link), **host(demo.lille))
    response = press_confirm(client, demo.lille, link)
    assert response.status_code == 200
    assert "vous recevrez les actualités de Lille Centre" in text(response)
    consent, confirmed_at, source = snapshot(lea)
    assert consent == Consent.GRANTED and source == "double opt-in"
    assert Contact.objects.reachable_by_email().filter(pk=lea.pk).exists()
    # Pressing the button again in another tab changes nothing, and says so;
    # so does opening the link again.
    again = client.post(
        path_of(link),
        {"csrfmiddlewaretoken": csrf_token(second_tab)},
        **host(demo.lille),
    )
    assert again.status_code == 200
    assert "Votre abonnement est déjà confirmé." in text(again)
    assert "déjà confirmé" in text(client.get(path_of(link), **host(demo.lille)))
    assert snapshot(lea) == (Consent.GRANTED, confirmed_at, "double opt-in")


def test_the_post_confirms_only_the_request_the_link_was_sent_for(
    demo, lille_page, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    first = subscribe(
        client,
        demo.lille,
        lille_page,
        "stale@example.com",
        django_capture_on_commit_callbacks,
    )
    page = client.get(path_of(first), **host(demo.lille))
    token = csrf_token(page)
    # A newer request is made while the first page is still open.
    subscribe(
        client,
        demo.lille,
        lille_page,
        "stale@example.com",
        django_capture_on_commit_callbacks,
    )
    response = client.post(
        path_of(first), {"csrfmiddlewaretoken": token}, **host(demo.lille)
    )
    assert response.status_code == 400
    assert Contact.objects.get(email="stale@example.com").email_consent == (
        Consent.PENDING
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_says_so_and_offers_to_subscribe_again(
    demo, lille_page, settings, method, django_capture_on_commit_callbacks
):
    client = Client()
    link = subscribe(
        client,
        demo.lille,
        lille_page,
        "bad@example.com",
        django_capture_on_commit_callbacks,
    )
    tampered = path_of(link)[:-4] + "xyz/"
    expired = path_of(link)
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CONFIRM_DAYS": -1}
    for url, again_url in (
        # Its signature broken, the link names nothing: the outlet's home page.
        (tampered, on_site(demo.lille, demo.lille.home_page)),
        # Expired, it still names the page its form is on.
        (expired, on_site(demo.lille, lille_page)),
    ):
        response = getattr(client, method)(url, **host(demo.lille))
        assert response.status_code == 400
        html = text(response)
        assert "Ce lien n’est pas valide ou a expiré." in html
        assert f'href="{again_url}"' in html
        assert "<form" not in html
    assert Contact.objects.get(email="bad@example.com").email_consent == (
        Consent.PENDING
    )


def test_a_withdrawn_or_used_link_offers_the_way_back(
    demo, lille_page, django_capture_on_commit_callbacks
):
    client = Client()
    link = subscribe(
        client,
        demo.lille,
        lille_page,
        "gone@example.com",
        django_capture_on_commit_callbacks,
    )
    Contact.objects.filter(email="gone@example.com").update(
        email_consent=Consent.WITHDRAWN
    )
    for method in (client.get, client.post):
        response = method(path_of(link), **host(demo.lille))
        assert response.status_code == 400
        html = text(response)
        assert "annulé après l’envoi de ce lien" in html
        assert f'href="{on_site(demo.lille, lille_page)}"' in html
    assert Contact.objects.get(email="gone@example.com").email_consent == (
        Consent.WITHDRAWN
    )


def test_the_pages_speak_the_outlets_language_not_the_browsers(
    demo, django_capture_on_commit_callbacks
):
    client = Client()
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en"}
    lille_page = subscription_page(demo.lille)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("distmark_subscribe"),
            {"page": lille_page.pk, "email": "fr@example.com"},
            **host(demo.lille),
            **english_browser,
        )
    html = text(response)
    assert '<html lang="fr">' in html
    assert "Nous vous avons envoyé un e-mail" in html
    link = confirm_link()

    page = client.get(path_of(link), **host(demo.lille), **english_browser)
    html = text(page)
    assert '<html lang="fr">' in html
    assert "Confirmez votre abonnement à Lille Centre" in html
    assert page["Content-Language"] == "fr"
    done = client.post(
        path_of(link),
        {"csrfmiddlewaretoken": csrf_token(page)},
        **host(demo.lille),
        **english_browser,
    )
    assert "Merci : vous recevrez les actualités de Lille Centre." in (text(done))
    bad = client.get(path_of(link)[:-4] + "xyz/", **host(demo.lille), **english_browser)
    assert "Veuillez vous abonner à nouveau." in text(bad)

    # Gent's pages are in Dutch, for a French-speaking browser too.
    gent_page = subscription_page(demo.gent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("distmark_subscribe"),
            {"page": gent_page.pk, "email": "nl@example.com"},
            **host(demo.gent),
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    page = client.get(
        path_of(confirm_link()), **host(demo.gent), HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = text(page)
    assert '<html lang="nl">' in html
    assert "Bevestig uw inschrijving bij Gent Korenmarkt" in html


def test_refused_posts_speak_the_pages_outlet_language(client, demo, lille_page):
    response = client.post(
        reverse("distmark_subscribe"),
        {"page": lille_page.pk, "email": "not-an-address"},
        **host(demo.lille),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Veuillez saisir une adresse e-mail valide." in text(response)
    assert not mail.outbox


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_a_link_is_answered_only_on_its_outlets_own_site(
    demo, lille_page, settings, method, django_capture_on_commit_callbacks
):
    client = Client()
    link = subscribe(
        client,
        demo.lille,
        lille_page,
        "elsewhere@example.com",
        django_capture_on_commit_callbacks,
    )
    lea = Contact.objects.get(email="elsewhere@example.com")
    before = snapshot(lea)
    # Lille's link on Gent's site: not found there, whatever its state, and
    # pressing a button posted there confirms nothing.
    response = getattr(client, method)(path_of(link), **host(demo.gent))
    assert response.status_code == 404
    assert "Lille Centre" not in text(response)
    assert snapshot(lea) == before
    # An expired link (it names no contact, only its form's page) too.
    settings.WAGTAIL_DISTMARK = {"SUBSCRIPTION_CONFIRM_DAYS": -1}
    response = getattr(client, method)(path_of(link), **host(demo.gent))
    assert response.status_code == 404
    # On Lille's own site the link still works.
    settings.WAGTAIL_DISTMARK = {}
    response = getattr(client, method)(path_of(link), **host(demo.lille))
    assert response.status_code == 200
    if method == "post":
        assert snapshot(lea)[0] == Consent.GRANTED


def test_a_form_posts_only_to_its_own_pages_site(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    # Lille's page id, posted to Gent's site: answered as a page that does
    # not exist there (in Gent's language), nothing written, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("distmark_subscribe"),
            {"page": lille_page.pk, "email": "cross@example.com"},
            **host(demo.gent),
        )
    assert response.status_code == 400
    assert "Lille Centre" not in text(response)
    assert "Deze pagina bestaat niet." in text(response)
    assert "Gent Korenmarkt</a>" in site_header(response)
    assert not Contact.objects.filter(email="cross@example.com").exists()
    assert not mail.outbox


def site_header(response):
    """The outlet's header the page shows (its name, a link home), or None."""
    found = re.search(
        r'<header class="dm-site-header">.*?</header>', text(response), re.S
    )
    return found.group(0) if found else None


def test_the_pages_show_the_outlets_name_and_a_way_home(
    demo, lille_page, django_capture_on_commit_callbacks
):
    # Within the outlet's page layout, as its pages: a visitor sees whose
    # site this is, and can go back to its home page.
    home = f'<a href="{on_site(demo.lille, demo.lille.home_page)}" rel="home">'
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("distmark_subscribe"),
            {"page": lille_page.pk, "email": "look@example.com"},
            **host(demo.lille),
        )
    link = confirm_link()
    asking = client.get(path_of(link), **host(demo.lille))
    done = client.post(
        path_of(link), {"csrfmiddlewaretoken": csrf_token(asking)}, **host(demo.lille)
    )
    bad = client.get(path_of(link)[:-4] + "xyz/", **host(demo.lille))
    for response in (answer, asking, done, bad):
        header = site_header(response)
        assert header is not None, text(response)
        assert home in header and "Lille Centre</a>" in header
        # Still kept out of search engines.
        assert '<meta name="robots" content="noindex">' in text(response)
    # Off every outlet's site, no outlet's header.
    nowhere = client.post(
        reverse("distmark_subscribe"), {"page": 999999, "email": "x@example.com"}
    )
    assert site_header(nowhere) is None


def test_the_confirmed_page_says_so_in_neutral_words(
    demo, lille_page, django_capture_on_commit_callbacks
):
    # A title that names the subscription, not the person ("Subscribed"
    # reads "Abonné", masculine, in French).
    demo.lille.locale = "en"
    demo.lille.save(update_fields=["locale"])
    client = Client()
    link = subscribe(
        client,
        demo.lille,
        lille_page,
        "words@example.com",
        django_capture_on_commit_callbacks,
    )
    asking = client.get(path_of(link), **host(demo.lille))
    assert "Press the button to receive news from Lille Centre by email" in (
        text(asking)
    )
    for _ in range(2):  # confirmed, then already confirmed
        response = client.post(
            path_of(link),
            {"csrfmiddlewaretoken": csrf_token(asking)},
            **host(demo.lille),
        )
        html = text(response)
        assert "<title>Subscription confirmed</title>" in html
        assert "<h1>Subscription confirmed</h1>" in html
        assert "Subscribed" not in html
    assert "news from Lille Centre" in mail.outbox[-1].body


def test_a_site_rooted_above_the_outlets_takes_no_post_for_their_pages(
    client, demo, lille_page, django_capture_on_commit_callbacks
):
    # An HQ site whose root holds every outlet's pages: Lille's page is still
    # Lille's site's (Wagtail gives a page the site with the deepest root).
    Site.objects.create(
        hostname="hq.localhost", port=80, root_page=Page.get_first_root_node()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("distmark_subscribe"),
            {"page": lille_page.pk, "email": "above@example.com"},
            HTTP_HOST="hq.localhost",
        )
    assert response.status_code == 400
    assert not Contact.objects.filter(email="above@example.com").exists()
    assert not mail.outbox
