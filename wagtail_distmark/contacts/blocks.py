"""The public subscription form, a block outlets place on their pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class SubscriptionBlock(blocks.StructBlock):
    """Visitors subscribe to the page's outlet, confirming by email."""

    heading = blocks.CharBlock(
        max_length=120, label=_("Heading"), default=_("Our news, from your store")
    )
    text = blocks.TextBlock(
        required=False,
        max_length=400,
        label=_("Text"),
        help_text=_("What subscribers will get, and how often."),
    )
    button_label = blocks.CharBlock(
        max_length=40, label=_("Button"), default=_("Subscribe")
    )

    class Meta:
        label = _("Subscription form")
        icon = "mail"
        template = "wagtail_distmark/contacts/blocks/subscription.html"
