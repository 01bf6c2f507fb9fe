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


@pytest.fixture(autouse=True)
def no_cached_counts():
    """Network-wide counts are cached: each test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
