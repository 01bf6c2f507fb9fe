import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Site,
)
from wagtail.users.models import UserProfile

from wagtail_distmark.media.services import brand_library
from wagtail_distmark.outlets.models import Outlet
from wagtail_distmark.outlets.onboarding import (
    apply_outlet_user_defaults,
    onboard_outlet,
)


def test_onboarding_creates_site_tree_collection_and_groups(demo):
    outlet = onboard_outlet(
        name="Lyon Part-Dieu", slug="lyon", region=demo.south, hostname="lyon.localhost"
    )
    outlet.refresh_from_db()
    assert outlet.site.hostname == "lyon.localhost"
    assert outlet.site.root_page_id == outlet.home_page_id
    assert outlet.home_page.live
    assert outlet.collection.get_parent().get_parent().name == "Outlets"
    assert set(
        GroupPagePermission.objects.filter(group=outlet.editors_group).values_list(
            "page_id", "permission__codename"
        )
    ) == {(outlet.home_page_id, "add_page"), (outlet.home_page_id, "change_page")}
    # Its own collection, and choosing from the brand library.
    assert set(
        GroupCollectionPermission.objects.filter(group=outlet.managers_group)
        .values_list("collection_id", flat=True)
        .distinct()
    ) == {outlet.collection_id, brand_library().pk}
    # It sits in the south region's page and collection, so the south
    # region's managers act on it, through their one grant there.
    assert outlet.home_page.get_parent().pk == demo.south.page_id
    assert outlet.collection.get_parent().pk == demo.south.collection_id
    south_manager = get_user_model().objects.create_user("south-manager")
    south_manager.groups.add(demo.south.managers_group)
    assert outlet.home_page.permissions_for_user(south_manager).can_publish()
    assert not outlet.home_page.permissions_for_user(
        demo.users["north-manager"]
    ).can_edit()
    assert not GroupPagePermission.objects.filter(
        group=demo.south.managers_group, page=outlet.home_page
    ).exists()


def test_failed_onboarding_leaves_nothing_behind(demo):
    counts = (Site.objects.count(), Collection.objects.count(), Outlet.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        onboard_outlet(
            name="Copycat",
            slug="copycat",
            region=demo.north,
            hostname="lille.localhost",
        )
    assert "hostname" in excinfo.value.message_dict
    assert (
        Site.objects.count(),
        Collection.objects.count(),
        Outlet.objects.count(),
    ) == counts


def test_regional_grants_do_not_grow_with_outlets(demo):
    """A regional manager's reach is one grant on the region's page and
    collection, so Wagtail's permission checks stay small at 1,000 outlets."""
    group = demo.north.managers_group
    before = (
        GroupPagePermission.objects.filter(group=group).count(),
        GroupCollectionPermission.objects.filter(group=group).count(),
    )
    for i in range(3):
        onboard_outlet(name=f"Roubaix {i}", slug=f"roubaix-{i}", region=demo.north)
    after = (
        GroupPagePermission.objects.filter(group=group).count(),
        GroupCollectionPermission.objects.filter(group=group).count(),
    )
    assert before == after
    assert set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", flat=True
        )
    ) == {demo.north.page_id}


def test_onboarding_cost_does_not_grow_with_the_region(demo):
    """Each outlet collection goes last under its region's collection, so
    onboarding never rewrites the collections already there (Wagtail's sorted
    insert would rewrite every sibling whose name sorts after the new one)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail_distmark.outlets.onboarding import ensure_network

    network = ensure_network()
    for i in range(6):
        onboard_outlet(
            name=f"Zz {i}", slug=f"zz-{i}", region=demo.north, network=network
        )
    paths = dict(
        Collection.objects.filter(name__startswith="Zz ")
        .exclude(name="Zz 9")
        .values_list("name", "path")
    )
    with CaptureQueriesContext(connection) as sorting_last:
        onboard_outlet(name="Zz 9", slug="zz-9", region=demo.north, network=network)
    with CaptureQueriesContext(connection) as sorting_first:
        onboard_outlet(name="Aa", slug="aa", region=demo.north, network=network)

    # A name sorting before every sibling costs what one sorting last does,
    # and leaves the other collections where they were.
    assert len(sorting_first) == len(sorting_last)
    assert (
        dict(
            Collection.objects.filter(name__startswith="Zz ")
            .exclude(name="Zz 9")
            .values_list("name", "path")
        )
        == paths
    )
    region_collection = Collection.objects.get(pk=demo.north.collection_id)
    assert region_collection.get_last_child().name == "Aa"
    assert region_collection.numchild == region_collection.get_children().count()
    assert Collection.find_problems() == ([], [], [], [], [])


def create_user_as_hq(client, username, *groups):
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": username,
            "email": f"{username}@distmark.example",
            "first_name": "New",
            "last_name": "Colleague",
            "password1": "a-long-demo-password-1",
            "password2": "a-long-demo-password-1",
            "groups": [group.pk for group in groups],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = get_user_model().objects.get(username=username)
    return UserProfile.get_for_user(user)


def test_a_new_outlet_user_works_in_the_outlets_language_and_time_zone(login, demo):
    client = login("hq")
    profile = create_user_as_hq(client, "gent-editor-2", demo.gent.editors_group)
    assert (profile.preferred_language, profile.current_time_zone) == (
        "nl",
        "Europe/Brussels",
    )
    profile = create_user_as_hq(client, "lille-manager-2", demo.lille.managers_group)
    assert profile.preferred_language == "fr"

    # Their admin speaks it at once.
    client.force_login(profile.user)
    assert (
        '<html lang="fr"' in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_outlet_defaults_never_replace_a_users_own_choice(demo):
    user = get_user_model().objects.create_user("bilingual")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    user.groups.add(demo.gent.editors_group)
    apply_outlet_user_defaults(user)
    profile.refresh_from_db()
    assert (profile.preferred_language, profile.current_time_zone) == (
        "en",
        "Europe/Brussels",
    )


def test_a_user_of_outlets_speaking_different_languages_keeps_the_default(login, demo):
    profile = create_user_as_hq(
        login("hq"),
        "north-floater",
        demo.lille.editors_group,
        demo.gent.editors_group,
    )
    assert (profile.preferred_language, profile.current_time_zone) == ("", "")
