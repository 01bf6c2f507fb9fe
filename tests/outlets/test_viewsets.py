"""The outlet admin screens, as HQ, regional and local users reach them.

Every admin URL, aimed at another outlet's objects as each local role, is
walked in tests/isolation/test_routes.py.
"""

import re

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from wagtail_distmark.inheritance.models import LocalPage
from wagtail_distmark.outlets.models import Outlet, Region

DENIED = (403, 404)


def assert_no_access(response, *secrets, client=None):
    """Refused (403/404, or Wagtail's redirect for PermissionDenied), or a
    page that shows none of the other outlet's data."""
    if response.status_code in DENIED:
        return
    if response.status_code == 302:
        location = response["Location"]
        if location == reverse("wagtailadmin_home") or location.startswith(
            reverse("wagtailadmin_login")
        ):
            return
        # Sent elsewhere (e.g. to their own explorer root): that page must not
        # show the other outlet either.
        assert client is not None, f"unexpected redirect to {location}"
        response = client.get(location)
    body = response.content.decode()
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked"


def wagtail_urls_for(outlet, demo):
    """Wagtail's own admin URLs for an outlet's page tree, media and people."""
    home = outlet.home_page_id
    local_page = LocalPage.objects.filter(outlet=outlet).first().pk
    return [
        reverse("wagtailadmin_pages:edit", args=[local_page]),
        reverse("wagtailadmin_pages:preview_on_edit", args=[local_page]),
        reverse("wagtailadmin_pages:revisions_index", args=[local_page]),
        reverse("wagtailadmin_explore", args=[home]),
        reverse("wagtailadmin_pages:edit", args=[home]),
        reverse("wagtailadmin_pages:delete", args=[home]),
        reverse("wagtailadmin_pages:history", args=[home]),
        reverse("wagtailadmin_pages:copy", args=[home]),
        reverse("wagtailadmin_pages:move", args=[home]),
        reverse("wagtailadmin_pages:unpublish", args=[home]),
        reverse("wagtailadmin_pages:add_subpage", args=[home]),
        reverse("wagtailadmin_pages:view_draft", args=[home]),
        reverse("wagtailadmin_collections:edit", args=[outlet.collection_id]),
        reverse("wagtailadmin_collections:delete", args=[outlet.collection_id]),
        reverse("wagtailusers_groups:edit", args=[outlet.editors_group_id]),
        reverse("wagtailusers_groups:edit", args=[outlet.managers_group_id]),
        reverse("wagtailusers_users:edit", args=[demo.users["marseille-editor"].pk]),
        reverse("wagtailsites:edit", args=[outlet.site_id]),
    ]


@pytest.fixture
def marseille_image(demo):
    return get_image_model().objects.create(
        title="Marseille private photo",
        file=get_test_image_file(),
        collection=demo.marseille.collection,
    )


