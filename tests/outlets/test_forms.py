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
