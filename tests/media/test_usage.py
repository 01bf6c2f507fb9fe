"""Where unusable assets are still used, from the reference index."""

import copy
import uuid
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.media.assets import brand_image, days
from tests.workflows.flow import filled, spring_page, with_values
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.media.models import ImageRights
from wagtail_distmark.media.usage import EXPIRED, UNAPPROVED, report_unusable_assets

pytestmark = pytest.mark.django_db


def put_in_hero(img):
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.HERO_ID:
            child["value"]["image"] = img.pk
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"].append("image")
    template.body = body
    template.save_revision().publish()
    return template


def test_an_expired_image_in_an_hq_template_reaches_every_outlet_page(demo):
    old = brand_image("Old campaign", hq_approved=True, expires_on=days(-1))
    brand_image("Logo", hq_approved=True)  # usable, and unused: not reported
    template = put_in_hero(old)
    (entry,) = [e for e in report_unusable_assets() if e.asset == old]
    assert entry.reason == EXPIRED
    assert entry.uses[0].obj == template
    assert entry.uses[0].derived_pages == 3
    assert entry.outlet_ids == {demo.lille.pk, demo.marseille.pk, demo.gent.pk}


def test_an_outlet_page_using_an_unapproved_asset_is_reported_with_its_outlet(demo):
    put_in_hero(brand_image("Logo", hq_approved=True))
    draft = brand_image("Draft visual")
    page = with_values(
        filled(spring_page(demo.lille)),
        spring.LOCAL_ZONE_ID,
        blocks=[
            {
                "type": "image",
                "value": {"image": draft.pk, "caption": ""},
                "id": str(uuid.uuid4()),
            }
        ],
    )
    page.save_revision(clean=False).publish()
    (entry,) = [e for e in report_unusable_assets() if e.asset == draft]
    assert entry.reason == UNAPPROVED
    assert [(use.obj.pk, use.outlet_name) for use in entry.uses] == [
        (page.pk, "Lille Centre")
    ]


def test_the_command_lists_uses_and_emails_hq_and_the_outlets(demo):
    put_in_hero(brand_image("Old campaign", hq_approved=True, expires_on=days(-1)))
    out = StringIO()
    call_command("distmark_check_assets", stdout=out)
    text = out.getvalue()
    assert f"Old campaign (usage rights expired on {days(-1).isoformat()}):" in text
    assert "Spring promotion [HQ template, 3 outlet page(s) built on it]" in text
    assert "Spring promotion [Lille Centre]" in text
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["hq@distmark.example", "lille-manager@distmark.example"]
    lille = next(m for m in mail.outbox if m.to == ["lille-manager@distmark.example"])
    assert lille.subject.startswith("[Lille Centre] 1 asset")
    assert "Winter clearance" not in lille.body  # HQ's own page: HQ's email only
    assert "Old campaign" in lille.body


def test_nothing_to_report(demo):
    # The demo's expired visual, renewed.
    ImageRights.objects.update(expires_on=None)
    out = StringIO()
    call_command("distmark_check_assets", "--no-notify", stdout=out)
    assert out.getvalue().strip() == "No unusable asset is in use."
    assert mail.outbox == []


def test_the_daily_task_sends_the_same_report(demo):
    from wagtail_distmark.media.tasks import check_assets_task

    put_in_hero(brand_image("Old campaign", hq_approved=True, expires_on=days(-1)))
    result = check_assets_task.enqueue()
    # The demo's expired visual, and this one.
    assert result.return_value == 2
    assert sorted(a for m in mail.outbox for a in m.to) == [
        "hq@distmark.example",
        "lille-manager@distmark.example",
    ]


def test_the_email_is_plain_text_not_html(demo):
    # Names as typed in plain-text mail: no "&amp;" nor "&#x27;".
    demo.lille.name = "Lille Centre & Co's"
    demo.lille.save()
    put_in_hero(
        brand_image("Old <campaign> & co", hq_approved=True, expires_on=days(-1))
    )
    call_command("distmark_check_assets", stdout=StringIO())
    lille = next(m for m in mail.outbox if m.to == ["lille-manager@distmark.example"])
    assert lille.subject.startswith("[Lille Centre & Co's] 1 asset")
    assert "Old <campaign> & co" in lille.body and "&amp;" not in lille.body
