"""The admin hooks: what editors are told, and publishing around the workflow."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page

from tests.testapp.models import LocalOffer
from tests.workflows.flow import spring_page, submit
from wagtail_distmark.inheritance import demo as spring

pytestmark = pytest.mark.django_db

SUBTITLE = f"overrides-v-{spring.HERO_ID}-subtitle"


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_the_editor_sees_the_findings_at_once(login, demo, client, settings):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    login("lille-editor")
    response = submit(client, page, **{SUBTITLE: "Tout est gratuit"})
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    shown = messages_of(response)
    assert (
        "The brand checks sent “Spring promotion” back: correct the points below, "
        "then submit it again." in shown
    )
    assert "Hero › Subtitle: “gratuit” is on HQ's list of banned words." in shown


def test_a_compliant_submission_goes_back_to_the_explorer(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    response = submit(client, page)
    assert response["Location"] != reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not any("brand checks sent" in m for m in messages_of(response))


def bulk_publish(client, page, **data):
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    return client.post(f"{url}?id={page.pk}", data)


def test_bulk_publishing_checks_the_latest_draft_of_a_live_page(
    login, demo, client, settings
):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    login("lille-manager")
    submit(client, page, action="action-publish")
    page.refresh_from_db()
    assert page.live
    submit(client, page, action="action-save-draft", **{SUBTITLE: "Tout gratuit"})
    response = bulk_publish(client, page)
    assert "“Spring promotion” was not published." in messages_of(response)
    page.refresh_from_db()
    assert "gratuit" not in str(page.merge.by_id(spring.HERO_ID).raw)


def test_bulk_publishing_with_descendants_checks_each_unpublished_page(
    login, demo, client
):
    # Gent's Spring promotion still lacks its required date.
    home = Page.objects.get(pk=demo.gent.home_page_id)
    login("north-manager")
    response = bulk_publish(client, home, include_descendants="on")
    assert any("Event: Required" in m for m in messages_of(response))
    assert not spring_page(demo.gent).live


@pytest.fixture
def offer_workflow(demo):
    from wagtail.models import Workflow, WorkflowContentType

    content_type = ContentType.objects.get_for_model(LocalOffer)
    WorkflowContentType.objects.create(
        workflow=Workflow.objects.get(name="Local publishing"),
        content_type=content_type,
    )
    perms = Permission.objects.filter(
        content_type=content_type,
        codename__in=["change_localoffer", "publish_localoffer"],
    )
    demo.lille.managers_group.permissions.add(*perms)


def test_snippets_cannot_be_published_directly_around_the_checks(
    login, demo, client, settings, offer_workflow
):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    offer = LocalOffer.objects.create(
        title="Lille offer", outlet=demo.lille, live=False, body=[]
    )
    login("lille-manager")
    url = reverse("wagtailsnippets_distmark_testapp_localoffer:edit", args=[offer.pk])
    response = client.post(
        url,
        {
            "title": "Lille offer",
            "outlet": demo.lille.pk,
            "audience": "10",
            "body-count": "1",
            "body-0-type": "headline",
            "body-0-value": "Tout gratuit",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "action-publish": "1",
        },
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert not offer.live
    assert "Headline: “gratuit” is on HQ's list of banned words." in "\n".join(
        messages_of(response)
    )


def test_approving_from_the_editor_says_what_happens_next(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    response = submit(
        client,
        page,
        action="action-workflow-action",
        **{"workflow-action-name": "approve"},
    )
    assert "“Spring promotion” is live now." in messages_of(response)
