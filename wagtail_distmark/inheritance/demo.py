"""The demo's "Spring promotion" template (used by ``distmark_demo`` and the tests).

Block ids are fixed so the demo, the tests and the docs can name each block.
"""

from django.utils.translation import gettext as _

from ..blocks.base import EDITABLE, LOCKED, OPTIONAL, REQUIRED
from .models import TemplatePage
from .services import create_local_page, ensure_template_library, existing_local_page

SPRING_SLUG = "spring-promotion"

HERO_ID = "5f0c1c1e-0000-4000-8000-000000000001"
BRAND_TEXT_ID = "5f0c1c1e-0000-4000-8000-000000000002"
PROMOTION_ID = "5f0c1c1e-0000-4000-8000-000000000003"
EVENT_ID = "5f0c1c1e-0000-4000-8000-000000000004"
OUTLET_INFO_ID = "5f0c1c1e-0000-4000-8000-000000000005"
SIGNATURE_ID = "5f0c1c1e-0000-4000-8000-000000000006"
LOCAL_ZONE_ID = "5f0c1c1e-0000-4000-8000-000000000007"


def spring_promotion_body():
    return [
        {
            "type": "hero",
            "id": HERO_ID,
            "value": {
                "title": "Spring is here",
                "subtitle": "Fresh ideas for your home, in every store",
                "image": None,
                "cta_label": "",
                "cta_link": "",
                "local_policy": EDITABLE,
                "open_fields": ["subtitle"],
            },
        },
        {
            "type": "rich_text",
            "id": BRAND_TEXT_ID,
            "value": {
                "content": (
                    "<p>Every product in our spring range is chosen by our buyers "
                    "for quality and fair prices. <b>Satisfied or refunded</b> for "
                    "30 days.</p>"
                ),
                "local_policy": LOCKED,
            },
        },
        {
            "type": "promotion",
            "id": PROMOTION_ID,
            "value": {
                "title": "Spring sale",
                "description": "On the whole garden range, this month only.",
                "discount_percent": 10,
                "image": None,
                "valid_until": None,
                "min_discount": 5,
                "max_discount": 20,
                "local_policy": EDITABLE,
                "open_fields": ["discount_percent"],
            },
        },
        {
            "type": "event",
            "id": EVENT_ID,
            "value": {
                "title": "Spring open day",
                "date": None,
                "time": None,
                "description": "Workshops, coffee and advice from our team.",
                "local_policy": REQUIRED,
                "open_fields": ["date", "time"],
            },
        },
        {
            "type": "outlet_info",
            "id": OUTLET_INFO_ID,
            "value": {
                "heading": "Visit us",
                "show_address": True,
                "show_phone": True,
                "show_hours": True,
                "show_map_link": True,
                "local_policy": LOCKED,
                "open_fields": [],
            },
        },
        {
            "type": "manager_signature",
            "id": SIGNATURE_ID,
            # No closing line: the block says "See you soon," in the outlet's language.
            "value": {"closing": "", "local_policy": OPTIONAL},
        },
        {
            "type": "local_zone",
            "id": LOCAL_ZONE_ID,
            "value": {
                "heading": "News from your store",
                "blocks": [],
                "allowed_blocks": ["rich_text", "call_to_action"],
                "max_blocks": 3,
                "local_policy": EDITABLE,
            },
        },
    ]


def ensure_spring_promotion(user=None, outlets=()):
    """Create (once) and publish the template; give each outlet a draft page."""
    template = TemplatePage.objects.filter(slug=SPRING_SLUG).first()
    if template is None:
        library = ensure_template_library()
        template = TemplatePage(
            title=_("Spring promotion"),
            slug=SPRING_SLUG,
            description=_(
                "Spring campaign: brand text locked, hero subtitle and discount "
                "(5–20 %) yours, open day date required."
            ),
            body=spring_promotion_body(),
            owner=user,
        )
        library.add_child(instance=template)
        template.save_revision(user=user).publish(user=user)
    created = []
    for outlet in outlets:
        if existing_local_page(template, outlet) is None:
            created.append(create_local_page(template, outlet, user=None))
    return template, created
