"""The rules (Python) and the queryset twins (SQL) must agree object for object."""

import pytest
import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wagtail_distmark.outlets.access import (
    clear_network_roles,
    get_network_roles,
    outlet_access_q,
)
from wagtail_distmark.outlets.models import Outlet, Region
from wagtail_distmark.outlets.permission_policies import OutletScopedPermissionPolicy
from wagtail_distmark.outlets.roles import OUTLET_ACTION_ROLES
from wagtail_distmark.rules import ROLE_PREDICATES

ACTIONS = sorted(OUTLET_ACTION_ROLES)

# A random network: each region's parent is an earlier region (or the root),
# each outlet sits in one region, and the user holds random roles.
networks = st.integers(min_value=1, max_value=6).flatmap(
    lambda n_regions: st.tuples(
        st.tuples(
            *[st.integers(min_value=-1, max_value=i - 1) for i in range(n_regions)]
        ),
        st.lists(
            st.integers(min_value=0, max_value=n_regions - 1), min_size=1, max_size=8
        ),
    )
)


rarely = st.integers(min_value=0, max_value=9).map(lambda n: n == 0)


@st.composite
def scenarios(draw):
    region_parents, outlet_regions = draw(networks)
    n_outlets = len(outlet_regions)
    outlet_ids = st.integers(min_value=0, max_value=n_outlets - 1)
    return {
        "region_parents": region_parents,
        "outlet_regions": outlet_regions,
        "editor_of": draw(st.sets(outlet_ids, max_size=3)),
        "manager_of": draw(st.sets(outlet_ids, max_size=3)),
        "region_manager_of": draw(
            st.sets(
                st.integers(min_value=0, max_value=len(region_parents) - 1), max_size=2
            )
        ),
        # Rare flags, so that most examples exercise the local roles.
        "is_hq": draw(rarely),
        "is_superuser": draw(rarely),
        "is_active": not draw(rarely),
        "decoy_roles": draw(st.booleans()),
    }


def build(scenario):
    """Outlets and groups only: the access rules read nothing else."""
    root = Region.add_root(name="Net", slug="net-prop")
    regions = []
    for i, parent_index in enumerate(scenario["region_parents"]):
        parent = root if parent_index < 0 else regions[parent_index]
        group = Group.objects.create(name=f"prop region {i}")
        regions.append(
            parent.add_child(name=f"R{i}", slug=f"r{i}", managers_group=group)
        )
    outlets = []
    for i, region_index in enumerate(scenario["outlet_regions"]):
        outlets.append(
            Outlet.objects.create(
                name=f"O{i}",
                slug=f"o{i}",
                region=regions[region_index],
                editors_group=Group.objects.create(name=f"prop o{i} editors"),
                managers_group=Group.objects.create(name=f"prop o{i} managers"),
            )
        )
    User = get_user_model()
    user = User.objects.create_user(
        "prop-user",
        is_active=scenario["is_active"],
        is_superuser=scenario["is_superuser"],
    )
    for i in scenario["editor_of"]:
        user.groups.add(outlets[i].editors_group)
    for i in scenario["manager_of"]:
        user.groups.add(outlets[i].managers_group)
    for i in scenario["region_manager_of"]:
        user.groups.add(regions[i].managers_group)
    if scenario["is_hq"]:
        user.user_permissions.add(
            Permission.objects.get(
                codename="network_hq", content_type__app_label="wagtail_distmark"
            )
        )
    if scenario["decoy_roles"]:
        # Another user's roles must never leak into this user's answers.
        other = User.objects.create_user("prop-other")
        for outlet in outlets:
            other.groups.add(outlet.managers_group)
    return user, outlets


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_rules_and_querysets_agree(db, scenario):
    with transaction.atomic():
        user, outlets = build(scenario)
        user = get_user_model().objects.get(pk=user.pk)
        policy = OutletScopedPermissionPolicy(
            Outlet, OUTLET_ACTION_ROLES, outlet_path=""
        )
        for action in ACTIONS:
            by_rule = {
                o.pk
                for o in outlets
                if rules.has_perm(f"wagtail_distmark.{action}_outlet", user, o)
            }
            by_queryset = set(
                Outlet.objects.filter(pk__in=[o.pk for o in outlets])
                .for_user(user, action)
                .values_list("pk", flat=True)
            )
            by_policy = set(
                policy.instances_user_has_permission_for(user, action)
                .filter(pk__in=[o.pk for o in outlets])
                .values_list("pk", flat=True)
            )
            assert by_rule == by_queryset == by_policy, action
        # Role by role too, so that one role's answer cannot hide another's.
        for role, predicate in ROLE_PREDICATES.items():
            by_predicate = {o.pk for o in outlets if predicate(user, o)}
            by_q = set(
                Outlet.objects.filter(pk__in=[o.pk for o in outlets])
                .filter(outlet_access_q(user, {role}))
                .values_list("pk", flat=True)
            )
            assert by_predicate == by_q, role
        transaction.set_rollback(True)


def test_regional_manager_reaches_outlets_in_sub_regions(demo):
    sub = demo.north.add_child(name="Flandre", slug="flandre")
    demo.gent.region = sub
    demo.gent.save()
    manager = demo.users["north-manager"]
    assert set(Outlet.objects.for_user(manager, "change")) == {demo.lille, demo.gent}
    assert rules.has_perm("wagtail_distmark.change_outlet", manager, demo.gent)
    assert not rules.has_perm("wagtail_distmark.change_outlet", manager, demo.marseille)


def test_editor_views_but_does_not_change_own_outlet(demo):
    editor = demo.users["lille-editor"]
    assert rules.has_perm("wagtail_distmark.view_outlet", editor, demo.lille)
    assert not rules.has_perm("wagtail_distmark.change_outlet", editor, demo.lille)
    assert not rules.has_perm("wagtail_distmark.view_outlet", editor, demo.marseille)
    assert list(Outlet.objects.for_user(editor)) == [demo.lille]


def test_hq_sees_everything_and_roles_cache_is_cleared(demo):
    hq = demo.users["hq"]
    assert Outlet.objects.for_user(hq, "delete").count() == 3
    assert get_network_roles(hq).is_hq
    editor = demo.users["marseille-editor"]
    assert get_network_roles(editor).editor_of == {demo.marseille.pk}
    editor.groups.add(demo.lille.editors_group)
    clear_network_roles(editor)
    assert get_network_roles(editor).editor_of == {demo.marseille.pk, demo.lille.pk}


@pytest.mark.parametrize(
    "username", ["lille-editor", "lille-manager", "north-manager", "hq"]
)
def test_roles_cost_one_query_per_admin_page(login, username):
    # Every admin page asks the user's roles (the Template library menu item
    # at least): resolved once per request, in one query.
    client = login(username)
    client.get("/admin/account/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/account/").status_code == 200
    role_queries = [
        query["sql"]
        for query in queries.captured_queries
        if "wagtail_distmark_outlet" in query["sql"]
        or "wagtail_distmark_region" in query["sql"]
        or '"auth_group"."id" AS "id"' in query["sql"]
    ]
    assert len(role_queries) <= 1, role_queries


def test_roles_are_resolved_in_one_query_and_kept_for_the_request(
    demo, django_assert_num_queries
):
    for username in ("lille-editor", "north-manager", "gent-editor"):
        user = get_user_model().objects.get(username=username)
        user.get_all_permissions()  # Django's own cache, which HQ status reads
        with django_assert_num_queries(1):
            roles = get_network_roles(user)
        with django_assert_num_queries(0):
            assert get_network_roles(user) is roles
