"""Publishing directly is allowed to local publishers only within HQ's rules."""

import pytest
from django.urls import reverse

from tests.workflows.flow import spring_page, submit
from wagtail_distmark.inheritance import demo as spring

pytestmark = pytest.mark.django_db

DISCOUNT = f"overrides-v-{spring.PROMOTION_ID}-discount_percent"
SUBTITLE = f"overrides-v-{spring.HERO_ID}-subtitle"


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_a_manager_publishes_a_compliant_page_directly(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-manager")
    submit(client, page, action="action-publish")
    page.refresh_from_db()
    assert page.live


def test_a_discount_hq_must_review_cannot_be_published_directly(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-manager")
    response = submit(client, page, action="action-publish", **{DISCOUNT: "18"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    # The draft is kept; the manager is told why and what to do.
    assert page.get_latest_revision_as_object().overrides[spring.PROMOTION_ID][
        "values"
    ] == {"discount_percent": 18}
    shown = messages_of(response)
    assert "“Spring promotion” was saved as a draft but not published." in shown
    assert any(
        "A 18 % discount (limit 15 %). Submit it to “Local publishing” instead." in m
        for m in shown
    )


def test_a_banned_word_cannot_be_published_directly(login, demo, client, settings):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    login("lille-manager")
    response = submit(
        client, page, action="action-publish", **{SUBTITLE: "Tout est gratuit"}
    )
    page.refresh_from_db()
    assert not page.live
    assert any("Hero › Subtitle: “gratuit”" in m for m in messages_of(response))


def test_hq_is_not_held_back(login, demo, client):
    page = spring_page(demo.lille)
    login("hq")
    submit(client, page, action="action-publish", **{DISCOUNT: "18"})
    page.refresh_from_db()
    assert page.live


def test_bulk_publishing_is_checked_too(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-manager")
    submit(client, page, action="action-save", **{DISCOUNT: "18"})
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = client.post(f"{url}?id={page.pk}", {})
    page.refresh_from_db()
    assert not page.live
    assert "“Spring promotion” was not published." in messages_of(response)


# Brand checks on every path to live ------------------------------------------

WINTER_HERO_ID = "6a0c1c1e-0000-4000-8000-000000000001"


def winter_clearance():
    from wagtail_distmark.inheritance.models import TemplatePage

    return TemplatePage.objects.get(slug="winter-clearance")


def use_for(client, template, outlet):
    """The template library's "Use for <outlet>" button."""
    return client.post(
        reverse("distmark_templates:use", args=(template.pk,)),
        {"outlet": outlet.pk},
    )


def editor_post(page, action):
    return {
        "title": page.title,
        "slug": page.slug,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        action: "1",
    }


def test_a_page_used_from_the_library_with_an_expired_hq_visual_does_not_go_live(
    login, demo, client
):
    # The issue's steps: Template library › "Use for Lille Centre" on "Winter
    # clearance" › Publish. HQ's hero shows a visual whose rights expired.
    from wagtail_distmark.inheritance.models import LocalPage

    client = login("lille-manager")
    response = use_for(client, winter_clearance(), demo.lille)
    page = LocalPage.objects.get(outlet=demo.lille, hq_template=winter_clearance())
    assert response.url == f"/admin/pages/{page.pk}/edit/"
    # Told at once, before trying to publish.
    assert any(
        message.startswith("Before it can be published: Hero › Image: The usage ")
        and message.endswith("ask HQ to replace it.")
        for message in messages_of(response)
    ), messages_of(response)
    response = client.post(response.url, editor_post(page, "action-publish"))
    page.refresh_from_db()
    assert not page.live
    shown = messages_of(response)
    assert "“Winter clearance” was saved as a draft but not published." in shown
    assert any(
        "Hero › Image: The usage rights of “Spring 2025 campaign visual” expired on"
        in message
        for message in shown
    ), shown


def lilles_winter_clearance(client, demo):
    from wagtail_distmark.inheritance.models import LocalPage

    use_for(client, winter_clearance(), demo.lille)
    return LocalPage.objects.get(outlet=demo.lille, hq_template=winter_clearance())


def test_hq_cannot_publish_an_outlet_page_showing_an_expired_visual_either(
    login, demo, client
):
    page = lilles_winter_clearance(login("lille-manager"), demo)
    client = login("hq")
    response = client.post(
        f"/admin/pages/{page.pk}/edit/", editor_post(page, "action-publish")
    )
    page.refresh_from_db()
    assert not page.live
    assert any(
        "“Spring 2025 campaign visual” expired on" in m for m in messages_of(response)
    )


def test_bulk_publishing_applies_the_brand_checks(login, demo, client):
    page = lilles_winter_clearance(login("lille-manager"), demo)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = client.post(f"{url}?id={page.pk}", {})
    page.refresh_from_db()
    assert not page.live
    shown = messages_of(response)
    assert "“Winter clearance” was not published." in shown
    assert any(
        m.startswith("Hero › Image: The usage rights of “Spring 2025 campaign visual”")
        for m in shown
    ), shown


def test_hqs_own_pages_are_not_held_to_outlet_checks(login, demo, client):
    # HQ's template itself, showing the expired visual, is no outlet's page:
    # it still publishes (the outlet pages built on it are checked).
    template = winter_clearance()
    template.title = "Winter clearance 2027"
    template.save_revision(user=demo.users["hq"])
    client = login("hq")
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = client.post(f"{url}?id={template.pk}", {})
    template.refresh_from_db()
    assert template.title == "Winter clearance 2027", messages_of(response)
    assert not template.has_unpublished_changes