def test_local_editor_cannot_reach_another_outlets_pages_media_or_people(
    login, demo, marseille_image
):
    client = login("lille-editor")
    secrets = ["Marseille", "marseille.localhost", "Marseille private photo"]
    urls = [
        *wagtail_urls_for(demo.marseille, demo),
        reverse("wagtailimages:edit", args=[marseille_image.pk]),
        reverse("wagtailimages:delete", args=[marseille_image.pk]),
    ]
    for url in urls:
        assert_no_access(client.get(url), *secrets, client=client)
    title_before = Page.objects.get(pk=demo.marseille.home_page_id).title
    for url in urls:
        assert_no_access(
            client.post(url, {"title": "Hijacked"}), *secrets, client=client
        )
    assert Page.objects.get(pk=demo.marseille.home_page_id).title == title_before
    assert get_image_model().objects.filter(pk=marseille_image.pk).exists()
    # Listings and choosers that span outlets show only Lille's things.
    for url in [
        reverse("wagtailimages:index"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtailadmin_pages:search") + "?q=Vieux",
        reverse("wagtailadmin_explore_root"),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert_no_access(response, *secrets)
    # The explorer takes them straight to their own tree.
    response = client.get(reverse("wagtailadmin_explore_root"))
    assert response["Location"] == reverse(
        "wagtailadmin_explore", args=[demo.lille.home_page_id]
    )


def test_outlet_listing_is_scoped_per_role(login, demo):
    names = {o.name for o in Outlet.objects.all()}

    def listed(username):
        body = login(username).get(reverse("outlets:index")).content.decode()
        return {name for name in names if name in body}

    assert listed("hq") == names
    assert listed("north-manager") == {"Lille Centre", "Gent Korenmarkt"}
    assert listed("lille-manager") == {"Lille Centre"}
    assert listed("lille-editor") == {"Lille Centre"}


def test_outlet_listing_region_filter_lists_only_the_users_regions(login, demo):
    body = login("lille-manager").get(reverse("outlets:index")).content.decode()
    assert "Nord / Noord" in body
    assert "Sud" not in body
    hq = login("hq").get(reverse("outlets:index")).content.decode()
    assert "Sud" in hq


def test_outlet_listing_query_count_does_not_grow(
    login, demo, django_assert_max_num_queries
):
    client = login("hq")
    with django_assert_max_num_queries(40) as baseline:
        client.get(reverse("outlets:index"))
    from wagtail_distmark.outlets.onboarding import onboard_outlet

    for i in range(6):
        onboard_outlet(name=f"Extra {i}", slug=f"extra-{i}", region=demo.south)
    client = login("hq")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(reverse("outlets:index"))


def test_hq_adds_an_outlet_through_the_admin(login, demo):
    client = login("hq")
    response = client.post(
        reverse("outlets:add"),
        {
            "name": "Namur Gare",
            "slug": "namur",
            "region": demo.north.pk,
            "hostname": "Namur.Example.com",
            "timezone": "Europe/Brussels",
            "locale": "fr",
            "country": "be",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "09:00",
            "opening_hours-0-closes": "18:00",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    namur = Outlet.objects.get(slug="namur")
    assert namur.site.hostname == "namur.example.com"
    assert namur.country == "BE"
    assert namur.home_page.title == "Namur Gare"
    assert [str(h) for h in namur.opening_hours.all()] == ["Monday 09:00–18:00"]
    assert namur.editors_group.name == "Outlet namur: editors"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "lille", "already exists"),
        ("hostname", "gent.localhost", "already used by another site"),
        ("hostname", "not a host!", "Enter a hostname"),
        ("timezone", "Europe/Lile", "not a known time zone"),
        ("name", "", "This field is required"),
    ],
)
def test_add_outlet_form_names_the_faulty_field(login, demo, field, value, message):
    client = login("hq")
    data = {
        "name": "Tournai",
        "slug": "tournai",
        "region": demo.north.pk,
        "hostname": "tournai.localhost",
        "timezone": "Europe/Brussels",
        "locale": "fr",
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        field: value,
    }
    count = Outlet.objects.count()
    response = client.post(reverse("outlets:add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert Outlet.objects.count() == count


def test_manager_edits_profile_but_not_identity(login, demo):
    client = login("lille-manager")
    url = reverse("outlets:edit", args=[demo.lille.pk])
    form = client.get(url).context["form"]
    assert "phone" in form.fields
    assert not {"region", "hostname"} & set(form.fields)
    response = client.post(
        url,
        {
            "name": "Lille Centre",
            "phone": "+33 3 20 99 99 99",
            "region": demo.south.pk,  # crafted: not in the form, ignored
            "hostname": "evil.localhost",
            "timezone": "Europe/Paris",
            "locale": "fr",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    demo.lille.refresh_from_db()
    assert demo.lille.phone == "+33 3 20 99 99 99"
    assert demo.lille.region == demo.north
    assert demo.lille.site.hostname == "lille.localhost"


def test_editor_cannot_edit_own_outlet_profile(login, demo):
    response = login("lille-editor").post(
        reverse("outlets:edit", args=[demo.lille.pk]), {"name": "Renamed"}
    )
    assert response.status_code in (302, 403)
    demo.lille.refresh_from_db()
    assert demo.lille.name == "Lille Centre"


def test_hq_moves_outlet_to_another_region_and_grants_follow(login, demo):
    client = login("hq")
    response = client.post(
        reverse("outlets:edit", args=[demo.gent.pk]),
        {
            "name": "Gent Korenmarkt",
            "region": demo.south.pk,
            "hostname": "gent.example.be",
            "timezone": "Europe/Brussels",
            "locale": "nl",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    demo.gent.refresh_from_db()
    assert demo.gent.site.hostname == "gent.example.be"
    home = Page.objects.get(pk=demo.gent.home_page_id)
    assert home.get_parent().pk == demo.south.page_id
    assert not home.permissions_for_user(demo.users["north-manager"]).can_edit()
    assert Outlet.objects.for_user(demo.users["north-manager"]).get() == demo.lille


def test_offboarding_refused_while_collection_holds_media(login, demo, marseille_image):
    from wagtail_distmark.contacts.models import Contact

    Contact.objects.filter(outlet=demo.marseille).delete()
    client = login("hq")
    response = client.post(
        reverse("outlets:delete", args=[demo.marseille.pk]), follow=True
    )
    assert Outlet.objects.filter(pk=demo.marseille.pk).exists()
    # Its store photo from the demo, and this one.
    assert re.search(r"still holds 2 media", response.content.decode())


def test_offboarding_removes_site_groups_and_tree(login, demo):
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, Site

    from wagtail_distmark.contacts.models import Contact

    gent = demo.gent
    ids = (gent.site_id, gent.home_page_id, gent.collection_id, gent.editors_group_id)
    client = login("hq")
    # Refused while Gent has contacts, with the reason.
    response = client.post(reverse("outlets:delete", args=[gent.pk]), follow=True)
    assert "still has 300 contacts" in response.content.decode()
    assert Outlet.objects.filter(pk=gent.pk).exists()
    Contact.objects.filter(outlet=gent).delete()
    response = client.post(reverse("outlets:delete", args=[gent.pk]))
    assert response.status_code == 302
    assert not Outlet.objects.filter(pk=gent.pk).exists()
    assert not Site.objects.filter(pk=ids[0]).exists()
    assert not Page.objects.filter(pk=ids[1]).exists()
    assert not Collection.objects.filter(pk=ids[2]).exists()
    assert not Group.objects.filter(pk=ids[3]).exists()


def test_hq_creates_sub_region_and_cannot_delete_a_region_with_outlets(login, demo):
    client = login("hq")
    response = client.post(
        reverse("regions:add"),
        {"name": "Flandre", "slug": "flandre", "parent": demo.north.pk},
    )
    assert response.status_code == 302
    flandre = Region.objects.get(slug="flandre")
    assert flandre.get_parent() == demo.north
    assert flandre.managers_group.name == "Region flandre: managers"

    # An empty region goes; one with outlets anywhere below it stays.
    response = client.post(reverse("regions:delete", args=[flandre.pk]))
    assert not Region.objects.filter(slug="flandre").exists()

    from wagtail_distmark.outlets.onboarding import create_region

    benelux = create_region(name="Benelux", slug="benelux")
    vlaanderen = create_region(name="Vlaanderen", slug="vlaanderen", parent=benelux)
    demo.gent.region = vlaanderen
    demo.gent.save()
    response = client.post(reverse("regions:delete", args=[benelux.pk]), follow=True)
    assert Region.objects.filter(pk=benelux.pk).exists()
    assert Region.objects.filter(pk=vlaanderen.pk).exists()
    assert "Benelux still has outlets" in response.content.decode()


def test_regional_manager_explores_only_their_outlets(login, demo):
    client = login("north-manager")
    response = client.get(reverse("wagtailadmin_explore_root"), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lille Centre" in body and "Gent Korenmarkt" in body
    # Neither the listing nor its site / owner filters name Marseille.
    assert "Marseille" not in body


def test_inspect_shows_site_hours_and_team(login, demo):
    body = (
        login("lille-editor")
        .get(reverse("outlets:inspect", args=[demo.lille.pk]))
        .content.decode()
    )
    assert 'href="http://lille.localhost"' in body
    assert "Monday 09:30–19:00" in body
    assert "Managers: Claire Lefebvre" in body
    assert "Editors: Léa Martin" in body
    # An editor is offered no edit or delete link.
    assert reverse("outlets:edit", args=[demo.lille.pk]) not in body
