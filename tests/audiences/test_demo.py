import pytest
from django.utils import timezone

from wagtail_distmark.audiences.demo import BIRTHDAYS_THIS_MONTH, ensure_demo_segments
from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.audiences.services import count_segment
from wagtail_distmark.contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_birthdays_this_month_is_a_network_segment_made_once(demo):
    segment = ensure_demo_segments()
    assert ensure_demo_segments() == segment
    assert Segment.objects.filter(name=BIRTHDAYS_THIS_MONTH).count() == 1
    assert segment.is_network
    lille = count_segment(segment, outlet=demo.lille)["contacts"]
    network = count_segment(segment)["contacts"]
    assert 0 < lille < network
    assert (
        lille
        == Contact.objects.filter(
            outlet=demo.lille,
            birthday_month=timezone.localdate().month,
            email_consent="granted",
        ).count()
    )
