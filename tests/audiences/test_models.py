"""The segment model: rules from the registry, kept out of migrations; an
outlet's segment never reads HQ-only fields, whoever saves it."""

import pytest
from django.core.exceptions import ValidationError

from tests.audiences.segments import (
    attribute,
    birthday,
    consent,
    group,
    make_segment,
    tag,
)
from wagtail_distmark.audiences.filters import audience_filter_types, error_messages
from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.contacts.models import AttributeDefinition, Visibility

pytestmark = pytest.mark.django_db


def test_the_rules_field_keeps_its_blocks_out_of_migrations():
    name, path, args, kwargs = Segment._meta.get_field("rules").deconstruct()
    assert path == "wagtail_distmark.audiences.models.AudienceRulesField"
    assert args == [] and "block_lookup" not in kwargs
    block_types = Segment._meta.get_field("rules").stream_block.child_blocks
    assert set(dict(audience_filter_types())) | {"group"} == set(block_types)


def test_an_outlet_segment_refuses_hq_only_fields_whoever_saves_it(network):
    AttributeDefinition.objects.create(
        key="spent", label="Spent", type="number", visibility=Visibility.HQ
    )
    segment = make_segment(
        "Big spenders", network.lille, group("all", attribute("spent", "gt", "9"))
    )
    with pytest.raises(ValidationError) as caught:
        segment.full_clean()
    assert error_messages(caught.value.error_dict["rules"][0]) == [
        "An outlet's segment cannot filter on “Spent”: only HQ sees it. "
        "HQ may use it in a network segment."
    ]
    segment.outlet = None
    segment.full_clean()


def test_describe_reads_the_rules(network):
    segment = make_segment(
        "Mixed", None, tag("vip"), group("any", consent(), birthday(3)), match="all"
    )
    assert segment.describe() == (
        "Tagged “vip” and (Email consent: Granted or Birthday in: March)"
    )
    assert make_segment("All").describe() == "Every contact"
    assert str(segment) == "Mixed"
    assert segment.is_network and not make_segment("L", network.lille).is_network


def test_the_migration_indexes_birthday_months_for_network_segments():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "wagtail_distmark_contact"
        )
    index = constraints["distmark_contact_bday_all"]
    assert index["index"] and index["columns"] == ["birthday_month"]
