"""The demo's brand library, as the issue's "Done when" describes it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.images import get_image_model

from wagtail_distmark.media.models import ImageRights
from wagtail_distmark.media.services import brand_library

pytestmark = pytest.mark.django_db


def test_the_brand_library_holds_sample_assets_one_expired(demo):
    titles = set(
        get_image_model()
        .objects.filter(collection__path__startswith=brand_library().path)
        .values_list("title", flat=True)
    )
    assert {
        "Brand logo",
        "Spring 2026 campaign visual",
        "Spring 2025 campaign visual",
    } <= titles
    expired = [
        rights.image.title for rights in ImageRights.objects.all() if rights.is_expired
    ]
    assert expired == ["Spring 2025 campaign visual"]


def test_lille_editor_chooses_brand_and_lille_assets_only(login, demo):
    response = login("lille-editor").get(reverse("wagtailimages_chooser:choose"))
    titles = {image.title for image in response.context["results"]}
    assert titles == {
        "Brand logo",
        "Spring 2026 campaign visual",
        "Store front — Lille Centre",
    }


def test_the_asset_check_reports_the_page_still_using_the_expired_visual(demo):
    out = StringIO()
    call_command("distmark_check_assets", "--no-notify", stdout=out)
    assert "Spring 2025 campaign visual (usage rights expired on" in out.getvalue()
    assert "Winter clearance [HQ]" in out.getvalue()
