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
