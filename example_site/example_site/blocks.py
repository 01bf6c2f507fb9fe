"""A project's own lockable blocks: the example in docs/extending.md."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_distmark.blocks import DistributableBlock, distributable, local_error


class ProductOfferBlock(DistributableBlock):
    """A product at HQ's price; outlets may adjust the price within HQ's margin."""

    product = blocks.CharBlock(max_length=120, label=_("Product"))
    price = blocks.DecimalBlock(min_value=0, decimal_places=2, label=_("Price (€)"))
    max_change_percent = blocks.IntegerBlock(
        min_value=0,
        max_value=50,
        default=10,
        label=_("Outlets may change the price by at most (%)"),
    )

    class Meta:
        label = _("Product offer")
        icon = "tag"
        # Set by HQ only, in the block's settings area.
        hq_settings = ("max_change_percent",)
        # The product name is never open to outlets, whatever HQ chooses.
        local_fields = ("price",)
        # clean_local reads HQ's price: when HQ changes it, outlets' prices
        # are marked for review.
        rules_depend_on = ("price",)
        template = "example_site/blocks/product_offer.html"

    def clean_local(self, hq_value, value):
        margin = Decimal(hq_value["max_change_percent"] or 0) / 100
        low = (hq_value["price"] * (1 - margin)).quantize(Decimal("0.01"))
        high = (hq_value["price"] * (1 + margin)).quantize(Decimal("0.01"))
        if not low <= value["price"] <= high:
            raise local_error(
                price=_("HQ allows a price from %(low)s to %(high)s.")
                % {"low": low, "high": high}
            )
        return value


def notice_block():
    """Any block becomes lockable when wrapped: here, a short plain-text notice."""
    return distributable(
        blocks.TextBlock(max_length=300, label=_("Notice")),
        label=_("Notice"),
        icon="info-circle",
    )
