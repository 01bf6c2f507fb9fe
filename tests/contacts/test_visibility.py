"""The one declaration of which contact fields each role sees."""

import pytest

from wagtail_distmark.contacts.models import AttributeDefinition, Visibility
from wagtail_distmark.contacts.visibility import (
    can_see,
    user_level,
    visible_attributes,
    visible_fields,
)

pytestmark = pytest.mark.django_db


def test_levels_per_role(demo):
    users = demo.users
    assert user_level(users["hq"]) == "hq"
    assert user_level(users["lille-manager"]) == "managers"
    assert user_level(users["north-manager"]) == "managers"
    assert user_level(users["lille-editor"]) == "everyone"
    # Per outlet: an editor of Lille has no level at all on Marseille.
    assert user_level(users["lille-editor"], demo.marseille.pk) is None
    assert visible_fields(users["lille-editor"], demo.marseille.pk) == []


def test_default_fields(demo):
    editor = visible_fields(demo.users["lille-editor"])
    assert {"email", "first_name", "last_name", "birthday", "gender"} <= set(editor)
    assert "phone" not in editor and "email_consent_source" not in editor
    manager = visible_fields(demo.users["lille-manager"])
    assert "email_consent_source" in manager and "phone" not in manager
    assert "phone" in visible_fields(demo.users["hq"])


def test_the_setting_changes_a_level(demo, settings):
    settings.WAGTAIL_DISTMARK = {
        "CONTACT_FIELD_VISIBILITY": {"phone": "everyone", "birthday": "hq"}
    }
    assert can_see(demo.users["lille-editor"], "phone")
    assert not can_see(demo.users["lille-editor"], "birthday")


def test_attributes_carry_their_own_level(demo):
    keys = lambda user: {d.key for d in visible_attributes(user)}  # noqa: E731
    AttributeDefinition.objects.create(
        key="shoe_size", label="Shoe size", visibility=Visibility.MANAGERS
    )
    assert keys(demo.users["lille-editor"]) == {"loyalty_level"}
    assert keys(demo.users["lille-manager"]) == {"loyalty_level", "shoe_size"}
    assert keys(demo.users["hq"]) == {"loyalty_level", "shoe_size", "purchase_total"}
