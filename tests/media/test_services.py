"""The brand library collection and who may choose from it."""

import pytest
from wagtail.images import get_image_model
from wagtail.models import GroupCollectionPermission

from tests.media.assets import brand_image, days, image
from wagtail_distmark.media.services import brand_library, choosable_by_outlets
from wagtail_distmark.outlets.onboarding import onboard_outlet

pytestmark = pytest.mark.django_db


def choose_grants(group):
    return sorted(
        GroupCollectionPermission.objects.filter(
            group=group, collection=brand_library()
        ).values_list("permission__codename", flat=True)
    )


def test_every_local_group_may_only_choose_brand_assets(demo):
    for group in (
        demo.lille.editors_group,
        demo.lille.managers_group,
        demo.north.managers_group,
    ):
        assert choose_grants(group) == ["choose_document", "choose_image"]
    outlet = onboard_outlet(name="Lyon Bellecour", slug="lyon", region=demo.south)
    assert choose_grants(outlet.editors_group) == ["choose_document", "choose_image"]


def test_outlets_choose_approved_unexpired_brand_assets_and_local_photos(demo):
    approved = brand_image("Logo", hq_approved=True)
    expires_today = brand_image("Summer visual", hq_approved=True, expires_on=days(0))
    expired = brand_image("Old campaign", hq_approved=True, expires_on=days(-1))
    unapproved = brand_image("Draft visual", hq_approved=False)
    no_rights = brand_image("Just uploaded")
    local = image("Lille shop front", demo.lille.collection)
    flagged_local = image("Lille old poster", demo.lille.collection, hq_approved=False)
    choosable = set(choosable_by_outlets(get_image_model().objects.all()))
    assert {approved, expires_today, local} <= choosable
    assert not {expired, unapproved, no_rights, flagged_local} & choosable
