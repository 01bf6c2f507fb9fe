import pytest
from django.core.exceptions import ValidationError
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Site,
)

from wagtail_distmark.outlets.models import Outlet
from wagtail_distmark.outlets.onboarding import onboard_outlet


def test_onboarding_creates_site_tree_collection_and_groups(demo):
    outlet = onboard_outlet(
        name="Lyon Part-Dieu", slug="lyon", region=demo.south, hostname="lyon.localhost"
    )
    outlet.refresh_from_db()
    assert outlet.site.hostname == "lyon.localhost"
    assert outlet.site.root_page_id == outlet.home_page_id
    assert outlet.home_page.live
    assert outlet.collection.get_parent().name == "Outlets"
    assert set(
        GroupPagePermission.objects.filter(group=outlet.editors_group).values_list(
            "page_id", "permission__codename"
        )
    ) == {(outlet.home_page_id, "add_page"), (outlet.home_page_id, "change_page")}
    assert set(
        GroupCollectionPermission.objects.filter(group=outlet.managers_group)
        .values_list("collection_id", flat=True)
        .distinct()
    ) == {outlet.collection_id}
    # The south region's managers act on it too.
    assert GroupPagePermission.objects.filter(
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
