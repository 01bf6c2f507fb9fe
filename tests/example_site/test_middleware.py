"""A missing page on an outlet's site shows the site's own branded 404 page,
in the demo (DEBUG) as in production."""

import re

import pytest
from django.test import override_settings


def branded_404(response, outlet):
    html = response.content.decode()
    return (
        response.status_code == 404
        and re.search(r'<body class="[^"]*\bdm-not-found\b', html)
        and '<header class="dm-site-header"' in html
        and outlet.name in html
    )


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_missing_page_on_an_outlet_site_shows_its_branded_404(client, demo, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page/", HTTP_HOST=demo.lille.site.hostname)

    assert branded_404(response, demo.lille)
    html = response.content.decode()
    assert "Using the URLconf" not in html  # Django's technical page
    # Said in the outlet's language, with a way back home.
    assert 'lang="fr"' in html
    assert 'href="/"' in html


@pytest.mark.django_db
def test_gent_404_speaks_dutch(client, demo):
    with override_settings(DEBUG=True):
        response = client.get("/bestaat-niet/", HTTP_HOST=demo.gent.site.hostname)

    assert branded_404(response, demo.gent)
    assert 'lang="nl"' in response.content.decode()


@pytest.mark.django_db
def test_outside_outlet_sites_debug_keeps_djangos_technical_404(client, demo):
    # The network's own host (admin, HQ): developers keep Django's debug page.
    with override_settings(DEBUG=True):
        response = client.get("/no-such-page/", HTTP_HOST="localhost")

    html = response.content.decode()
    assert response.status_code == 404
    assert "dm-not-found" not in html
    assert "Raised by:" in html
