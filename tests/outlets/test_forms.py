import pytest

from wagtail_distmark.outlets.forms import OutletForm, RegionForm
from wagtail_distmark.outlets.viewsets import OutletViewSet, RegionViewSet


def outlet_form_class():
    return OutletViewSet("outlets").get_form_class()


@pytest.mark.parametrize(
    ("hostname", "valid"),
    [
        ("lille.example.com", True),
        ("LILLE.Example.com", True),
        ("xn--lige-bpa.example.be", True),
        ("lille_centre.example.com", False),
        ("-lille.example.com", False),
        ("lille..example.com", False),
        ("<script>.example.com", False),
    ],
)
def test_hostname_validation(demo, hostname, valid):
    form = outlet_form_class()(
        data={
            "name": "Test",
            "slug": "test",
            "region": demo.north.pk,
            "hostname": hostname,
            "timezone": "Europe/Paris",
            "locale": "fr",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
        for_user=demo.users["hq"],
    )
    assert form.is_valid() is valid, form.errors
    if valid:
        assert form.cleaned_data["hostname"] == hostname.lower()


def test_slug_is_fixed_once_the_outlet_exists(demo):
    form = outlet_form_class()(instance=demo.lille, for_user=demo.users["hq"])
    assert form.fields["slug"].disabled
    assert form.fields["hostname"].initial == "lille.localhost"
    assert issubclass(outlet_form_class(), OutletForm)


def test_region_parent_is_fixed_once_the_region_exists(demo):
    form = RegionViewSet("regions").get_form_class()(
        instance=demo.north, for_user=demo.users["hq"]
    )
    assert isinstance(form, RegionForm)
    assert form.fields["parent"].disabled
    assert form.fields["parent"].initial.is_root()


# -- The manager's photo: it shows on the outlet's public pages ------------------


def profile_post(client, outlet, **extra):
    from django.urls import reverse

    return client.post(
        reverse("outlets:edit", args=[outlet.pk]),
        {
            "name": outlet.name,
            "timezone": "Europe/Paris",
            "locale": "fr",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            **extra,
        },
    )


@pytest.fixture
def photos(demo):
    from tests.media.assets import brand_image, days, image

    return {
        "lille": image("Lille manager portrait", demo.lille.collection),
        "marseille": image("Calanques manager portrait", demo.marseille.collection),
        "gent": image("Gent manager portrait", demo.gent.collection),
        "brand": brand_image("Brand portrait frame", hq_approved=True),
        "expired": brand_image(
            "Expired portrait", hq_approved=True, expires_on=days(-1)
        ),
        "unapproved": brand_image("Unapproved portrait", hq_approved=False),
    }


def test_manager_photo_is_chosen_with_the_image_chooser(login, demo, photos):
    from django.urls import reverse
    from wagtail.images.widgets import AdminImageChooser

    response = login("lille-manager").get(reverse("outlets:edit", args=[demo.lille.pk]))
    form = response.context["form"]
    assert isinstance(form.fields["manager_photo"].widget, AdminImageChooser)
    body = response.content.decode()
    for other in ("Calanques manager portrait", "Gent manager portrait", "Expired"):
        assert other not in body


@pytest.mark.parametrize("username", ["lille-manager", "north-manager", "hq"])
def test_another_outlets_photo_is_refused_without_naming_or_showing_it(
    login, demo, photos, username
):
    client = login(username)
    for other in ("marseille", "gent"):
        response = profile_post(client, demo.lille, manager_photo=photos[other].pk)
        assert response.status_code == 200, other
        errors = response.context["form"].errors["manager_photo"]
        assert errors == [
            "Choose a photo from this outlet's images or from the brand library."
        ]
        # The re-displayed chooser holds no image: not the refused one.
        body = response.content.decode()
        assert photos[other].title not in body
        assert photos[other].file.name.rsplit("/", 1)[-1].split(".")[0] not in body
    demo.lille.refresh_from_db()
    assert demo.lille.manager_photo_id is None


def test_a_malformed_photo_id_is_a_form_error(login, demo):
    response = profile_post(login("lille-manager"), demo.lille, manager_photo="abc")
    assert response.status_code == 200
    assert response.context["form"].errors["manager_photo"]


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        ("expired", "The usage rights of “Expired portrait” expired on"),
        ("unapproved", "“Unapproved portrait” is not approved by HQ for use."),
    ],
)
def test_hq_is_told_why_an_unusable_brand_photo_is_refused(
    login, demo, photos, photo, message
):
    response = profile_post(login("hq"), demo.lille, manager_photo=photos[photo].pk)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["manager_photo"])
    demo.lille.refresh_from_db()
    assert demo.lille.manager_photo_id is None


