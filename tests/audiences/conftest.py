import pytest

from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.contacts.models import Contact


@pytest.fixture
def network(demo):
    """The demo network without its generated contacts and its demo segment:
    each test adds its own."""
    Contact.objects.all().delete()
    Segment.objects.all().delete()
    return demo
