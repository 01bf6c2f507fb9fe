"""The segment admin, through the real views: who sees, adds, changes and
counts what."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.audiences.segments import (
    ADD,
    COUNT,
    DELETE,
    EDIT,
    INDEX,
    INSPECT,
    attribute,
    birthday,
    consent,
    engaged,
    form_data,
    group,
    make_segment,
    tag,
    url,
)
from tests.contacts.factories import contact, many_contacts
from tests.workflows.flow import refused
from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.contacts.models import AttributeDefinition, Consent, Visibility

pytestmark = pytest.mark.django_db


def row(html, name):
    """The text of each cell of the listing row whose title is ``name``."""
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [
            unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", td)).strip())
            for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        if cells and cells[0].startswith(name):
            cells[0] = name
            return cells
    raise AssertionError(f"no row {name!r}")


@pytest.fixture
def segments(network):
    month = timezone.localdate().month
    for outlet in (network.lille, network.marseille, network.gent):
        many_contacts(outlet, 6, birthday=datetime.date(1990, month, 1))
    contact(network.lille, "pending@x.fr", email_consent=Consent.PENDING, tags=["vip"])
    AttributeDefinition.objects.create(
        key="spent", label="Spent", type="number", visibility=Visibility.HQ
    )
    return {
        "network": make_segment("Birthdays this month", None, birthday("this")),
        "lille": make_segment("Lille VIPs", network.lille, tag("vip")),
        "marseille": make_segment("Marseille regulars", network.marseille, tag("vip")),
    }


def test_hq_lists_every_segment_with_network_wide_counts(login, segments):
    html = login("hq").get(url(INDEX)).content.decode()
    for name in ("Birthdays this month", "Lille VIPs", "Marseille regulars"):
        assert name in html
    # 6 birthdays in each of three outlets.
    assert row(html, "Birthdays this month")[1:4] == [
        "Network (each outlet's own contacts)",
        "18",
        "18",
    ]


def test_lille_editor_sees_network_segments_and_lilles_only(login, segments):
    html = login("lille-editor").get(url(INDEX)).content.decode()
    assert "Birthdays this month" in html and "Lille VIPs" in html
    assert "Marseille regulars" not in html
    assert "Marseille Vieux-Port" not in html
    assert row(html, "Birthdays this month")[2:4] == ["6", "6"]
    assert row(html, "Lille VIPs")[1:4] == ["Lille Centre", "1", "0"]
    # The network segment counts Lille's 6 birthdays, not the network's 18.
    inspect = login("lille-editor").get(url(INSPECT, segments["network"]))
    assert "6 contacts (6 reachable by email)" in inspect.content.decode()


def test_north_manager_counts_lille_and_gent(login, segments):
    html = login("north-manager").get(url(INSPECT, segments["network"])).content
    assert "12 contacts (12 reachable by email)" in html.decode()


def test_lille_editor_cannot_reach_marseilles_segment(login, segments):
    client = login("lille-editor")
    marseille = segments["marseille"]
    for name in (EDIT, INSPECT, DELETE):
        assert refused(client.get(url(name, marseille)))
    assert refused(client.post(url(DELETE, marseille)))
    client.post(url(EDIT, marseille), form_data("Mine now", marseille.outlet_id))
    assert Segment.objects.get(pk=marseille.pk).name == "Marseille regulars"


def test_network_segments_are_read_only_for_outlets(login, segments):
    client = login("lille-manager")
    network = segments["network"]
    assert client.get(url(INSPECT, network)).status_code == 200
    for name in (EDIT, DELETE):
        assert refused(client.get(url(name, network)))
    client.post(url(EDIT, network), form_data("Renamed", None, tag("vip")))
    client.post(url(DELETE, network))
    assert Segment.objects.get(pk=network.pk).name == "Birthdays this month"
    html = client.get(url(INDEX)).content.decode()
    assert url(EDIT, network) not in html and url(DELETE, network) not in html
    assert url(EDIT, segments["lille"]) in html


def test_lille_editor_adds_a_segment_to_lille(login, network):
    client = login("lille-editor")
    form = client.get(url(ADD)).content.decode()
    assert "Lille Centre" in form and "Marseille" not in form
    assert "segment-count.js" in form
    response = client.post(
        url(ADD), form_data("VIPs", network.lille, tag("vip"), consent("granted"))
    )
    assert response.status_code == 302
    segment = Segment.objects.get(name="VIPs")
    assert segment.outlet == network.lille
    assert segment.created_by == network.users["lille-editor"]
    assert [child.block_type for child in segment.rules] == ["tag", "consent"]


@pytest.mark.parametrize("outlet", ["marseille", None])
def test_a_crafted_post_for_another_outlet_or_the_network_is_refused(
    login, network, outlet
):
    client = login("lille-editor")
    target = getattr(network, outlet) if outlet else None
    response = client.post(url(ADD), form_data("Sneaky", target, tag("vip")))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() or (
        "This field is required" in response.content.decode()
    )
    assert not Segment.objects.filter(name="Sneaky").exists()


def test_an_outlet_segment_cannot_be_moved_to_another_outlet(login, segments):
    lille = segments["lille"]
    response = login("lille-editor").post(
        url(EDIT, lille), form_data("Lille VIPs", segments["marseille"].outlet_id)
    )
    assert response.status_code == 200
    lille.refresh_from_db()
    assert lille.outlet.slug == "lille"


def test_editors_cannot_filter_on_managers_fields(login, network):
    data = form_data("Lapsed", network.lille, engaged("not_within", 90))
    response = login("lille-editor").post(url(ADD), data)
    assert response.status_code == 200
    assert "only HQ and managers see it" in response.content.decode()
    assert not Segment.objects.exists()
    assert login("lille-manager").post(url(ADD), data).status_code == 302


def test_hq_only_attributes_only_in_network_segments(login, segments, network):
    rule = attribute("spent", "gt", "500")
    for username in ("lille-manager", "hq"):
        response = login(username).post(
            url(ADD), form_data("Big spenders", network.lille, group("any", rule))
        )
        assert response.status_code == 200
        assert "only HQ sees it" in response.content.decode()
    response = login("hq").post(url(ADD), form_data("Big spenders", None, rule))
    assert response.status_code == 302
    assert Segment.objects.get(name="Big spenders").outlet is None


def count(client, *args, **kwargs):
    response = client.post(url(COUNT), form_data(*args, **kwargs))
    return response.status_code, response.json()


def test_the_count_endpoint_counts_within_the_users_outlets(login, segments, network):
    client = login("lille-editor")
    status, body = count(client, "Draft", network.lille, birthday("this"))
    assert status == 200
    assert (body["contacts"], body["email"]) == (6, 6)
    assert body["text"] == "6 contacts (6 reachable by email)"
    # Counted before it has a name.
    status, body = count(client, "", network.lille, tag("vip"))
    assert (body["contacts"], body["email"]) == (1, 0)
    status, body = count(login("hq"), "Draft", None, birthday("this"))
    assert (status, body["contacts"]) == (200, 18)


def test_the_count_endpoint_validates_like_saving(login, segments, network):
    client = login("lille-editor")
    status, body = count(client, "Draft", network.marseille, birthday("this"))
    assert status == 400 and "contacts" not in body
    status, body = count(client, "Draft", None, birthday("this"))
    assert status == 400 and "contacts" not in body
    status, body = count(client, "Draft", network.lille, engaged("never"))
    assert status == 400
    assert body["errors"] == [
        "You cannot filter on “last engagement”: only HQ and managers see it."
    ]
    response = login("marseille-editor").get(url(COUNT))
    assert response.status_code == 405


def test_the_listing_counts_in_a_constant_number_of_queries(login, segments, network):
    client = login("lille-editor")
    client.get(url(INDEX))
    with CaptureQueriesContext(connection) as few:
        client.get(url(INDEX))
    for n in range(8):
        make_segment(f"More {n}", network.lille, tag("vip"), group("any", consent()))
        make_segment(f"Network {n}", None, birthday(n % 12 + 1))
    with CaptureQueriesContext(connection) as more:
        html = client.get(url(INDEX)).content.decode()
    assert "More 7" in html and "Network 7" in html
    assert len(more) == len(few)


def test_an_outlet_copies_a_network_segment_into_its_own(login, segments, network):
    client = login("lille-editor")
    network_segment = segments["network"]
    copy_url = f"/admin/segments/copy/{network_segment.pk}/"
    form = client.get(copy_url)
    assert form.status_code == 200 and "Lille Centre" in form.content.decode()
    response = client.post(
        copy_url, form_data("Lille birthdays", network.lille, birthday("this"))
    )
    assert response.status_code == 302
    copied = Segment.objects.get(name="Lille birthdays")
    assert copied.outlet == network.lille and copied.pk != network_segment.pk
    # The original is untouched (Wagtail's copy view would have saved over it).
    network_segment.refresh_from_db()
    assert network_segment.outlet is None
    assert network_segment.name == "Birthdays this month"
