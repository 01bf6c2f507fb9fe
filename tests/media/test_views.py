"""The brand library screens: brand assets with their rights (read-only for
outlets), the usage of an asset by outlet (HQ), and the brand kit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images import get_image_model

from tests.media.assets import brand_image, days, image
from tests.workflows.flow import refused, with_local_block
from wagtail_distmark.media.models import BrandKit
from wagtail_distmark.media.services import brand_library

pytestmark = pytest.mark.django_db

IMAGES = "distmark_brand_images:index"
DOCUMENTS = "distmark_brand_documents:index"
KIT = "distmark_brand_kit:index"


def usage_url(img):
    return reverse("distmark_brand_images:usage", args=[img.pk])


def listed(response):
    return {asset.title for asset in response.context["object_list"]}


def by_title(title):
    return get_image_model().objects.get(title=title)


def test_outlets_see_usable_brand_assets_with_their_rights_read_only(login, demo):
    response = login("lille-editor").get(reverse(IMAGES))
    assert response.status_code == 200
    # Brand library only (Lille's photo is in Wagtail's own listing), usable only.
    assert listed(response) == {"Brand logo", "Spring 2026 campaign visual"}
    html = response.content.decode()
    assert "© Distmark demo network" in html
    assert days(120).strftime("%Y") in html  # the visual's expiry date
    assert "web, email, print" in html
    # Read-only: no rights column, no usage, no link to Wagtail's edit view.
    assert "Edit rights" not in html and "Used by" not in html
    logo = by_title("Brand logo")
    assert reverse("wagtailimages:edit", args=[logo.pk]) not in html
    assert logo.file.url in html


def test_hq_sees_every_brand_asset_with_status_usage_and_rights_links(login, demo):
    unreviewed = brand_image("Summer visual")  # no rights yet
    response = login("hq").get(reverse(IMAGES))
    assert listed(response) == {
        "Brand logo",
        "Spring 2026 campaign visual",
        "Spring 2025 campaign visual",
        "Summer visual",
    }
    html = response.content.decode()
    assert "Expired" in html and "No rights yet" in html
    expired = by_title("Spring 2025 campaign visual")
    assert usage_url(expired) in html
    # "Edit rights" for an asset without rights opens the add form, prefilled.
    add_url = reverse("distmark_image_rights:add") + f"?image={unreviewed.pk}"
    assert add_url.replace("?", "?") in html
    form = login("hq").get(add_url).context["form"]
    assert form.initial["image"] == unreviewed.pk


def test_search_and_filters(login, demo):
    library = brand_library()
    spring_2026 = library.add_child(name="Spring 2026")
    flyer_visual = image("Spring flyer visual", spring_2026, hq_approved=True)
    flyer_visual.tags.add("flyer")
    client = login("lille-editor")
    assert listed(client.get(reverse(IMAGES), {"q": "logo"})) == {"Brand logo"}
    assert listed(client.get(reverse(IMAGES), {"collection": spring_2026.pk})) == {
        "Spring flyer visual"
    }
    assert listed(client.get(reverse(IMAGES), {"tag": "flyer"})) == {
        "Spring flyer visual"
    }
    empty = client.get(reverse(IMAGES), {"q": "nothing like this"})
    assert "No brand asset matches." in empty.content.decode()


def test_sub_collections_of_the_brand_library_inherit_choose(login, demo):
    """A campaign sub-collection needs no grant of its own: outlets choose
    from it, and cannot add to it."""
    campaign = brand_library().add_child(name="Back to school")
    visual = image("Back to school visual", campaign, hq_approved=True)
    client = login("lille-editor")
    chooser = client.get(reverse("wagtailimages_chooser:choose"))
    assert visual in chooser.context["results"]
    upload = client.get(reverse("wagtailimages:add")).context["form"]
    # Wagtail drops the field when Lille's own collection is the only choice.
    assert "collection" not in upload.fields
    # Nor can they edit it.
    assert refused(client.get(reverse("wagtailimages:edit", args=[visual.pk])))


def test_no_usable_brand_asset_explains_itself(login, demo):
    response = login("lille-editor").get(reverse(DOCUMENTS))
    assert response.status_code == 200
    assert "HQ has not shared any brand asset yet." in response.content.decode()


def test_outside_the_network_refused(login, demo, django_user_model):
    from django.contrib.auth.models import Permission

    stranger = django_user_model.objects.create_user("stranger", password="x")
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    from django.test import Client

    client = Client()
    client.force_login(stranger)
    for url in (reverse(IMAGES), reverse(DOCUMENTS), reverse(KIT)):
        assert refused(client.get(url)), url


def test_listing_queries_do_not_grow_with_assets(login, demo):
    def count(username):
        client = login(username)
        client.get(reverse(IMAGES))  # renditions made once
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(IMAGES))
        return len(queries)

    before = {user: count(user) for user in ("hq", "lille-editor")}
    for n in range(8):
        brand_image(f"Extra {n}", hq_approved=True).tags.add(f"tag-{n}")
    after = {user: count(user) for user in ("hq", "lille-editor")}
    assert after == before


def use_in_lille_page(demo, img):
    page = with_local_block(demo.lille, "image", {"image": img.pk, "caption": ""})
    page.save_revision(clean=False).publish()
    return page


def test_usage_names_the_outlets_and_where(login, demo):
    logo = by_title("Brand logo")
    page = use_in_lille_page(demo, logo)
    expired = by_title("Spring 2025 campaign visual")
    client = login("hq")

    html = client.get(usage_url(logo)).content.decode()
    assert "Used by 1 outlet" in html
    assert "Lille Centre" in html and page.title in html
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in html
    # The field holding it: the outlet's own content, not HQ's template.
    assert "Outlet&#x27;s changes" in html

    html = client.get(usage_url(expired)).content.decode()
    assert "Winter clearance" in html and "outlet page" not in html  # no page on it


def test_usage_through_an_hq_template_names_every_outlet(login, demo):
    from tests.media.test_usage import put_in_hero

    visual = by_title("Spring 2026 campaign visual")
    put_in_hero(visual)
    html = login("hq").get(usage_url(visual)).content.decode()
    assert "Used by 3 outlets" in html
    for name in ("Gent", "Lille Centre", "Marseille Vieux-Port"):
        assert name in html
    assert "HQ template: 3 outlet pages built on it show it too" in html


def test_usage_count_in_the_listing_counts_objects(login, demo):
    logo = by_title("Brand logo")
    use_in_lille_page(demo, logo)
    response = login("hq").get(reverse(IMAGES))
    rows = {asset.title: asset.usage_count for asset in response.context["object_list"]}
    assert rows["Brand logo"] == 1


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager", "north-manager"])
def test_usage_is_hq_only(login, demo, username):
    marseille_photo = by_title("Store front — Marseille Vieux-Port")
    client = login(username)
    for img in (by_title("Brand logo"), marseille_photo):
        assert refused(client.get(usage_url(img)))


def test_usage_of_a_missing_asset_is_404(login, demo):
    assert (
        login("hq")
        .get(reverse("distmark_brand_images:usage", args=[999999]))
        .status_code
        == 404
    )


def test_the_brand_kit_for_outlets(login, demo):
    response = login("lille-editor").get(reverse(KIT))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Main logo",
        "Brand red",
        "#C81E2D",
        "Source Sans 3",
        "never “customers”",
    ):
        assert text in html, text
    assert "brand@distmark.example" in html
    assert (
        reverse("wagtailsettings:edit", args=["wagtail_distmark", "brandkit"])
        not in html
    )
    assert reverse(IMAGES) in html and reverse(DOCUMENTS) in html


def test_outlets_do_not_see_a_logo_they_may_no_longer_use(login, demo):
    logo = by_title("Brand logo")
    logo.distmark_rights.expires_on = days(-1)
    logo.distmark_rights.save()
    assert "Main logo" not in login("lille-editor").get(reverse(KIT)).content.decode()
    assert "Main logo" in login("hq").get(reverse(KIT)).content.decode()


def test_only_hq_edits_the_brand_kit(login, demo):
    kit = BrandKit.load()
    url = reverse("wagtailsettings:edit", args=["wagtail_distmark", "brandkit", kit.pk])
    assert refused(login("lille-manager").get(url))
    assert refused(login("lille-editor").post(url, {"contact": "me@evil.example"}))
    assert BrandKit.load().contact == "brand@distmark.example"
    hq = login("hq")
    assert hq.get(url).status_code == 200
    assert url.rsplit("/", 2)[0] in hq.get(reverse(KIT)).content.decode()


def test_an_empty_brand_kit_says_so(login, demo):
    BrandKit.objects.all().delete()
    html = login("lille-editor").get(reverse(KIT)).content.decode()
    assert "HQ has not filled in the brand kit yet." in html


def test_menu_shows_brand_screens_to_outlets_and_rights_to_hq(login, demo):
    html = login("lille-editor").get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(KIT) in html and reverse(IMAGES) in html
    assert reverse("distmark_image_rights:index") not in html
    html = login("hq").get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("distmark_image_rights:index") in html


@pytest.mark.parametrize("username", ["hq", "lille-editor"])
def test_the_brand_kit_page_is_headed_brand_kit_not_home(login, demo, username):
    import re

    html = login(username).get(reverse("distmark_brand_kit:index")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    crumbs = [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(
            r"<(?:a|div|span)[^>]*>\s*(?:<svg.*?</svg>)?\s*([^<]+?)\s*</(?:a|div|span)>",
            header,
            re.S,
        )
    ]
    assert "Brand kit" in crumbs, crumbs
    images = login(username).get(reverse("distmark_brand_images:index"))
    assert "Brand kit" in images.content.decode()
