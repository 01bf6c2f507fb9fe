"""What a refused form may show again of the objects a value refers to.

An outlet's content may refer only to its own and HQ's images, documents and
pages (``inheritance.scope.out_of_scope_references`` decides). A value that
refers to another outlet's is refused, and the form shown again must not name
that object either: the value is shown with those references taken out (a
chooser emptied, a rich text link made plain text), and the error says only
that a chosen item was not available.
"""

import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
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


class OutletReferencesFormMixin:
    """For an admin form of an outlet's object (its home page, a snippet with
    an ``outlet``): its rich text and stream fields keep only references the
    outlet may use. Another outlet's are taken out as the form reads the
    post, so they are neither saved nor named when the form is shown again,
    and the field says a chosen item was not available."""

    def references_outlet(self):
        """The outlet whose scope applies (None: every outlet's is refused)."""
        instance = self.instance
        if hasattr(instance, "outlet_id"):  # a foreign key
            return instance.outlet if instance.outlet_id else None
        return getattr(instance, "outlet", None) if instance.pk else None

    def _scoped_reference_fields(self):
        from wagtail.fields import RichTextField, StreamField

        scoped = {}
        for name in self.fields:
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if isinstance(model_field, StreamField):
                scoped[self.add_prefix(name)] = (name, model_field.stream_block)
            elif isinstance(model_field, RichTextField):
                scoped[self.add_prefix(name)] = (name, None)
        return scoped

    # Django reads every posted value through this one method (cleaning,
    # has_changed, and the value a bound field renders).
    def _widget_data_value(self, widget, html_name):
        value = super()._widget_data_value(widget, html_name)
        if not hasattr(self, "_reference_fields"):
            self._reference_fields = self._scoped_reference_fields()
            self._unavailable_fields = set()
        if html_name not in self._reference_fields or value in (None, ""):
            return value
        name, block = self._reference_fields[html_name]
        outlet = self.references_outlet()
        if block is None:
            value, taken_out = rich_text_in_scope(outlet, value)
        else:
            value, taken_out = block_value_in_scope(outlet, block, value)
        if taken_out:
            self._unavailable_fields.add(name)
        return value

    def clean(self):
        cleaned_data = super().clean()
        for name in sorted(getattr(self, "_unavailable_fields", ())):
            self.add_error(name, UNAVAILABLE_MESSAGE)
        return cleaned_data


class OutletReferencesPageForm(OutletReferencesFormMixin, WagtailAdminPageForm):
    """Wagtail's page form for a page of one outlet with an ``outlet``
    property (its home page)."""
