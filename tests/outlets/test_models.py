import datetime

import pytest
from django.core.exceptions import ValidationError

from wagtail_distmark.outlets.models import OpeningHours, validate_timezone


def test_outlet_site_serves_its_home_page(client, demo):
    response = client.get("/", headers={"host": "lille.localhost"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Lille Centre</h1>" in body
    assert "12 rue Esquermoise" in body
    assert 'lang="fr"' in body
    response = client.get("/", headers={"host": "gent.localhost"})
    assert "<h1>Gent Korenmarkt</h1>" in response.content.decode()


def test_home_page_renders_in_constant_queries(
    client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get("/", headers={"host": "lille.localhost"})


def test_closing_time_must_follow_opening_time(demo):
    span = OpeningHours(
        outlet=demo.lille,
        weekday=0,
        opens=datetime.time(18),
        closes=datetime.time(9),
    )
    with pytest.raises(ValidationError) as excinfo:
        span.full_clean()
    assert "closes" in excinfo.value.message_dict


def test_time_zone_must_exist():
    validate_timezone("America/Toronto")
    with pytest.raises(ValidationError, match="Europe/Lile"):
        validate_timezone("Europe/Lile")


def test_home_page_knows_its_outlet(demo):
    assert demo.lille.home_page.specific.outlet == demo.lille


def test_home_page_speaks_the_outlets_language(client, demo):
    response = client.get(
        "/", headers={"host": "gent.localhost", "accept-language": "fr"}
    )
    body = response.content.decode()
    assert 'lang="nl"' in body
    assert "Openingstijden" in body


def test_home_page_introduction_refuses_off_site_links_when_saved(login, demo):
    """The outlet's introduction follows the one link policy in the editor."""
    from django.urls import reverse
    from wagtail.models import Page

    home = Page.objects.get(pk=demo.lille.home_page_id).specific
    before = home.latest_revision_id
    response = login("lille-editor").post(
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        {
            "title": home.title,
            "slug": home.slug,
            "intro": '{"blocks": [{"key": "a", "type": "unstyled", "depth": 0, '
            '"text": "Visit", "inlineStyleRanges": [], "entityRanges": '
            '[{"offset": 0, "length": 5, "key": 0}], "data": {}}], "entityMap": '
            '{"0": {"type": "LINK", "mutability": "MUTABLE", "data": '
            '{"url": "//evil.example/"}}}}',
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("intro", []))
    assert "//evil.example/" in errors
    home.refresh_from_db()
    assert home.latest_revision_id == before
