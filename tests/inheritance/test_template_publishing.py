"""HQ publishing a template: what it affects first, then outlets told."""

import copy

import pytest
from django.core import mail
from django.urls import reverse

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage

from .editing import (
    edit_url,
    form_data,
    local_zone_rich_text,
    spring_page,
    template_form_data,
    value_name,
)


@pytest.fixture
def template(demo):
    return TemplatePage.objects.get(slug=spring.SPRING_SLUG)


def edited_body(template, block_id, **changes):
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == block_id:
            child["value"].update(changes)
    return body


def publish_as_hq(client, template, body):
    return client.post(
        edit_url(template),
        template_form_data(template, body, **{"action-publish": "action-publish"}),
    )


def lille_publishes_discount(login, demo, discount="15"):
    page = spring_page(demo.lille)
    response = login("lille-manager").post(
        edit_url(page),
        form_data(
            page,
            **{
                value_name(spring.PROMOTION_ID, "discount_percent"): discount,
                value_name(spring.EVENT_ID, "date"): "2027-04-10",
                "action-publish": "1",
            },
        ),
    )
    assert response.status_code == 302
    assert LocalPage.objects.get(pk=page.pk).live
    return page


def test_a_change_that_keeps_every_outlet_value_publishes_at_once(
    login, demo, template
):
    page = spring_page(demo.lille)
    login("lille-manager").post(
        edit_url(page),
        form_data(
            page,
            **local_zone_rich_text("<p>Braderie this Saturday</p>"),
            **{value_name(spring.EVENT_ID, "date"): "2027-04-10"},
            **{"action-publish": "1"},
        ),
    )
    client = login("hq")
    zone = next(c for c in template.body.raw_data if c["id"] == spring.LOCAL_ZONE_ID)
    body = edited_body(
        template,
        spring.LOCAL_ZONE_ID,
        allowed_blocks=[*zone["value"]["allowed_blocks"], "image"],
    )
    response = publish_as_hq(client, template, body)
    assert response.status_code == 302
    assert "/publish/" not in response["Location"]
    template = TemplatePage.objects.get(pk=template.pk)
    zone = next(c for c in template.body.raw_data if c["id"] == spring.LOCAL_ZONE_ID)
    assert "image" in zone["value"]["allowed_blocks"]
    assert not template.has_unpublished_changes
    assert mail.outbox == []


def test_a_change_making_outlet_values_stale_asks_hq_first_then_tells_managers(
    login, demo, template, mailoutbox, django_capture_on_commit_callbacks
):
    lille = lille_publishes_discount(login, demo, "15")
    mailoutbox.clear()
    client = login("hq")
    body = edited_body(template, spring.PROMOTION_ID, max_discount=12)
    response = publish_as_hq(client, template, body)

    # Not published yet: saved as a draft, HQ sees what it affects.
    template = TemplatePage.objects.get(pk=template.pk)
    assert template.has_unpublished_changes
    promotion = next(
        c for c in template.body.raw_data if c["id"] == spring.PROMOTION_ID
    )
    assert promotion["value"]["max_discount"] == 20
    confirm_url = reverse(
        "distmark_templates:confirm_publish",
        args=[template.pk, template.latest_revision_id],
    )
    assert response["Location"] == confirm_url
    html = client.get(confirm_url).content.decode()
    assert "values of 1 outlet page no longer fit" in html
    assert f'data-dm-outlet-page="{lille.pk}"' in html
    assert "Lille Centre" in html
    assert "Marseille" not in html  # its discount (HQ's 10 %) still fits
    assert mailoutbox == []

    # Outlets cannot reach it.
    outlet = login("lille-manager")
    assert "Lille Centre" not in outlet.get(confirm_url).content.decode()
    assert outlet.post(confirm_url).status_code in (302, 403)
    assert TemplatePage.objects.get(pk=template.pk).has_unpublished_changes

    with django_capture_on_commit_callbacks(execute=True):
        response = login("hq").post(confirm_url)
    assert response.status_code == 302
    template = TemplatePage.objects.get(pk=template.pk)
    assert not template.has_unpublished_changes
    promotion = next(
        c for c in template.body.raw_data if c["id"] == spring.PROMOTION_ID
    )
    assert promotion["value"]["max_discount"] == 12

    # Lille's managers are told, in French (Lille's language); no one else.
    managers = {
        user.email
        for user in demo.users.values()
        if user.groups.filter(pk=demo.lille.managers_group_id).exists()
    }
    assert managers
    assert {message.to[0] for message in mailoutbox} == managers
    message = mailoutbox[0]
    assert "Spring promotion" in message.subject
    assert "Promotion" in message.body
    assert f"/admin/pages/{lille.pk}/edit/" in message.body
    assert "Bonjour" in message.body


def test_the_managers_language_is_their_own_before_their_outlets(
    login, demo, template, mailoutbox, django_capture_on_commit_callbacks
):
    from wagtail.users.models import UserProfile

    lille_publishes_discount(login, demo, "15")
    manager = demo.users["lille-manager"]
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "nl"
    profile.save()
    mailoutbox.clear()
    client = login("hq")
    publish_as_hq(
        client, template, edited_body(template, spring.PROMOTION_ID, max_discount=12)
    )
    template = TemplatePage.objects.get(pk=template.pk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "distmark_templates:confirm_publish",
                args=[template.pk, template.latest_revision_id],
            )
        )
    [message] = [m for m in mailoutbox if m.to == [manager.email]]
    assert "Hallo" in message.body


def test_a_template_using_an_expired_asset_warns_hq_naming_the_outlet_pages(
    login, demo, template
):
    from wagtail.images import get_image_model

    expired = get_image_model().objects.get(title="Spring 2025 campaign visual")
    client = login("hq")
    body = edited_body(template, spring.HERO_ID, image=expired.pk)
    response = publish_as_hq(client, template, body)
    template = TemplatePage.objects.get(pk=template.pk)
    assert template.has_unpublished_changes
    html = client.get(response["Location"]).content.decode()
    assert "usage rights of “Spring 2025 campaign visual” expired" in html
    assets = html.split('data-dm-impact="assets"', 1)[1]
    for outlet in (demo.lille, demo.marseille, demo.gent):
        page = spring_page(outlet)
        assert f'data-dm-outlet-page="{page.pk}"' in assets
    assert "3 outlet pages would show them" in assets
    # HQ may still publish (a deliberate choice, after the warning).
    client.post(response["Location"])
    template = TemplatePage.objects.get(pk=template.pk)
    assert not template.has_unpublished_changes


def test_impact_costs_the_same_queries_for_many_outlet_pages(demo, template):
    """One query for the pages and one for their drafts, however many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from wagtail_distmark.inheritance.impact import template_change_impact

    def queries():
        new = TemplatePage.objects.get(pk=template.pk)
        new.body = edited_body(template, spring.PROMOTION_ID, max_discount=12)
        with CaptureQueriesContext(connection) as captured:
            impact = template_change_impact(template, new)
        return len(captured), impact

    before, _impact = queries()
    for outlet in (demo.lille, demo.marseille, demo.gent):
        home = Page.objects.get(pk=outlet.home_page_id)
        for n in range(3):
            home.add_child(
                instance=LocalPage(
                    title=f"Copy {n}",
                    slug=f"copy-{n}",
                    hq_template=template,
                    outlet=outlet,
                    overrides={
                        spring.PROMOTION_ID: {
                            "type": "promotion",
                            "values": {"discount_percent": 15},
                        }
                    },
                )
            )
    after, impact = queries()
    assert after == before
    assert len(impact.stale_pages) == 9
