"""The demo's brand library: sample assets drawn with Pillow (no downloads).

The brand library gets a logo and campaign visuals (one whose usage rights
expired, still used by an HQ template, so the asset check has something to
report), and Lille and Marseille each a store photo in their own collection.
"""

import datetime
from io import BytesIO

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from .models import BrandKit, ImageRights
from .services import ensure_brand_library

BRAND_ASSETS = [
    # title, colour, rights: (approved, expires in days or None)
    ("Brand logo", (200, 30, 45), (True, None)),
    ("Spring 2026 campaign visual", (90, 160, 70), (True, 120)),
    ("Spring 2025 campaign visual", (160, 160, 160), (True, -30)),
]
WINTER_SLUG = "winter-clearance"


def draw(title, colour, size=(600, 315)):
    """A flat-colour JPEG with its title written on it."""
    picture = PILImage.new("RGB", size, colour)
    ImageDraw.Draw(picture).text((24, size[1] // 2 - 8), title, fill=(255, 255, 255))
    buffer = BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    name = title.lower().replace(" ", "-").replace("—", "-") + ".jpg"
    return ImageFile(buffer, name=name)


def ensure_image(title, colour, collection):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image.objects.create(
            title=title,
            file=draw(title, colour),
            collection=collection,
            description=title,
        )
    return image


def ensure_brand_assets(outlets=()):
    """Create (once) the demo's brand and store images; return them by title."""
    library = ensure_brand_library()
    images = {}
    for title, colour, (approved, expires_in) in BRAND_ASSETS:
        image = ensure_image(title, colour, library)
        expires_on = (
            timezone.localdate() + datetime.timedelta(days=expires_in)
            if expires_in is not None
            else None
        )
        ImageRights.objects.get_or_create(
            image=image,
            defaults={
                "hq_approved": approved,
                "expires_on": expires_on,
                "credit": "© Distmark demo network",
            },
        )
        images[title] = image
    for outlet in outlets:
        title = f"Store front — {outlet.name}"
        images[title] = ensure_image(title, (40, 70, 140), outlet.collection)
    ensure_winter_clearance(images["Spring 2025 campaign visual"])
    ensure_brand_kit(images["Brand logo"])
    return images


def ensure_brand_kit(logo):
    """Fill the brand kit once: the logo, colours, fonts, tone of voice."""
    kit = BrandKit.load()
    if kit.colours or kit.logos:
        return kit
    kit.logos = [
        (
            "logo",
            {
                "image": logo,
                "name": "Main logo",
                "usage": "On white or light backgrounds, at least 30 mm wide.",
            },
        ),
    ]
    kit.colours = [
        (
            "colour",
            {"name": "Brand red", "hex": "#C81E2D", "usage": "Logo, buttons, prices."},
        ),
        (
            "colour",
            {
                "name": "Spring green",
                "hex": "#5AA046",
                "usage": "Spring 2026 campaign only.",
            },
        ),
        ("colour", {"name": "Ink", "hex": "#1F2933", "usage": "Body text."}),
    ]
    kit.fonts = [
        (
            "font",
            {
                "name": "Source Sans 3",
                "usage": "Headings and body text.",
                "fallback": "Arial",
                "file": None,
            },
        ),
    ]
    kit.legal_links = [
        (
            "link",
            {"label": "Legal notice", "link": "https://www.distmark.example/legal/"},
        ),
        ("link", {"label": "Privacy", "link": "https://www.distmark.example/privacy/"}),
    ]
    kit.tone_of_voice = (
        "<p>We speak to neighbours: warm, short and concrete. Say what is on "
        "offer, where and until when.</p><ul><li>Use “you”, never “customers”.</li>"
        "<li>No capitals for emphasis, no more than one exclamation mark.</li>"
        "<li>Name your store and your team: “Sophie and the Lille team”.</li></ul>"
    )
    kit.contact = "brand@distmark.example"
    kit.save()
    return kit


def ensure_winter_clearance(image):
    """An HQ template still showing last year's visual, whose rights expired."""
    from ..inheritance.demo import spring_promotion_body
    from ..inheritance.models import TemplatePage
    from ..inheritance.services import ensure_template_library

    if TemplatePage.objects.filter(slug=WINTER_SLUG).exists():
        return
    body = spring_promotion_body()[:2]
    body[0] = {
        **body[0],
        "id": "6a0c1c1e-0000-4000-8000-000000000001",
        "value": {**body[0]["value"], "title": "Winter clearance", "image": image.pk},
    }
    body[1] = {**body[1], "id": "6a0c1c1e-0000-4000-8000-000000000002"}
    template = TemplatePage(
        title="Winter clearance",
        slug=WINTER_SLUG,
        description="Last winter's clearance, kept for reference.",
        body=body,
    )
    ensure_template_library().add_child(instance=template)
    template.save_revision().publish()
