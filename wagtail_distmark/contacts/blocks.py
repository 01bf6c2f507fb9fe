"""The public subscription form, a block outlets place on their pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class SubscriptionBlock(blocks.StructBlock):
    """Visitors subscribe to the page's outlet, confirming by email."""

    # Empty heading and button: the page shows them in its visitor's language
    # ("Our news, from your store", "Subscribe"), not in the editor's.
    heading = blocks.CharBlock(
        max_length=120,
        required=False,
        label=_("Heading"),
        help_text=_("Empty: “Our news, from your store”, in the visitor's language."),
    )
    text = blocks.TextBlock(
        required=False,
        max_length=400,
        label=_("Text"),
        help_text=_("What subscribers will get, and how often."),
    )
    button_label = blocks.CharBlock(
        max_length=40,
        required=False,
        label=_("Button"),
        help_text=_("Empty: “Subscribe”, in the visitor's language."),
    )

    class Meta:
        label = _("Subscription form")
        icon = "mail"
        template = "wagtail_distmark/contacts/blocks/subscription.html"
