"""The shipped block library: what HQ places in templates and outlets add locally.

Content shared by both lists (call to action, gallery, event) is defined once
as a plain ``StructBlock``; the template variant adds HQ's local policy by
inheritance, ``class EventBlock(DistributableBlock, EventContent)``. Wagtail's
block metaclass collects the content fields first, then the policy fields, and
merges both ``Meta`` classes.

Blocks that show the outlet's profile (address, hours, manager) read
``outlet`` from the rendering context. Without one (HQ previewing its own
template) they show placeholders such as “[Outlet address]”.
"""

import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from ..links import (  # noqa: F401 (re-exported)
    INVALID_LINK_MESSAGE,
    LINK_SCHEMES,
    allowed_link_domains,
    is_external_link,
    validate_link,
    validate_rich_text_links,
)
from ..sanitizing import sanitize_rich_text
from .base import DistributableBlock, distributable, local_error
from .dates import DateBlock

TEMPLATE_DIR = "wagtail_distmark/blocks"


def block_template(name):
    return f"{TEMPLATE_DIR}/{name}.html"


# Rich text -------------------------------------------------------------------

RICH_TEXT_FEATURES = ["bold", "italic", "h2", "h3", "ol", "ul", "link", "document-link"]


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text whose HTML is sanitised, and its links checked, when cleaned.

    The editor already limits what can be typed; sanitising on ``clean`` also
    covers values that never went through the editor (API, imports, a crafted
    form post). Every link must pass the link policy (``..links``), as a call
    to action's does: the editor refuses the block, naming the link.
    """

    def __init__(self, *args, features=None, **kwargs):
        super().__init__(*args, features=features or RICH_TEXT_FEATURES, **kwargs)

    def clean(self, value):
        source = value.source if isinstance(value, RichText) else value
        # Sanitise first, so a value that was only a <script> counts as empty.
        sanitized = sanitize_rich_text(source)
        validate_rich_text_links(source, sanitized)
        return super().clean(RichText(sanitized))


# Links -----------------------------------------------------------------------
# One policy for every link, in ..links; re-exported here, where blocks have
# always imported it from.


class LinkBlock(blocks.CharBlock):
    """A link an editor types: web, mail or phone URL, or a path on the site."""

    def __init__(self, required=True, max_length=500, validators=(), **kwargs):
        kwargs.setdefault(
            "help_text",
            _("For example https://www.example.com/offer, /contact or tel:+3220000000"),
        )
        super().__init__(
            required=required,
            max_length=max_length,
            validators=[*validators, validate_link],
            **kwargs,
        )


# Outlet data in the rendering context ----------------------------------------


def weekly_hours(outlet):
    """The outlet's week, Monday first: ``[{"day", "spans"}]``; [] if no hours.

    A day without spans is closed. Empty when the profile has no hours at all,
    rather than a week of closed days.
    """
    spans_by_day = defaultdict(list)
    for span in outlet.opening_hours.all():
        spans_by_day[span.weekday].append(span)
    if not spans_by_day:
        return []
    return [
        {"day": label, "spans": sorted(spans_by_day[day], key=lambda s: s.opens)}
        for day, label in WEEKDAYS.items()
    ]


def outlet_today(outlet):
    """Today's date where the outlet is (its profile's time zone)."""
    try:
        zone = ZoneInfo(outlet.timezone) if outlet and outlet.timezone else None
    except (KeyError, ValueError):
        zone = None
    return datetime.now(zone).date() if zone else timezone.localdate()


def map_search_url(outlet):
    """An OpenStreetMap search for the outlet's address, or "" without one."""
    if not outlet.address and not outlet.city:
        return ""
    parts = [
        outlet.address,
        " ".join(part for part in (outlet.postcode, outlet.city) if part),
        outlet.country,
    ]
    query = ", ".join(part.strip() for part in parts if part and part.strip())
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


def phone_href(phone):
    digits = re.sub(r"[^0-9+]", "", phone or "")
    return f"tel:{digits}" if digits else ""


class OutletContextMixin:
    """Puts ``outlet`` (or None) in the block's template context."""

    def get_context(self, value, parent_context=None):
        outlet = (parent_context or {}).get("outlet")
        context = super().get_context(value, parent_context=parent_context)
        context["outlet"] = outlet
        return context


# Content shared by template and local blocks ---------------------------------


class CallToActionContent(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40, label=_("Button text"))
    link = LinkBlock(label=_("Link"))
    style = blocks.ChoiceBlock(
        choices=[("primary", _("Primary")), ("secondary", _("Secondary"))],
        default="primary",
        label=_("Style"),
    )

    class Meta:
        label = _("Call to action")
        icon = "link"
        template = block_template("call_to_action")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["link_is_external"] = is_external_link(value.get("link"))
        return context


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        label = _("Image")
        icon = "image"


