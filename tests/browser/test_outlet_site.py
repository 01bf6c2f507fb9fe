"""Lille's public site in Chromium, as a visitor sees it, on a desktop and a phone.

Lighthouse-style checks on the home page and the Spring promotion at 1,280 and
375 px wide: the brand kit's logo and colours are on screen, no console error,
every image has alt text, the brand colours' text meets WCAG AA contrast on
its background, and nothing scrolls sideways on a phone. Then HQ changes the
brand kit's primary colour in the admin, and Lille's site follows.

Screenshots go to ``tests/browser/artefacts/`` (``DISTMARK_SCREENSHOTS`` to
change it; not in git). ``DISTMARK_UPDATE_DOCS_SCREENSHOTS=1`` also copies
them to ``docs/images/``, where docs/theme.md shows them.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from wagtail.images import get_image_model

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.merge import merge_template
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage
from wagtail_distmark.inheritance.overrides import make_override
from wagtail_distmark.media.models import BrandKit

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = Path(
    os.environ.get("DISTMARK_SCREENSHOTS") or Path(__file__).parent / "artefacts"
)
DOCS_IMAGES = ROOT / "docs" / "images"
WIDTHS = {"desktop": 1280, "phone": 375}
BRAND_RED = "rgb(200, 30, 45)"
NEW_PRIMARY = "#0B5A8C"
AA = 4.5

# The WCAG 2.1 contrast ratio of an element's text on the background it sits
# on (the first ancestor with an opaque background), from computed styles.
CONTRAST_JS = """
el => {
  const rgb = value => value.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = c => {
      c /= 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let node = el, background = null;
  while (node && node.nodeType === 1) {
    const value = getComputedStyle(node).backgroundColor;
    const parts = rgb(value);
    if (parts.length < 4 || parts[3] === 1) { background = parts.slice(0, 3); break; }
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const text = rgb(getComputedStyle(el).color).slice(0, 3);
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}
"""


def site_url(live_demo, outlet, path="/"):
    port = urlsplit(live_demo.url).port
    return f"http://{outlet.site.hostname}:{port}{path}"


def make_spring_promotion_live(live_demo):
    """HQ's template with a hero visual, and Lille's page filled in and live."""
    visual = get_image_model().objects.get(title="Spring 2026 campaign visual")
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    for block in template.body:
        if block.id == spring.HERO_ID:
            block.value["image"] = visual
    template.save_revision(user=live_demo.users["hq"]).publish(
        user=live_demo.users["hq"]
    )

    page = LocalPage.objects.get(
        outlet=live_demo.lille, hq_template__slug=spring.SPRING_SLUG
    )
    template = page.hq_template
    for block_id, values in (
        (spring.HERO_ID, {"subtitle": "Lille fête le printemps, rue Esquermoise"}),
        (spring.PROMOTION_ID, {"discount_percent": 15}),
        (spring.EVENT_ID, {"date": "2027-04-10", "time": "10:00"}),
    ):
        merged = merge_template(template, {}).by_id(block_id)
        page.overrides[block_id] = make_override(merged, values)
    page.save_revision().publish()
    return page


def watch_errors(page):
    """Console errors and uncaught exceptions the page reports, as a list."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


def screenshot(page, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    if os.environ.get("DISTMARK_UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / f"outlet-site-{name}.png")
    return path


def contrast(page, selector):
    return page.locator(selector).first.evaluate(CONTRAST_JS)


def check_page(page, width):
    """The checks every page of the outlet site passes at ``width`` px."""
    # The brand kit's logo, with its alt text, and the brand's colour.
    logo = page.locator(".dm-site-header img.dm-site-brand__logo")
    expect(logo).to_be_visible()
    expect(logo).to_have_attribute("alt", "Brand logo")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator(".dm-site-header")).to_have_css("border-top-color", BRAND_RED)
    expect(page.locator(".dm-site-nav")).to_have_css("background-color", BRAND_RED)
    expect(page.locator(".dm-site-brand a")).to_contain_text("Lille Centre")
    # The theme's stylesheet and the brand's font stack are in use.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Source Sans 3"'), font

    # Every image says what it shows.
    missing_alt = page.evaluate(
        "[...document.images].filter(img => !img.getAttribute('alt')).map(img => img.src)"
    )
    assert missing_alt == []

    # Brand-coloured text is readable (WCAG AA) on what it sits on.
    for selector in (
        ".dm-site-brand a",
        ".dm-site-nav a",
        ".dm-site-main h1",
        ".dm-site-footer a",
        ".dm-site-footer .dm-hours th",
    ):
        ratio = contrast(page, selector)
        assert ratio >= AA, f"{selector}: contrast {ratio:.2f}"

    # A phone never scrolls sideways.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{scroll_width} px wide at {width} px"


def test_lille_site_is_branded_readable_and_follows_the_brand_kit(
    page, browser, live_demo, admin_login
):
    make_spring_promotion_live(live_demo)
    errors = watch_errors(page)
    home = site_url(live_demo, live_demo.lille)
    promotion = site_url(live_demo, live_demo.lille, f"/{spring.SPRING_SLUG}/")

    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})

        page.goto(home)
        check_page(page, width)
        # The home page leads to the promotion, in the navigation and its body.
        expect(page.locator(".dm-site-nav a", has_text="Spring")).to_have_attribute(
            "href", f"/{spring.SPRING_SLUG}/"
        )
        expect(page.locator(".dm-whats-on a")).to_have_text(
            LocalPage.objects.get(
                outlet=live_demo.lille, hq_template__slug=spring.SPRING_SLUG
            ).title
        )
        expect(page.locator(".dm-outlet-info__phone")).to_have_attribute(
            "href", "tel:+33320000001"
        )
        expect(page.locator(".dm-outlet-info .dm-hours tr")).to_have_count(7)
        screenshot(page, f"home-{label}")

        page.goto(promotion)
        check_page(page, width)
        expect(page.locator(".dm-hero__image")).to_be_visible()
        expect(page.locator(".dm-promotion__discount")).to_contain_text("15")
        for selector in (".dm-promotion__discount", ".dm-hero__title"):
            ratio = contrast(page, selector)
            assert ratio >= AA, f"{selector}: contrast {ratio:.2f}"
        expect(page.locator('.dm-site-nav a[aria-current="page"]')).to_have_attribute(
            "href", f"/{spring.SPRING_SLUG}/"
        )
        screenshot(page, f"spring-promotion-{label}")

    assert errors == []

    # A missing page: Lille's own page, in French, not Django's debug page.
    response = page.goto(site_url(live_demo, live_demo.lille, "/no-such-page/"))
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("body.dm-not-found h1")).to_be_visible()
    expect(page.locator(".dm-site-nav")).to_have_css("background-color", BRAND_RED)

    # HQ changes the primary colour in the brand kit's settings form.
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login("hq")
    kit = BrandKit.load()
    page.goto(f"{live_demo.url}/admin/settings/wagtail_distmark/brandkit/{kit.pk}/")
    hex_field = page.locator("#colours-0-value-hex")
    expect(hex_field).to_have_value("#C81E2D")
    hex_field.fill(NEW_PRIMARY)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages .success")).to_be_visible()

    visitor = browser.new_context(viewport={"width": 375, "height": 900})
    try:
        lille = visitor.new_page()
        visitor_errors = watch_errors(lille)
        lille.goto(home)
        expect(lille.locator(".dm-site-nav")).to_have_css(
            "background-color", "rgb(11, 90, 140)"
        )
        expect(lille.locator(".dm-whats-on a")).to_have_css("color", "rgb(11, 90, 140)")
        assert contrast(lille, ".dm-site-nav a") >= AA
        assert visitor_errors == []
    finally:
        visitor.close()
