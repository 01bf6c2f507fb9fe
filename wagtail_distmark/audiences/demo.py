"""The demo's segments: HQ's network segment "Birthdays this month"."""

from .filters import THIS_MONTH
from .models import Segment

BIRTHDAYS_THIS_MONTH = "Birthdays this month"


def ensure_demo_segments():
    """Create (once) the demo's network segment; return it."""
    segment = Segment.objects.filter(
        name=BIRTHDAYS_THIS_MONTH, outlet__isnull=True
    ).first()
    if segment is None:
        segment = Segment.objects.create(
            name=BIRTHDAYS_THIS_MONTH,
            outlet=None,
            rules=[
                ("birthday_month", {"month": THIS_MONTH}),
                ("consent", {"channel": "email", "status": "granted"}),
            ],
        )
    return segment
