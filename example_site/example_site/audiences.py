"""The example site's own audience filter: contacts by age.

Registered in ``wagtail_hooks.py`` with ``register_distmark_audience_filters``;
HQ and outlets then find "Age" among a segment's rules.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from wagtail_distmark.audiences.filters import AudienceFilter
from wagtail_distmark.contacts.models import LAST_YEARLESS_DAY


def years_before(day, years):
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class AgeFilter(AudienceFilter):
    min_age = blocks.IntegerBlock(required=False, min_value=0, label=_("From age"))
    max_age = blocks.IntegerBlock(required=False, min_value=0, label=_("To age"))

    # The contact fields the rule reads: who may use it follows their
    # visibility (contacts.visibility), checked when a segment is saved.
    contact_fields = ("birthday",)

    class Meta:
        icon = "date"
        label = _("Age")

    def clean(self, value):
        value = super().clean(value)
        low, high = value["min_age"], value["max_age"]
        if low is None and high is None:
            raise StructBlockValidationError(
                non_block_errors=[ValidationError(_("Give an age range."))]
            )
        if low is not None and high is not None and low > high:
            raise StructBlockValidationError(
                {"max_age": ValidationError(_("Must be at least the first age."))}
            )
        return value

    def to_q(self, value, context):
        # Evaluated when the segment is counted or sent: ages move on.
        today = context.today
        # A birthday without a year (stored in the year 1604) gives no age:
        # such contacts match no age rule, "from" or "to".
        q = Q(birthday__gt=LAST_YEARLESS_DAY)
        if value["min_age"] is not None:
            q &= Q(birthday__lte=years_before(today, value["min_age"]))
        if value["max_age"] is not None:
            oldest = years_before(today, value["max_age"] + 1)
            q &= Q(birthday__gt=oldest)
        return q

    def describe(self, value):
        return _("Aged %(low)s to %(high)s") % {
            "low": value["min_age"] if value["min_age"] is not None else "…",
            "high": value["max_age"] if value["max_age"] is not None else "…",
        }