class GalleryContent(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    images = blocks.ListBlock(
        GalleryImageBlock(), min_num=1, max_num=12, label=_("Images")
    )

    class Meta:
        label = _("Gallery")
        icon = "image"
        template = block_template("gallery")


class EventContent(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    date = DateBlock(label=_("Date"))
    time = blocks.TimeBlock(required=False, label=_("Time"))
    description = blocks.TextBlock(
        required=False, max_length=500, label=_("Description")
    )

    class Meta:
        label = _("Event")
        icon = "date"
        template = block_template("event")


class ImageContent(blocks.StructBlock):
    """A single image with an optional caption (local zones only)."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        label = _("Image")
        icon = "image"
        template = block_template("image")


# Template blocks ---------------------------------------------------------------


class HeroBlock(DistributableBlock):
    title = blocks.CharBlock(max_length=80, label=_("Title"))
    subtitle = blocks.CharBlock(required=False, max_length=160, label=_("Subtitle"))
    image = ImageChooserBlock(required=False, label=_("Image"))
    cta_label = blocks.CharBlock(required=False, max_length=40, label=_("Button text"))
    cta_link = LinkBlock(required=False, label=_("Button link"))

    class Meta:
        label = _("Hero")
        icon = "title"
        template = block_template("hero")

    def check_button(self, value):
        # A button needs both its text and its link; half of one renders nothing.
        if value.get("cta_label") and not value.get("cta_link"):
            return {"cta_link": _("Give the button a link, or remove its text.")}
        if value.get("cta_link") and not value.get("cta_label"):
            return {"cta_label": _("Give the button a text, or remove its link.")}
        return {}

    def clean(self, value):
        value = super().clean(value)
        if errors := self.check_button(value):
            raise local_error(**errors)
        return value

    def clean_local(self, hq_value, value):
        # Outlets' fields are cleaned one by one, so the pair is checked here.
        if errors := self.check_button(value):
            raise local_error(**errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["link_is_external"] = is_external_link(value.get("cta_link"))
        return context


class PromotionBlock(DistributableBlock):
    title = blocks.CharBlock(max_length=80, label=_("Title"))
    description = blocks.TextBlock(max_length=400, label=_("Description"))
    discount_percent = blocks.IntegerBlock(
        min_value=0, max_value=100, label=_("Discount (%)")
    )
    image = ImageChooserBlock(required=False, label=_("Image"))
    valid_until = DateBlock(required=False, label=_("Valid until"))
    min_discount = blocks.IntegerBlock(
        min_value=0,
        max_value=100,
        default=5,
        label=_("Lowest discount outlets may offer (%)"),
    )
    max_discount = blocks.IntegerBlock(
        min_value=0,
        max_value=100,
        default=20,
        label=_("Highest discount outlets may offer (%)"),
    )

    class Meta:
        label = _("Promotion")
        icon = "tag"
        template = block_template("promotion")
        hq_settings = ("min_discount", "max_discount")

    def discount_offered(self, value):
        """The discount this promotion offers, for the workflow's HQ review rule."""
        return value.get("discount_percent")

    def discount_bounds(self, value):
        """HQ's (lowest, highest) discount; a bound left empty (draft) is the default."""
        value = value or {}
        low = value.get("min_discount")
        high = value.get("max_discount")
        if low is None:
            low = self.child_blocks["min_discount"].get_default()
        if high is None:
            high = self.child_blocks["max_discount"].get_default()
        return low, high

    def clean(self, value):
        value = super().clean(value)
        low, high = self.discount_bounds(value)
        if low > high:
            raise local_error(
                max_discount=ValidationError(
                    _("The highest discount must be at least the lowest (%(min)s %%)."),
                    code="discount_bounds_reversed",
                    params={"min": low},
                )
            )
        discount = value.get("discount_percent")
        if discount is not None and not low <= discount <= high:
            raise local_error(
                discount_percent=ValidationError(
                    _(
                        "The discount must be within the bounds set for outlets: "
                        "%(min)s %% to %(max)s %%."
                    ),
                    code="discount_out_of_bounds",
                    params={"min": low, "max": high},
                )
            )
        return value

    def clean_local(self, hq_value, value):
        low, high = self.discount_bounds(hq_value)
        discount = value.get("discount_percent")
        if discount is not None and not low <= discount <= high:
            raise local_error(
                discount_percent=ValidationError(
                    _("HQ allows discounts from %(min)s %% to %(max)s %%."),
                    code="discount_out_of_bounds",
                    params={"min": low, "max": high},
                )
            )
        return value


class OutletInfoBlock(OutletContextMixin, DistributableBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    show_address = blocks.BooleanBlock(
        required=False, default=True, label=_("Show the address")
    )
    show_phone = blocks.BooleanBlock(
        required=False, default=True, label=_("Show the phone number")
    )
    show_hours = blocks.BooleanBlock(
        required=False, default=True, label=_("Show the opening hours")
    )
    show_map_link = blocks.BooleanBlock(
        required=False, default=True, label=_("Show a link to a map")
    )

    class Meta:
        label = _("Outlet details")
        icon = "site"
        template = block_template("outlet_info")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        outlet = context["outlet"]
        if outlet is not None:
            context["phone_href"] = phone_href(outlet.phone)
            context["map_url"] = map_search_url(outlet)
            context["weekly_hours"] = weekly_hours(outlet)
        return context


class ManagerSignatureBlock(OutletContextMixin, DistributableBlock):
    closing = blocks.CharBlock(
        required=False,
        max_length=80,
        label=_("Closing line"),
        help_text=_(
            "For example “See you soon,”. Leave empty for “See you soon,” in "
            "the outlet's language."
        ),
    )

    class Meta:
        label = _("Manager's signature")
        icon = "user"
        template = block_template("manager_signature")


class OpeningHoursExceptionBlock(blocks.StructBlock):
    """One day with hours other than the usual week (holiday, late opening)."""

    date = DateBlock(label=_("Date"))
    closed = blocks.BooleanBlock(required=False, label=_("Closed all day"))
    opens = blocks.TimeBlock(required=False, label=_("Opens"))
    closes = blocks.TimeBlock(required=False, label=_("Closes"))
    label = blocks.CharBlock(
        required=False,
        max_length=80,
        label=_("Label"),
        help_text=_("For example “Christmas Eve”."),
    )

    class Meta:
        label = _("Special day")
        icon = "date"

    def clean(self, value):
        value = super().clean(value)
        if value.get("closed"):
            return value
        opens, closes = value.get("opens"), value.get("closes")
        missing = _("Give the opening and closing times, or tick “Closed all day”.")
        if opens is None:
            raise local_error(opens=missing)
        if closes is None:
            raise local_error(closes=missing)
        if opens >= closes:
            raise local_error(closes=_("Closing time must be after opening time."))
        return value


class OpeningHoursBlock(OutletContextMixin, DistributableBlock):
    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    note = blocks.TextBlock(
        required=False,
        max_length=300,
        label=_("Note"),
        help_text=_("Shown under the hours, for example “Free parking”."),
    )
    exceptions = blocks.ListBlock(
        OpeningHoursExceptionBlock(),
        label=_("Special days"),
        help_text=_(
            "Days with other hours: holidays, late openings. Past days are not shown."
        ),
    )

    class Meta:
        label = _("Opening hours")
        icon = "time"
        template = block_template("opening_hours")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        outlet = context["outlet"]
        today = outlet_today(outlet)
        context["weekly_hours"] = weekly_hours(outlet) if outlet is not None else []
        context["upcoming_exceptions"] = sorted(
            (
                day
                for day in value.get("exceptions") or ()
                if day.get("date") and day["date"] >= today
            ),
            key=lambda day: day["date"],
        )
        return context


class CallToActionBlock(DistributableBlock, CallToActionContent):
    pass


class GalleryBlock(DistributableBlock, GalleryContent):
    pass


class EventBlock(DistributableBlock, EventContent):
    pass


def rich_text_block():
    """The distributable text block: rich text wrapped as ``content``."""
    return distributable(
        SafeRichTextBlock(label=_("Text")),
        label=_("Text"),
        icon="pilcrow",
        template=block_template("rich_text"),
    )


def default_template_blocks():
    """The shipped template blocks, as ``(name, block)`` pairs, all distributable."""
    return [
        ("hero", HeroBlock()),
        ("rich_text", rich_text_block()),
        ("promotion", PromotionBlock()),
        ("call_to_action", CallToActionBlock()),
        ("gallery", GalleryBlock()),
        ("event", EventBlock()),
        ("outlet_info", OutletInfoBlock()),
        ("opening_hours", OpeningHoursBlock()),
        ("manager_signature", ManagerSignatureBlock()),
    ]


def default_local_blocks():
    """The shipped blocks outlets may add in local zones, as ``(name, block)``."""
    return [
        ("rich_text", SafeRichTextBlock(label=_("Text"))),
        ("image", ImageContent()),
        ("call_to_action", CallToActionContent()),
        ("gallery", GalleryContent()),
        ("event", EventContent()),
    ]
