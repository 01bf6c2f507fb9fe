"""What a refused form may show again of the objects a value refers to.

An outlet's content may refer only to its own and HQ's images, documents and
pages (``inheritance.scope.out_of_scope_references`` decides). A value that
refers to another outlet's is refused, and the form shown again must not name
that object either: the value is shown with those references taken out (a
chooser emptied, a rich text link made plain text), and the error says only
that a chosen item was not available.
"""

import re

from django.utils.translation import gettext_lazy as _
from wagtail.blocks import (
    ListBlock,
    RichTextBlock,
    StreamBlock,
    StreamValue,
    StructBlock,
)
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText, get_rewriter

#: Never names the item: it may be another outlet's.
UNAVAILABLE_MESSAGE = _(
    "An image, document or page you chose is not available to this outlet, so "
    "it was taken out. Choose one of your outlet's or HQ's."
)

# A rich text link (links do not nest) or embed, as Wagtail stores them.
RICH_TEXT_REFERENCE = re.compile(
    r"<a\b[^>]*>(?P<text>.*?)</a>|<embed\b[^>]*/>", re.DOTALL | re.IGNORECASE
)


def unavailable(outlet, references):
    """``(model, id)`` pairs, ids as strings, among Wagtail reference tuples
    (``extract_references``) that ``outlet`` may not use."""
    from ..inheritance.scope import out_of_scope_references

    references = list(references)
    if not references:
        return set()
    return {
        (model, str(pk)) for model, pk in out_of_scope_references(outlet, references)
    }


def refers_to(references, refused):
    return any((model, str(pk)) in refused for model, pk, *_rest in references)


def rich_text_references(html):
    return get_rewriter().extract_references(html or "")


def rich_text_without(html, refused):
    """``html`` without its links and embeds to ``refused`` objects: a link
    keeps its text, as plain text; nothing of the object is left."""
    if not refused or not html:
        return html

    def replace(match):
        if not refers_to(rich_text_references(match.group(0)), refused):
            return match.group(0)
        return match.group("text") or ""

    return RICH_TEXT_REFERENCE.sub(replace, html)


def without_references(block, value, refused):
    """``value`` of ``block`` with every reference to a ``refused`` object
    taken out (a chooser emptied, a rich text link made plain text), the rest
    as it was."""
    if not refused or value is None:
        return value
    if isinstance(block, StreamBlock):
        return StreamValue(
            block,
            [
                (
                    child.block_type,
                    without_references(child.block, child.value, refused),
                    child.id,
                )
                for child in value
            ],
        )
    if isinstance(block, StructBlock):
        return block._to_struct_value(
            [
                (name, without_references(child, value.get(name), refused))
                for name, child in block.child_blocks.items()
            ]
        )
    if isinstance(block, ListBlock):
        child_block = block.child_block
        return ListValue(
            block,
            bound_blocks=[
                ListValue.ListChild(
                    child_block,
                    without_references(child_block, child.value, refused),
                    id=child.id,
                )
                for child in value.bound_blocks
            ],
        )
    if isinstance(block, RichTextBlock):
        source = value.source if isinstance(value, RichText) else str(value)
        return RichText(rich_text_without(source, refused))
    if refers_to(block.extract_references(value), refused):
        return None  # a chooser (image, document, page, snippet): emptied
    return value


def block_value_in_scope(outlet, block, value):
    """``(value without unavailable references, whether any was taken out)``."""
    refused = unavailable(outlet, block.extract_references(value))
    return without_references(block, value, refused), bool(refused)


def rich_text_in_scope(outlet, html):
    """``(html without unavailable links and embeds, whether any was taken out)``."""
    refused = unavailable(outlet, rich_text_references(html))
    return rich_text_without(html, refused), bool(refused)
