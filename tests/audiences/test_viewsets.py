"""The segment admin, through the real views: who sees, adds, changes and
counts what."""

import datetime
import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.audiences.segments import (
    ADD,
    COUNT,
    DELETE,
    EDIT,
    INDEX,
    INSPECT,
    SAVED_COUNT,
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
from wagtail_distmark.audiences.services import network_count_key
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
    client = login("hq")
    html = client.get(url(INDEX)).content.decode()
    for name in ("Birthdays this month", "Lille VIPs", "Marseille regulars"):
        assert name in html
    # Outlet segments are counted in the page; the network-wide count is left
    # to the page's script, which asks the segment's count endpoint.
    assert row(html, "Lille VIPs")[1:4] == ["Lille Centre", "1", "0"]
    assert row(html, "Birthdays this month")[1:4] == [
        "Network (each outlet's own contacts)",
        "Counting…",
        "Counting…",
    ]
    assert "segment-listing-counts.js" in html
    count_url = url(SAVED_COUNT, segments["network"])
    assert f'data-url="{count_url}"' in html
    # 6 birthdays in each of three outlets.
    body = client.get(count_url).json()
    assert (body["contacts"], body["email"]) == (18, 18)
    assert body["text"] == "18 contacts (18 reachable by email)"
    assert body["counted"] == "counted just now"
    # Counted once: the next listing shows it from the cache.
    html = client.get(url(INDEX)).content.decode()
    assert row(html, "Birthdays this month")[1:4] == [
        "Network (each outlet's own contacts)",
        "18 counted just now",
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


def test_the_inspect_page_offers_a_copy_of_a_segment_the_outlet_may_not_change(
    login, segments
):
    network_segment = segments["network"]
    html = login("lille-editor").get(url(INSPECT, network_segment)).content.decode()
    copy_url = reverse("distmark_segments:copy", args=[network_segment.pk])
    assert f'href="{copy_url}"' in html
    # HQ's segment is not Lille's to edit or delete: only the copy is offered.
    assert reverse("distmark_segments:edit", args=[network_segment.pk]) not in html
    assert reverse("distmark_segments:delete", args=[network_segment.pk]) not in html


@pytest.fixture
def attribute_labels(network):
    AttributeDefinition.objects.create(
        key="margin", label="Secret HQ margin", type="number", visibility=Visibility.HQ
    )
    AttributeDefinition.objects.create(
        key="churn", label="Churn risk score", type="number", visibility="managers"
    )
    AttributeDefinition.objects.create(
        key="loyalty", label="Loyalty tier", type="text", visibility="everyone"
    )
    return ["Secret HQ margin", "Churn risk score", "Loyalty tier"]


@pytest.mark.parametrize(
    "username, seen",
    [
        ("hq", {"Secret HQ margin", "Churn risk score", "Loyalty tier"}),
        ("lille-manager", {"Churn risk score", "Loyalty tier"}),
        ("lille-editor", {"Loyalty tier"}),
    ],
)
def test_the_attribute_drop_down_lists_only_attributes_the_user_sees(
    login, network, attribute_labels, username, seen
):
    client = login(username)
    segment = make_segment("Lille's", network.lille, tag("vip"))
    for page in (url(ADD), url(EDIT, segment)):
        html = client.get(page).content.decode()
        assert "Tag" in html  # the rule types are there
        shown = {label for label in attribute_labels if label in html}
        assert shown == seen, page


def attribute_details_in_form(response):
    """The details the editor's script reads, from the attribute drop-down of
    the rules block the view built for this user (groups hold the same)."""
    block = response.context["form"].fields["rules"].block
    widget = block.child_blocks["attribute"].child_blocks["attribute"].field.widget
    return json.loads(widget.attrs["data-distmark-attribute-details"])


@pytest.mark.parametrize(
    "username, keys",
    [
        ("hq", {"margin", "churn", "loyalty", "loyalty_level", "purchase_total"}),
        ("lille-manager", {"churn", "loyalty", "loyalty_level"}),
        ("lille-editor", {"loyalty", "loyalty_level"}),
    ],
)
def test_the_editor_is_told_the_tests_and_choices_of_the_attributes_it_sees(
    login, network, attribute_labels, username, keys
):
    response = login(username).get(url(ADD))
    details = attribute_details_in_form(response)
    # Only what the user sees: no key, choice or hint of a hidden attribute.
    assert set(details) == keys
    # The demo's loyalty level is a choice: bronze, silver or gold.
    assert details["loyalty_level"]["operators"] == ["eq", "ne", "set", "unset"]
    assert details["loyalty_level"]["choices"] == ["bronze", "silver", "gold"]
    assert details["loyalty"]["operators"] == ["eq", "ne", "contains", "set", "unset"]
    assert details["loyalty"]["choices"] == []
    if "churn" in keys:
        assert "contains" not in details["churn"]["operators"]
        assert details["churn"]["placeholder"] == "A number, e.g. 250"
    assert "data-distmark-attribute-details" in response.content.decode()


def test_a_hidden_attribute_already_in_the_rules_is_shown_by_key_only(
    login, network, attribute_labels
):
    segment = make_segment("Churn", network.lille, attribute("churn", "gt", "5"))
    html = login("lille-editor").get(url(EDIT, segment)).content.decode()
    assert "Churn risk score" not in html
    assert "churn" in html
    # Saving it is still refused with the visibility message.
    response = login("lille-editor").post(
        url(EDIT, segment),
        form_data("Churn", network.lille, attribute("churn", "gt", "5")),
    )
    assert response.status_code == 200
    assert "only HQ and managers see it" in response.content.decode()


def test_the_count_endpoint_and_saving_still_read_attribute_rules(
    login, network, attribute_labels
):
    contact(network.lille, "loyal@x.fr", attributes={"loyalty": "gold"})
    client = login("lille-editor")
    status, body = count(client, "", network.lille, attribute("loyalty", "eq", "gold"))
    assert (status, body["contacts"]) == (200, 1)
    response = client.post(
        url(ADD),
        form_data(
            "Gold", network.lille, group("any", attribute("loyalty", "eq", "gold"))
        ),
    )
    assert response.status_code == 302
    segment = Segment.objects.get(name="Gold")
    assert segment.rules[0].value["rules"][0].value["attribute"] == "loyalty"


def contact_counts(queries):
    """The queries that count contacts."""
    return [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"] and 'FROM "wagtail_distmark_contact"' in q["sql"]
    ]


def test_hqs_listing_does_not_count_the_network_while_rendering(
    login, segments, network
):
    for n in range(5):
        make_segment(f"Network {n}", None, tag("vip"), consent())
    client = login("hq")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url(INDEX)).content.decode()
    # One query counts the two outlet segments; none counts the network.
    (counting,) = contact_counts(queries)
    assert counting.count("UNION ALL") == 1
    assert html.count("Counting…") == 2 * 6


THREE_MINUTES = datetime.timedelta(minutes=3, seconds=5)


def test_a_network_count_is_reused_for_a_few_minutes(login, segments, network):
    client = login("hq")
    count_url = url(SAVED_COUNT, segments["network"])
    assert client.get(count_url).json()["contacts"] == 18
    many_contacts(network.gent, 2, prefix="new", birthday=datetime.date(1990, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        body = client.get(count_url).json()
    assert not contact_counts(queries)
    assert body["contacts"] == 18
    # A count made 3 minutes ago says so.
    key = network_count_key(segments["network"])
    counts = cache.get(key)
    cache.set(key, {**counts, "counted_at": counts["counted_at"] - THREE_MINUTES})
    assert client.get(count_url).json()["counted"] == "counted 3\xa0minutes ago"
    inspect = client.get(url(INSPECT, segments["network"])).content.decode()
    assert "18 contacts (18 reachable by email), counted 3\xa0minutes ago" in inspect
    # Saving the segment counts it again.
    segments["network"].save()
    month = timezone.localdate().month
    many_contacts(
        network.gent, 1, prefix="bday", birthday=datetime.date(1990, month, 2)
    )
    assert client.get(count_url).json()["contacts"] == 19


def test_the_saved_count_endpoint_counts_within_the_users_outlets(
    login, segments, network, client, django_user_model
):
    editor = login("lille-editor")
    assert editor.get(url(SAVED_COUNT, segments["network"])).json()["contacts"] == 6
    assert editor.get(url(SAVED_COUNT, segments["lille"])).json()["contacts"] == 1
    assert editor.get(url(SAVED_COUNT, segments["marseille"])).status_code == 404
    assert editor.post(url(SAVED_COUNT, segments["lille"])).status_code == 405
    nobody = django_user_model.objects.create_user("nobody")
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    assert client.get(url(SAVED_COUNT, segments["network"])).status_code == 404


def test_a_refused_attribute_rule_names_it_by_key_for_users_who_may_not_see_it(
    login, network, attribute_labels
):
    rule = attribute("margin", "gt", "5")
    for username in ("lille-manager", "lille-editor"):
        client = login(username)
        response = client.post(url(ADD), form_data("Margin", network.lille, rule))
        html = response.content.decode()
        assert response.status_code == 200
        assert "only HQ sees it" in html
        assert "Secret HQ margin" not in html
        status, body = count(client, "", network.lille, group("any", rule))
        assert status == 400
        assert body["errors"] == [
            "An outlet's segment cannot filter on “margin”: only HQ sees it. "
            "HQ may use it in a network segment."
        ]
    # HQ sees the attribute: its label.
    status, body = count(login("hq"), "", network.lille, rule)
    assert "cannot filter on “Secret HQ margin”" in body["errors"][0]


def test_hq_network_segments_say_whole_network_and_inspect_shows_no_none(login, demo):
    import re

    from django.urls import reverse

    from wagtail_distmark.audiences.models import Segment

    form = login("hq").get(reverse("distmark_segments:add")).content.decode()
    assert "The whole network" in form
    segment = Segment.objects.create(name="No author", outlet=None, rules=[])
    html = (
        login("hq")
        .get(reverse("distmark_segments:inspect", args=[segment.pk]))
        .content.decode()
    )
    assert not re.search(r"<dd>\s*None\s*</dd>", html)


def test_the_segment_form_speaks_french_to_a_french_user(login, demo):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(demo.users["lille-editor"])
    profile.preferred_language = "fr"
    profile.save()
    html = login("lille-editor").get(url(ADD)).content.decode()
    assert "<span data-panel-heading-text>Règles</span>" in html
    assert "data-panel-heading-text>Rules<" not in html
    # The group's "all / any" drop-down (in the blocks' definitions).
    assert "&quot;label&quot;: &quot;Match&quot;" not in html


@pytest.fixture
def outlet_tags(network):
    cache.clear()  # the suggestions are kept a few minutes
    contact(network.lille, "fidele@x.fr", tags=["lille-regulars", "VIP"])
    contact(network.lille, "autre@x.fr", tags=["vip"])
    contact(network.marseille, "calanques@x.fr", tags=["calanques-club"])
    contact(network.gent, "trouw@x.be", tags=["gent-trouw"])


def tag_box_suggestions(client):
    """The tags a rule's tag box suggests (a datalist in the blocks' definitions)."""
    html = unescape(client.get(url(ADD)).content.decode())
    return set(re.findall(r'option value=\\"([^"\\]+)\\"></option>', html))


@pytest.mark.parametrize(
    "username, expected",
    [
        ("lille-editor", {"lille-regulars"}),
        ("north-manager", {"lille-regulars", "gent-trouw"}),
        ("hq", {"lille-regulars", "gent-trouw", "calanques-club"}),
    ],
)
def test_the_tag_box_suggests_the_tags_of_the_users_outlets_only(
    login, outlet_tags, username, expected
):
    suggested = tag_box_suggestions(login(username))
    assert expected <= suggested
    others = {"lille-regulars", "gent-trouw", "calanques-club"} - expected
    assert not others & suggested
    # One spelling per tag, whatever its case.
    assert len({name for name in suggested if name.lower() == "vip"}) == 1


def test_a_tag_rule_counts_a_tag_typed_in_another_case(login, outlet_tags, network):
    client = login("lille-editor")
    response = client.post(url(COUNT), form_data("VIPs", network.lille, tag("VIP")))
    assert response.status_code == 200
    assert response.json()["contacts"] == 2
