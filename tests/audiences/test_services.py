"""What a segment targets: its scope, its rules, never the suppressed or
erased; counted in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.audiences.segments import birthday, consent, group, make_segment, tag
from tests.contacts.factories import contact
from wagtail_distmark.audiences.services import (
    count_segment,
    count_segments,
    segment_contacts,
)
from wagtail_distmark.contacts.models import Consent, Contact, Suppression
from wagtail_distmark.outlets.access import get_network_roles, user_is_hq

pytestmark = pytest.mark.django_db


@pytest.fixture
def vips(network):
    """Two VIPs in each outlet (one without email consent), one plain contact."""
    for outlet in (network.lille, network.marseille, network.gent):
        contact(outlet, f"vip@{outlet.slug}.fr", tags=["vip"])
        contact(
            outlet, f"quiet@{outlet.slug}.fr", tags=["vip"], email_consent=Consent.NONE
        )
        contact(outlet, f"plain@{outlet.slug}.fr")
    return network


def emails(queryset):
    return sorted(c.email for c in queryset)


def test_a_network_segment_used_by_lille_counts_only_lilles_contacts(vips):
    segment = make_segment("VIPs", None, tag("vip"))
    assert count_segment(segment) == {"contacts": 6, "email": 3}
    assert count_segment(segment, outlet=vips.lille) == {"contacts": 2, "email": 1}
    lille_editor = vips.users["lille-editor"]
    assert emails(segment_contacts(segment, user=lille_editor)) == [
        "quiet@lille.fr",
        "vip@lille.fr",
    ]
    north = count_segment(segment, user=vips.users["north-manager"])
    assert north == {"contacts": 4, "email": 2}
    assert count_segment(segment, user=vips.users["hq"])["contacts"] == 6


def test_an_outlet_segment_never_reaches_beyond_its_outlet(vips):
    segment = make_segment("Lille VIPs", vips.lille, tag("vip"))
    assert count_segment(segment)["contacts"] == 2
    assert count_segment(segment, outlet=vips.marseille)["contacts"] == 0
    marseille_editor = vips.users["marseille-editor"]
    assert count_segment(segment, user=marseille_editor)["contacts"] == 0


def test_suppressed_and_erased_contacts_are_not_targetable(vips):
    segment = make_segment("Everyone in Lille", vips.lille)
    assert count_segment(segment)["contacts"] == 3
    Suppression.suppress("VIP@lille.fr ", Suppression.Reason.COMPLAINT)
    plain = Contact.objects.get(email="plain@lille.fr")
    Contact.objects.filter(pk=plain.pk).update(erased_at=timezone.now())
    assert emails(segment_contacts(segment)) == ["quiet@lille.fr"]
    assert count_segment(segment) == {"contacts": 1, "email": 0}
    # The suppression list is network-wide: Marseille's VIP is still targeted.
    network = make_segment("VIPs", None, tag("vip"), consent())
    assert emails(segment_contacts(network)) == ["vip@gent.fr", "vip@marseille.fr"]


def test_a_count_is_one_query(vips):
    segment = make_segment(
        "Mixed", None, tag("vip"), group("any", consent(), birthday("this"))
    )
    user = vips.users["north-manager"]
    # Permissions and roles are cached on the user, as any admin request has.
    user_is_hq(user)
    get_network_roles(user)
    with CaptureQueriesContext(connection) as queries:
        counts = count_segment(segment, user=user)
    assert len(queries) == 1
    assert counts == {"contacts": 2, "email": 2}


def test_a_listing_page_is_counted_in_one_query(vips):
    month = timezone.localdate().month
    contact(vips.gent, "birthday@gent.be", birthday=datetime.date(1990, month, 2))
    segments = [
        make_segment("VIPs", None, tag("vip")),
        make_segment("Lille VIPs", vips.lille, tag("vip")),
        make_segment("Birthdays", None, birthday("this")),
        make_segment("Gent, any", vips.gent, tag("vip"), consent(), match="any"),
    ]
    user = vips.users["north-manager"]
    user_is_hq(user)
    get_network_roles(user)
    with CaptureQueriesContext(connection) as queries:
        count_segments(segments, user=user)
    assert len(queries) == 1
    counted = [(s.contact_count, s.email_count) for s in segments]
    assert counted == [(4, 2), (2, 1), (1, 1), (4, 3)]
    # The same as counting each alone.
    for segment in segments:
        alone = count_segment(segment, user=user)
        assert (segment.contact_count, segment.email_count) == (
            alone["contacts"],
            alone["email"],
        )