@pytest.mark.parametrize("photo", ["expired", "unapproved"])
def test_outlet_users_cannot_pick_an_unusable_brand_photo_by_id(
    login, demo, photos, photo
):
    """Outlet users never see these in the chooser: a crafted id is refused
    like any image out of their reach, without naming or showing it."""
    response = profile_post(
        login("lille-manager"), demo.lille, manager_photo=photos[photo].pk
    )
    assert response.status_code == 200
    assert response.context["form"].errors["manager_photo"] == [
        "Choose a photo from this outlet's images or from the brand library."
    ]
    assert photos[photo].title not in response.content.decode()
    demo.lille.refresh_from_db()
    assert demo.lille.manager_photo_id is None


def test_profile_says_when_the_current_photo_is_no_longer_shown(login, demo, photos):
    from django.urls import reverse

    from wagtail_distmark.media.models import ImageRights

    photo = photos["brand"]
    demo.lille.manager_photo = photo
    demo.lille.save()
    ImageRights.objects.filter(image=photo).update(hq_approved=False)
    client = login("lille-manager")
    response = client.get(reverse("outlets:edit", args=[demo.lille.pk]))
    assert "Your pages no longer show this photo" in response.content.decode()
    # Saving the profile keeps it (the manager changes their phone number).
    response = profile_post(
        client, demo.lille, manager_photo=photo.pk, phone="+33 3 20 00 00 00"
    )
    assert response.status_code == 302
    demo.lille.refresh_from_db()
    assert demo.lille.manager_photo == photo


@pytest.mark.parametrize("photo", ["lille", "brand"])
def test_own_or_brand_photo_is_saved(login, demo, photos, photo):
    response = profile_post(
        login("lille-manager"), demo.lille, manager_photo=photos[photo].pk
    )
    assert response.status_code == 302
    demo.lille.refresh_from_db()
    assert demo.lille.manager_photo == photos[photo]


def test_photo_whose_rights_lapse_leaves_the_public_pages(demo, photos, client):
    from wagtail_distmark.media.models import ImageRights

    photo = photos["brand"]
    demo.lille.manager_photo = photo
    demo.lille.save()
    assert demo.lille.public_manager_photo == photo
    ImageRights.objects.filter(image=photo).update(hq_approved=False)
    from wagtail_distmark.outlets.models import Outlet

    assert Outlet.objects.get(pk=demo.lille.pk).public_manager_photo is None


def test_asset_check_reports_an_outlet_photo_whose_rights_expired(demo, photos):
    from tests.media.assets import days
    from wagtail_distmark.media.models import ImageRights
    from wagtail_distmark.media.usage import asset_key, report_unusable_assets

    photo = photos["brand"]
    demo.lille.manager_photo = photo
    demo.lille.save()
    ImageRights.objects.filter(image=photo).update(expires_on=days(-2))
    report = {asset_key(e.asset): e for e in report_unusable_assets()}
    entry = report[asset_key(photo)]
    assert [(use.obj, use.outlet_id) for use in entry.uses] == [
        (demo.lille, demo.lille.pk)
    ]
