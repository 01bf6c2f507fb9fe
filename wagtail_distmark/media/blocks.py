"""The blocks HQ fills the brand kit with: logos, colours, fonts and the
legal links every outlet site's footer shows."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from ..links import validate_link


class LogoBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Logo"))
    name = blocks.CharBlock(label=_("Name"), max_length=80)
    usage = blocks.CharBlock(
        label=_("When to use it"),
        max_length=255,
        required=False,
        help_text=_("For example: on light backgrounds, at least 30 mm wide."),
    )

    class Meta:
        icon = "image"
        label = _("Logo")


class ColourBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=80)
    # Validated here because the admin page paints the swatch with it.
    hex = blocks.RegexBlock(
        label=_("Colour code"),
        regex=r"^#[0-9A-Fa-f]{6}$",
        error_messages={
            "invalid": _("Enter a colour as # and six hexadecimal digits: #E30613.")
        },
        help_text=_("For example #E30613."),
    )
    usage = blocks.CharBlock(label=_("When to use it"), max_length=255, required=False)

    class Meta:
        icon = "palette"
        label = _("Colour")


class FontBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Font"), max_length=80)
    usage = blocks.CharBlock(label=_("When to use it"), max_length=255, required=False)
    fallback = blocks.CharBlock(
        label=_("Fallback"),
        max_length=120,
        required=False,
        help_text=_("What to use where the font is not installed, e.g. Arial."),
    )
    file = DocumentChooserBlock(label=_("Font files"), required=False)

    class Meta:
        icon = "bold"
        label = _("Font")


class LegalLinkBlock(blocks.StructBlock):
    """A link every outlet site's footer shows: legal notice, privacy policy."""

    label = blocks.CharBlock(label=_("Text"), max_length=80)
    link = blocks.CharBlock(
        label=_("Link"),
        max_length=500,
        validators=[validate_link],
        help_text=_("For example https://www.example.com/legal or /privacy"),
    )

    class Meta:
        icon = "link"
        label = _("Legal link")
