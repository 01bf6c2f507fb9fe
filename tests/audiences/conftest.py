import pytest

from wagtail_distmark.contacts.models import Contact


@pytest.fixture
def network(demo):
    """The demo network without its generated contacts: each test adds its own."""
    Contact.objects.all().delete()
    return demo
