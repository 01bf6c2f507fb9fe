"""Each audience filter, evaluated on the real database; AND/OR nesting; the
filter registry; rules on fields a user may not see."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from wagtail import blocks, hooks

from tests.audiences.segments import (
    attribute,
    birthday,
    consent,
    created,
    engaged,
    gender,
    group,
    language,
    make_segment,
    tag,
)
from tests.contacts.factories import contact
from wagtail_distmark.audiences import filters
from wagtail_distmark.audiences.filters import (
    AudienceFilter,
    FilterContext,
    audience_filter_types,
    error_messages,
    rules_visibility_error,
)
from wagtail_distmark.audiences.services import segment_contacts
from wagtail_distmark.contacts.models import (
    AttributeDefinition,
    Consent,
    Contact,
    Visibility,
)
from wagtail_distmark.contacts.visibility import EVERYONE, HQ, MANAGERS

pytestmark = pytest.mark.django_db


def emails(*rules, match="all", outlet=None, context=None):
    segment = make_segment("S", outlet, *rules, match=match)
    found = segment_contacts(segment, context=context)
    return sorted(c.email.split("@")[0] for c in found)


@pytest.fixture
def people(network):
    lille = network.lille
    now = timezone.now()
    this_month = timezone.localdate().month
    other_month = this_month % 12 + 1
    AttributeDefinition.objects.create(
        key="loyalty",
        label="Loyalty",
        type="choice",
        choices="bronze\ngold",
        visibility=Visibility.EVERYONE,
    )
    AttributeDefinition.objects.create(
        key="spent", label="Spent", type="number", visibility=Visibility.HQ
    )
    AttributeDefinition.objects.create(
        key="member_since",
        label="Member since",
        type="date",
        visibility=Visibility.MANAGERS,
    )
    AttributeDefinition.objects.create(key="student", label="Student", type="boolean")
    AttributeDefinition.objects.create(key="city", label="City", type="text")
    ann = contact(
        lille,
        "ann@x.fr",
        tags=["vip", "newsletter"],
        locale="fr",
        gender="f",
        birthday=datetime.date(1990, this_month, 5),
        last_engaged_at=now - datetime.timedelta(days=3),
        attributes={
            "loyalty": "gold",
            "spent": 1200,
            "member_since": "2020-05-01",
            "student": False,
            "city": "Lille",
        },
    )
    bob = contact(
        lille,
        "bob@x.fr",
        tags=["newsletter"],
        locale="nl-BE",
        gender="m",
        birthday=datetime.date(1985, other_month, 9),
        email_consent=Consent.WITHDRAWN,
        last_engaged_at=now - datetime.timedelta(days=60),
        attributes={
            "loyalty": "bronze",
            "spent": 80.5,
            "student": True,
            "city": "Roubaix",
        },
    )
    cat = contact(
        lille,
        "cat@x.fr",
        tags=["vip"],
        locale="fr_FR",
        gender="x",
        email_consent=Consent.PENDING,
        sms_consent=Consent.GRANTED,
        attributes={"member_since": "2024-01-10"},
    )
    Contact.objects.filter(pk=cat.pk).update(
        created_at=now - datetime.timedelta(days=400)
    )
    Contact.objects.filter(pk=bob.pk).update(
        created_at=now - datetime.timedelta(days=20)
    )
    return ann, bob, cat


def test_tag(people):
    # Network-wide (IN on the tag index) and for one outlet (EXISTS per contact).
    assert emails(tag("vip")) == ["ann", "cat"]
    assert emails(tag("vip"), outlet=people[0].outlet) == ["ann", "cat"]
    assert emails(tag("vip", has="no"), outlet=people[0].outlet) == ["bob"]
    assert emails(tag("vip", has="no")) == ["bob"]
    assert emails(tag("unknown")) == []


def test_tags_match_without_case(people):
    # Stored "vip"; HQ or an outlet types "VIP" or "Vip".
    for typed in ("VIP", "Vip"):
        assert emails(tag(typed)) == ["ann", "cat"]
        assert emails(tag(typed), outlet=people[0].outlet) == ["ann", "cat"]
        assert emails(tag(typed, has="no")) == ["bob"]


def test_consent(people):
    assert emails(consent("granted")) == ["ann"]
    assert emails(consent("withdrawn")) == ["bob"]
    assert emails(consent("pending")) == ["cat"]
    assert emails(consent("granted", channel="sms")) == ["cat"]


def test_birthday_month(people):
    today = timezone.localdate()
    assert emails(birthday("this")) == ["ann"]
    assert emails(birthday("next")) == ["bob"]
    assert emails(birthday(today.month % 12 + 1)) == ["bob"]
    # "This month" is read when the segment is evaluated, not when it was saved.
    in_two_months = FilterContext(now=timezone.now() + datetime.timedelta(days=31))
    assert emails(birthday("this"), context=in_two_months) == (
        ["bob"] if in_two_months.today.month == today.month % 12 + 1 else []
    )


def test_created_since(people):
    assert emails(created(days=7)) == ["ann"]
    assert emails(created(days=30)) == ["ann", "bob"]
    since = timezone.localdate() - datetime.timedelta(days=100)
    assert emails(created(since=since.isoformat())) == ["ann", "bob"]


def test_last_engagement(people):
    assert emails(engaged("within", 7)) == ["ann"]
    assert emails(engaged("within", 90)) == ["ann", "bob"]
    assert emails(engaged("not_within", 7)) == ["bob", "cat"]
    assert emails(engaged("never")) == ["cat"]


def test_language_matches_regional_variants(people):
    assert emails(language("fr")) == ["ann", "cat"]
    assert emails(language("nl")) == ["bob"]


def test_gender(people):
    assert emails(gender("f")) == ["ann"]
    assert emails(gender("x")) == ["cat"]


def test_attributes_by_type(people):
    assert emails(attribute("loyalty", "eq", "gold")) == ["ann"]
    assert emails(attribute("loyalty", "ne", "gold")) == ["bob"]
    assert emails(attribute("loyalty", "unset")) == ["cat"]
    assert emails(attribute("spent", "gt", "100")) == ["ann"]
    assert emails(attribute("spent", "lte", "80,5")) == ["bob"]
    assert emails(attribute("spent", "set")) == ["ann", "bob"]
    assert emails(attribute("member_since", "lt", "01/01/2023")) == ["ann"]
    assert emails(attribute("member_since", "gt", "2023-01-01")) == ["cat"]
    assert emails(attribute("student", "eq", "yes")) == ["bob"]
    assert emails(attribute("student", "eq", "no")) == ["ann"]
    assert emails(attribute("city", "eq", "lille")) == ["ann"]
    assert emails(attribute("city", "contains", "OUB")) == ["bob"]


def test_attribute_values_are_checked_against_the_type(people):
    block = dict(audience_filter_types())["attribute"]
    for key, operator, value in [
        ("spent", "gt", "lots"),
        ("member_since", "lt", "next week"),
        ("student", "eq", "maybe"),
        ("loyalty", "eq", "platinum"),
        ("loyalty", "lt", "gold"),
        ("nope", "eq", "x"),
    ]:
        raw = {"attribute": key, "operator": operator, "value": value}
        with pytest.raises(Exception) as caught:
            block.clean(block.to_python(raw))
        assert error_messages(caught.value)


def test_and_or_groups_nest(people):
    # vip AND (granted OR withdrawn)
    assert emails(
        tag("vip"), group("any", consent("granted"), consent("withdrawn"))
    ) == ["ann"]
    # newsletter OR (vip AND sms granted)
    rules = (tag("newsletter"), group("all", tag("vip"), consent("granted", "sms")))
    assert emails(*rules, match="any") == ["ann", "bob", "cat"]
    # A group inside a group: gold AND (bronze OR (vip AND pending)) -> nobody;
    # any of them -> all three.
    inner = group("all", tag("vip"), consent("pending"))
    outer = group("any", attribute("loyalty", "eq", "bronze"), inner)
    assert emails(outer) == ["bob", "cat"]
    assert emails(attribute("loyalty", "eq", "gold"), outer) == []
    assert emails(attribute("loyalty", "eq", "gold"), outer, match="any") == [
        "ann",
        "bob",
        "cat",
    ]


def test_no_rule_is_everyone(people):
    assert emails() == ["ann", "bob", "cat"]


def level_errors(level, *rules, outlet=True):
    segment = make_segment("S", None, *rules)
    error = rules_visibility_error(segment.rules, level, for_outlet_segment=outlet)
    return error_messages(error) if error else []


def test_rules_on_fields_above_the_users_level_are_named(people):
    # last engagement: managers; "spent": HQ only; "loyalty": everyone.
    assert level_errors(EVERYONE, tag("vip"), attribute("loyalty", "eq", "gold")) == []
    assert level_errors(EVERYONE, engaged("never")) == [
        "You cannot filter on “last engagement”: only HQ and managers see it."
    ]
    assert level_errors(MANAGERS, engaged("never")) == []
    assert level_errors(MANAGERS, group("any", attribute("spent", "gt", "1"))) == [
        "An outlet's segment cannot filter on “Spent”: only HQ sees it. "
        "HQ may use it in a network segment."
    ]
    assert level_errors(HQ, attribute("spent", "gt", "1"), outlet=False) == []


class OneOutletOnly(AudienceFilter):
    x = blocks.CharBlock()


def test_registered_filters_must_be_audience_filters_with_unique_names():
    for pairs in ([("tag", OneOutletOnly())], [("plain", blocks.CharBlock())]):
        with hooks.register_temporarily(
            filters.AUDIENCE_FILTERS_HOOK, lambda p=pairs: p
        ):
            filters.clear_caches()
            try:
                with pytest.raises(ImproperlyConfigured):
                    audience_filter_types()
            finally:
                filters.clear_caches()


def test_registered_filters_join_the_rules_and_groups():
    with hooks.register_temporarily(
        filters.AUDIENCE_FILTERS_HOOK, lambda: [("one_outlet", OneOutletOnly())]
    ):
        filters.clear_caches()
        try:
            types = dict(filters.rule_block_types())
            assert isinstance(types["one_outlet"], OneOutletOnly)
            group_types = types["group"].child_blocks["rules"].child_blocks
            assert "one_outlet" in group_types and "group" in group_types
        finally:
            filters.clear_caches()
    assert "one_outlet" not in dict(filters.rule_block_types())


def test_languages_are_stored_normalised_so_the_rule_compares_plainly(people):
    from wagtail_distmark.contacts.models import Contact

    stored = dict(Contact.objects.values_list("email", "locale"))
    assert (stored["bob@x.fr"], stored["cat@x.fr"]) == ("nl-be", "fr-fr")
