"""The one place where HTML written by local editors is sanitised.

Every rich text value an outlet supplies (template overrides, local zones,
later campaign content) goes through :func:`sanitize_rich_text` before it is
stored. nh3 (Rust's ammonia) rather than bleach: bleach has been unmaintained,
without security fixes, since 2026-06 (decision record 10).

The policy allows Wagtail's stored rich text format: ordinary formatting,
``<a>`` with ``href`` or Wagtail's ``linktype``/``id`` page and document links,
and ``<embed>`` for images and media chosen from the library. Scripts, event
handlers, styles and ``javascript:`` URLs are removed, and so is any link the
link policy (:mod:`wagtail_distmark.links`) refuses whatever the allowed
domains (``//evil.example``, ``/\\evil.example``, a backslash or a control
character anywhere): what is stored never links off site in disguise. The
blocks that store rich text refuse such links with an error first, naming
them (``validate_rich_text_links``); dropping them here covers anything else
that sanitises.
"""

import re

import nh3
from django.core.exceptions import ValidationError

from .links import check_link_form

RICH_TEXT_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "b", "strong", "i", "em", "s", "sub", "sup", "code", "blockquote",
        "ul", "ol", "li", "a", "embed",
    }
)  # fmt: skip
RICH_TEXT_ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Wagtail only expands ``<embed …/>`` written with the closing slash.
_EMBED = re.compile(r"<embed(\b[^>]*?)\s*/?>")


def _safe_attribute(tag, attribute, value):
    if tag == "a" and attribute == "href":
        try:
            check_link_form(value)
        except ValidationError:
            return None
    return value


def sanitize_rich_text(html):
    """Return ``html`` (Wagtail's stored rich text format) with only safe markup."""
    if not html:
        return html or ""
    cleaned = nh3.clean(
        html,
        tags=set(RICH_TEXT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in RICH_TEXT_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_safe_attribute,
        link_rel=None,
        strip_comments=True,
    )
    return _EMBED.sub(r"<embed\1/>", cleaned)
