"""An outlet's home page, as visitors of the outlet's site see it."""

import re

import pytest

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.merge import merge_template
from wagtail_distmark.inheritance.models import LocalPage
from wagtail_distmark.inheritance.overrides import make_override
from wagtail_distmark.outlets.models import OpeningHours


def get_home(client, outlet):
    return client.get("/", HTTP_HOST=outlet.site.hostname)


def publish_spring_promotion(outlet):
    """The outlet's Spring promotion page (a draft in the demo), made live."""
    page = LocalPage.objects.get(outlet=outlet, hq_template__slug=spring.SPRING_SLUG)
    merged = merge_template(page.hq_template, {}).by_id(spring.EVENT_ID)
    page.overrides[spring.EVENT_ID] = make_override(merged, {"date": "2027-04-10"})
    page.save_revision().publish()
    return page


@pytest.mark.django_db
def test_phone_link_dials_digits_without_spaces(client, demo):
    response = get_home(client, demo.lille)

    html = response.content.decode()
    assert response.status_code == 200
    # The profile's "+33 3 20 00 00 01", dialable as written in E.164.
    assert 'href="tel:+33320000001"' in html
    assert not re.search(r'href="tel:[^"]*\s', html)
    assert "+33 3 20 00 00 01</a>" in html


@pytest.mark.django_db
def test_opening_hours_list_every_day_sunday_closed(client, demo):
    html = get_home(client, demo.lille).content.decode()

    hours = html[html.index('class="dm-hours"') :]
    hours = hours[: hours.index("</table>")]
    days = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
    for day in days:
        assert f">{day}</th>" in hours
    sunday = hours[hours.index(">Dimanche</th>") :]
    assert sunday.split("</tr>")[0].count("Fermé") == 1


@pytest.mark.django_db
def test_lunch_break_shows_both_spans_of_the_day(client, demo):
    OpeningHours.objects.filter(outlet=demo.lille, weekday=0).update(closes="12:00")
    OpeningHours.objects.create(
        outlet=demo.lille, weekday=0, opens="14:00", closes="19:00"
    )

    html = get_home(client, demo.lille).content.decode()

    monday = html[html.index(">Lundi</th>") :].split("</tr>")[0]
    assert '<time datetime="09:30">' in monday
    assert '<time datetime="14:00">' in monday


@pytest.mark.django_db
def test_home_page_is_branded_and_links_to_the_outlets_pages(client, demo):
    publish_spring_promotion(demo.lille)

    html = get_home(client, demo.lille).content.decode()

    # The shared layout: header with the brand's logo and the outlet's name,
    # navigation, footer with the address.
    assert '<header class="dm-site-header"' in html
    assert re.search(r'<img [^>]*alt="Brand logo"', html)
    assert "Lille Centre" in html
    nav = html[html.index('<nav class="dm-site-nav"') :].split("</nav>")[0]
    assert f'href="/{spring.SPRING_SLUG}/"' in nav
    footer = html[html.index('<footer class="dm-site-footer"') :]
    assert "12 rue Esquermoise" in footer
    # The home page also points visitors to what is on.
    main = html[html.index("<main") : html.index("</main>")]
    assert f'href="/{spring.SPRING_SLUG}/"' in main


@pytest.mark.django_db
def test_draft_pages_are_not_linked(client, demo):
    html = get_home(client, demo.lille).content.decode()

    assert f'href="/{spring.SPRING_SLUG}/"' not in html
