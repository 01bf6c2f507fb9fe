"""HQ edits usage rights in the admin; outlets cannot reach the screens."""

import re

import pytest
from django.urls import reverse

from tests.media.assets import brand_image, days
from wagtail_distmark.media.models import ImageRights

pytestmark = pytest.mark.django_db

INDEX = "distmark_image_rights:index"
ADD = "distmark_image_rights:add"
EDIT = "distmark_image_rights:edit"


def test_hq_approves_an_upload_with_an_expiry_date(login, demo):
    visual = brand_image("Summer visual")
    client = login("hq")
    assert "Spring 2026 campaign visual" in client.get(reverse(INDEX)).content.decode()
    response = client.post(
        reverse(ADD),
        {
            "image": visual.pk,
            "hq_approved": "on",
            "expires_on": days(90).isoformat(),
            "for_web": "on",
            "credit": "Photo: Studio Nord",
        },
    )
    assert response.status_code == 302
    rights = ImageRights.objects.get(image=visual)
    assert rights.is_usable and rights.expires_on == days(90)
    assert (rights.for_web, rights.for_email, rights.for_print) == (True, False, False)


def test_an_asset_has_one_set_of_rights(login, demo):
    visual = brand_image("Summer visual", hq_approved=True)
    response = login("hq").post(reverse(ADD), {"image": visual.pk})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert ImageRights.objects.filter(image=visual).count() == 1


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager", "north-manager"])
def test_outlets_cannot_reach_or_change_rights(login, demo, username):
    rights = brand_image("Old visual", hq_approved=True, expires_on=days(-1))
    rights = ImageRights.objects.get(image=rights)
    client = login(username)
    for url in (reverse(INDEX), reverse(ADD), reverse(EDIT, args=[rights.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == "/admin/"
    client.post(
        reverse(EDIT, args=[rights.pk]), {"image": rights.image_id, "hq_approved": "on"}
    )
    rights.refresh_from_db()
    assert rights.is_expired
    assert reverse(INDEX) not in client.get("/admin/").content.decode()


def test_the_rights_listing_counts_each_assets_uses_in_flat_queries(login, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("hq")
    with CaptureQueriesContext(connection) as few:
        html = client.get(reverse(INDEX)).content.decode()
    # The expired demo visual is still shown by the "Winter clearance" template.
    assert "1 page or item" in html
    for n in range(5):
        brand_image(f"Extra {n}", hq_approved=True)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(INDEX))
    assert len(more) == len(few)


def test_the_rights_listing_shows_approval_as_an_icon_not_true(login, demo):
    import re

    html = login("hq").get(reverse(INDEX)).content.decode()
    cells = re.findall(r"<td[^>]*>\s*(True|False)\s*</td>", html)
    assert cells == []
    assert "icon-success" in html  # an approved asset's tick


def test_the_approval_filter_reads_approved_not_true(login, demo):
    approved = brand_image("Brand logo", hq_approved=True)
    draft = brand_image("Draft visual", hq_approved=False)
    url = reverse("distmark_image_rights:index")
    response = login("hq").get(url, {"hq_approved": "1"})
    html = re.sub(r"\s+", " ", response.content.decode())
    listed = [r.image for r in response.context["object_list"]]
    assert approved in listed and draft not in listed
    assert "Approved by HQ: </span>" in html
    pill = html[html.index("Approved by HQ: </span>") :][:60]
    assert "Approved</b>" in pill and "True" not in pill
