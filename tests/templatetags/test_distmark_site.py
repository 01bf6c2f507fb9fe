"""The outlet site's layout: brand kit as CSS, logo, navigation, footer."""

import datetime
import re

import pytest
from wagtail.models import PageViewRestriction

from tests.outlets.test_outlet_home_page import publish_spring_promotion
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.media.models import BrandKit, ImageRights
from wagtail_distmark.templatetags.distmark_site import (
    brand_css,
    contrast_ratio,
    readable_on,
    text_on,
)


def get_home(client, outlet):
    return client.get("/", HTTP_HOST=outlet.site.hostname).content.decode()


def root_style(html):
    return re.search(r"<style>(.*?)</style>", html, re.S).group(1)


def set_colours(*hexes):
    kit = BrandKit.load()
    kit.colours = [
        ("colour", {"name": f"Colour {i}", "hex": hex_, "usage": ""})
        for i, hex_ in enumerate(hexes)
    ]
    kit.save()
    return kit


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # The demo's brand red reads on white (AA: 4.5).
    assert contrast_ratio("#c81e2d", "#ffffff") > 4.5


def test_text_on_a_colour_is_white_or_ink_whichever_reads_better():
    assert text_on("#c81e2d") == "#ffffff"
    assert text_on("#ffd200") == "#1f2933"


def test_a_light_brand_colour_is_darkened_for_text_only_as_much_as_needed():
    shade = readable_on("#ffd200", "#ffffff")
    assert contrast_ratio(shade, "#ffffff") >= 4.5
    # Still a yellow-brown, not black.
    assert shade != "#000000"
    assert readable_on("#c81e2d", "#ffffff") == "#c81e2d"


@pytest.mark.django_db
def test_brand_kit_colours_and_font_become_css_variables(client, demo):
    html = get_home(client, demo.lille)

    style = root_style(html)
    assert "--dm-color-primary: #c81e2d;" in style
    assert "--dm-color-on-primary: #ffffff;" in style
    assert "--dm-color-accent: #5aa046;" in style
    assert "--dm-brand-3: #1f2933;" in style
    assert '--dm-font-family: "Source Sans 3", "Arial", system-ui, sans-serif;' in style
    assert '<link rel="stylesheet" href="/static/example_site/theme.css">' in html


@pytest.mark.django_db
def test_hq_changing_the_primary_colour_changes_outlet_sites_at_the_next_request(
    client, demo
):
    assert "--dm-color-primary: #c81e2d;" in root_style(get_home(client, demo.lille))

    set_colours("#0b5fff", "#5aa046")

    for outlet in (demo.lille, demo.gent):
        assert "--dm-color-primary: #0b5fff;" in root_style(get_home(client, outlet))


@pytest.mark.django_db
def test_nothing_hq_types_can_close_the_style_element(demo):
    kit = set_colours("#c81e2d")
    kit.fonts = [
        (
            "font",
            {
                "name": "x</style><script>alert(1)</script>",
                "fallback": "",
                "file": None,
            },
        )
    ]

    css = brand_css(kit)

    assert "<" not in css
    assert "--dm-font-family: system-ui, sans-serif;" in css


@pytest.mark.django_db
def test_header_shows_the_brand_logo_with_alt_text_and_the_outlets_name(client, demo):
    html = get_home(client, demo.gent)

    header = re.search(r'<header class="dm-site-header">.*?</header>', html, re.S)[0]
    assert re.search(r'<img alt="Brand logo" class="dm-site-brand__logo"', header)
    assert "Gent Korenmarkt</a>" in header


@pytest.mark.django_db
def test_a_logo_whose_rights_expired_is_not_shown(client, demo):
    logo = BrandKit.load().logos[0].value["image"]
    ImageRights.objects.update_or_create(
        image=logo,
        defaults={"hq_approved": True, "expires_on": datetime.date(2020, 1, 1)},
    )

    html = get_home(client, demo.lille)

    assert "dm-site-brand__logo" not in html
    assert "Lille Centre</a>" in html


@pytest.mark.django_db
def test_navigation_lists_live_public_pages_of_this_outlet_only(client, demo):
    lille_page = publish_spring_promotion(demo.lille)

    html = get_home(client, demo.lille)
    nav = html[html.index('<nav class="dm-site-nav"') :].split("</nav>")[0]
    assert f'href="/{spring.SPRING_SLUG}/"' in nav
    assert 'aria-current="page">Accueil</a>' in nav  # Lille's site is French
    # Gent's page is a draft: Gent's navigation has no link to it, nor to Lille's.
    assert 'class="dm-site-nav"' not in get_home(client, demo.gent)

    PageViewRestriction.objects.create(
        page=lille_page, restriction_type=PageViewRestriction.LOGIN
    )
    assert f'href="/{spring.SPRING_SLUG}/"' not in get_home(client, demo.lille)


@pytest.mark.django_db
def test_footer_shows_address_hours_and_hqs_legal_links(client, demo):
    html = get_home(client, demo.lille)

    footer = html[html.index('<footer class="dm-site-footer">') :]
    assert "12 rue Esquermoise" in footer
    assert 'href="tel:+33320000001"' in footer
    assert 'href="mailto:lille@distmark.example"' in footer
    assert ">Dimanche</th>" in footer
    assert '<a href="https://www.distmark.example/legal/">Legal notice</a>' in footer


@pytest.mark.django_db
def test_spring_promotion_page_has_the_same_layout(client, demo):
    publish_spring_promotion(demo.lille)

    html = client.get(
        f"/{spring.SPRING_SLUG}/", HTTP_HOST=demo.lille.site.hostname
    ).content.decode()

    assert '<header class="dm-site-header">' in html
    assert f'<a href="/{spring.SPRING_SLUG}/" aria-current="page">' in html
    assert '<footer class="dm-site-footer">' in html


@pytest.mark.django_db
def test_layout_costs_a_fixed_number_of_queries(
    client, demo, django_assert_max_num_queries
):
    publish_spring_promotion(demo.lille)
    get_home(client, demo.lille)  # warm Wagtail's per-process caches

    with django_assert_max_num_queries(12):
        get_home(client, demo.lille)
