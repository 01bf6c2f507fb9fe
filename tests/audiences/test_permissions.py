"""Who may do what with segments: the rules and the policy's SQL agree."""

import pytest
import rules

from tests.audiences.segments import make_segment
from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.audiences.viewsets import segment_permission_policy

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "change", "delete")


@pytest.fixture
def segments(network):
    return {
        "network": make_segment("Network", None),
        "lille": make_segment("Lille", network.lille),
        "marseille": make_segment("Marseille", network.marseille),
        "gent": make_segment("Gent", network.gent),
    }


EXPECTED = {
    # user: {segment: actions}
    "hq": {s: set(ACTIONS) for s in ("network", "lille", "marseille", "gent")},
    "lille-editor": {"network": {"view"}, "lille": set(ACTIONS)},
    "lille-manager": {"network": {"view"}, "lille": set(ACTIONS)},
    "marseille-editor": {"network": {"view"}, "marseille": set(ACTIONS)},
    "north-manager": {
        "network": {"view"},
        "lille": set(ACTIONS),
        "gent": set(ACTIONS),
    },
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_rules_and_listing_agree(segments, network, username):
    user = network.users[username]
    for name, segment in segments.items():
        allowed = {
            a
            for a in ACTIONS
            if rules.has_perm(f"wagtail_distmark.{a}_segment", user, segment)
        }
        assert allowed == EXPECTED[username].get(name, set()), name
    for action in ACTIONS:
        listed = segment_permission_policy.instances_user_has_permission_for(
            user, action
        )
        expected = {n for n, acts in EXPECTED[username].items() if action in acts}
        assert {s.name.lower() for s in listed} == expected, action
    assert segment_permission_policy.user_has_permission(user, "add")


def test_users_without_a_role_see_no_segment(segments, django_user_model):
    nobody = django_user_model.objects.create_user("nobody")
    assert not segment_permission_policy.user_has_permission(nobody, "view")
    assert not segment_permission_policy.instances_user_has_any_permission_for(
        nobody, ["view"]
    ).exists()
    assert not rules.has_perm(
        "wagtail_distmark.view_segment", nobody, segments["network"]
    )
    assert Segment.objects.count() == 4
