"""What an outlet site's layout shows around every page: the brand kit's
logo, colours and fonts, the outlet's navigation, address and hours.

``{% distmark_site as site %}`` in ``wagtail_distmark/base.html`` computes it
once per request. Nothing is cached across requests: the brand kit is read
from the database at each page view (Wagtail caches a setting on the request
only), so HQ changing a colour changes every outlet site at the next page
view, without a deploy.
"""

import re
from types import SimpleNamespace

from django import template
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from ..blocks.library import phone_href, weekly_hours

register = template.Library()

HEX = re.compile(r"#[0-9A-Fa-f]{6}")
# A font's name as CSS reads it inside quotes: letters, digits, spaces, dashes.
FONT_NAME = re.compile(r"[\w .\-]{1,80}")
FONT_FORMATS = {"woff2": "woff2", "woff": "woff", "ttf": "truetype", "otf": "opentype"}
WHITE = "#ffffff"
INK = "#1f2933"
# WCAG 2.1 AA for normal text.
AA_CONTRAST = 4.5


def relative_luminance(hex_colour):
    """WCAG 2.1 relative luminance of ``#rrggbb``."""

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first, second):
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background):
    """White or ink, whichever reads better on ``background``."""
    return max((WHITE, INK), key=lambda colour: contrast_ratio(colour, background))


def readable_on(colour, background, minimum=AA_CONTRAST):
    """``colour``, darkened just enough to be read as text on ``background``.

    A light brand colour (a yellow) stays the brand's for surfaces; links and
    headings written in it use this darker shade, so they meet WCAG AA.
    """
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    shade = colour.lower()
    for step in range(21):
        factor = 1 - step / 20
        shade = "#" + "".join(
            f"{round(part * factor):02x}" for part in (red, green, blue)
        )
        if contrast_ratio(shade, background) >= minimum:
            break
    return shade


def brand_palette(kit):
    """The brand kit's colours as the theme uses them.

    The first colour is the primary (header band, buttons, links), the second
    the accent (borders, highlights); every brand colour is also available by
    position, ``--dm-brand-1`` and on.
    """
    colours = [
        block.value["hex"].lower()
        for block in kit.colours
        if HEX.fullmatch(block.value.get("hex") or "")
    ]
    primary = colours[0] if colours else "#1f4e8c"
    accent = colours[1] if len(colours) > 1 else primary
    return {
        "brand": colours,
        "primary": primary,
        "on-primary": text_on(primary),
        "primary-text": readable_on(primary, WHITE),
        "accent": accent,
        "on-accent": text_on(accent),
    }


def brand_fonts(kit):
    """``(font-family value, [@font-face rules])`` from the brand kit's first font."""
    for block in kit.fonts:
        name = (block.value.get("name") or "").strip()
        if not FONT_NAME.fullmatch(name):
            continue
        families = [f'"{name}"']
        fallback = (block.value.get("fallback") or "").strip()
        if FONT_NAME.fullmatch(fallback):
            families.append(f'"{fallback}"')
        families.append("system-ui, sans-serif")
        faces = []
        document = block.value.get("file")
        extension = document.file_extension.lower() if document is not None else ""
        if extension in FONT_FORMATS:
            faces.append(
                format_html(
                    '@font-face {{ font-family: "{}"; src: url("{}") format("{}"); '
                    "font-display: swap; }}",
                    name,
                    document.url,
                    FONT_FORMATS[extension],
                )
            )
        return ", ".join(families), faces
    return "system-ui, sans-serif", []


def brand_css(kit):
    """The brand kit as CSS custom properties on ``:root``, for a ``<style>``.

    Every value is checked (colours are ``#rrggbb``, font names plain words),
    so nothing HQ types can close the style element.
    """
    palette = brand_palette(kit)
    family, faces = brand_fonts(kit)
    properties = [
        f"--dm-brand-{position}: {colour};"
        for position, colour in enumerate(palette.pop("brand"), start=1)
    ]
    properties += [f"--dm-color-{name}: {value};" for name, value in palette.items()]
    properties.append(f"--dm-font-family: {family};")
    rules = [*faces, ":root { " + " ".join(properties) + " }"]
    return mark_safe("\n".join(rules))  # noqa: S308 (every part validated above)


# The header's logo; the sites' icon reuses the same rendition.
LOGO_FILTER = "height-80"


def brand_logo(kit):
    """The brand kit's first logo whose usage rights have not expired, or None.

    Read from the stream's raw ids: one query for the images with their
    rights, one for their prefetched renditions.
    """
    ids = [
        item["value"].get("image")
        for item in kit.logos.raw_data
        if isinstance(item.get("value"), dict) and item["value"].get("image")
    ]
    if not ids:
        return None
    images = (
        get_image_model()
        .objects.filter(pk__in=ids)
        .select_related("distmark_rights")
        .prefetch_renditions(LOGO_FILTER)
        .in_bulk()
    )
    for image_id in ids:
        image = images.get(image_id)
        rights = getattr(image, "distmark_rights", None) if image else None
        if image is not None and not (rights is not None and rights.is_expired):
            return image
    return None


def site_pages(site):
    """The live pages directly under the site's home page, in the page
    explorer's order: one query. Pages with their own view restriction are
    left out (a visitor would meet a login form)."""
    if site is None:
        return []
    return list(
        Page.objects.child_of(site.root_page)
        .live()
        .exclude(Exists(PageViewRestriction.objects.filter(page=OuterRef("pk"))))
        .order_by("path")
    )


def site_outlet(site):
    from ..outlets.models import Outlet

    if site is None:
        return None
    return Outlet.objects.prefetch_related("opening_hours").filter(site=site).first()


@register.simple_tag(takes_context=True)
def distmark_site(context):
    """The layout's data for this request: ``site.outlet``, ``site.pages``,
    ``site.home_url``, ``site.logo``, ``site.brand_css``, ``site.legal_links``,
    ``site.weekly_hours``, ``site.phone_href``."""
    from ..media.models import BrandKit

    request = context.get("request")
    cached = getattr(request, "_distmark_site", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request) if request is not None else None
    outlet = context.get("outlet")
    if outlet is None:
        outlet = site_outlet(site)
    kit = BrandKit.load(request_or_site=request)
    layout = SimpleNamespace(
        site=site,
        outlet=outlet,
        name=outlet.name if outlet else (site.site_name if site else ""),
        home_url="/" if site is not None else "",
        pages=site_pages(site),
        logo=brand_logo(kit),
        brand_css=brand_css(kit),
        legal_links=[block.value for block in kit.legal_links],
        weekly_hours=weekly_hours(outlet) if outlet else [],
        phone_href=phone_href(outlet.phone) if outlet else "",
    )
    if request is not None:
        request._distmark_site = layout
    return layout


@register.filter
def tel_href(phone):
    """``"+33 3 20 00 00 01"`` as a link a phone dials: ``tel:+33320000001``."""
    return phone_href(phone)
