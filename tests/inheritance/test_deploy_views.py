"""Deploying a template from the admin, with its progress page."""

import pytest
from django.urls import reverse

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import (
    LocalPage,
    TemplateDeployment,
    TemplatePage,
)
from wagtail_distmark.outlets.onboarding import onboard_outlet


@pytest.fixture
def template(demo):
    return TemplatePage.objects.get(slug=spring.SPRING_SLUG)


def deploy_url(template):
    return reverse("distmark_templates:deploy", args=[template.pk])


def test_hq_deploys_to_a_region_and_follows_progress(
    login, demo, template, django_capture_on_commit_callbacks
):
    roubaix = onboard_outlet(name="Roubaix", slug="roubaix", region=demo.north)
    client = login("hq")
    assert "Deploy" in client.get(deploy_url(template)).content.decode()

    # The task is queued once the request's transaction commits; the test
    # settings then run it at once.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            deploy_url(template),
            {"target_kind": "regions", "regions": [demo.north.pk]},
        )
    deployment = TemplateDeployment.objects.get()
    assert response["Location"] == reverse(
        "distmark_templates:deployment", args=[deployment.pk]
    )
    html = client.get(response["Location"]).content.decode()
    assert "1 page created" in html
    assert "2 outlets already had it" in html
    assert LocalPage.objects.filter(outlet=roubaix, hq_template=template).exists()
    data = client.get(response["Location"], {"format": "json"}).json()
    assert data["status"] == "done"
    assert (data["created"], data["skipped"], data["total"]) == (1, 2, 3)


def test_publishing_a_template_with_required_blocks_is_refused(login, demo, template):
    response = login("hq").post(
        deploy_url(template), {"target_kind": "all", "publish": "on"}
    )
    assert response.status_code == 200
    assert "deploy them as drafts" in response.content.decode()
    assert not TemplateDeployment.objects.exists()


def test_an_empty_choice_names_the_field(login, demo, template):
    response = login("hq").post(deploy_url(template), {"target_kind": "outlets"})
    assert response.status_code == 200
    assert response.context["form"].errors["outlets"]


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager", "north-manager"])
def test_only_hq_deploys(login, demo, template, username):
    client = login(username)
    assert client.get(deploy_url(template)).status_code in (302, 403)
    client.post(deploy_url(template), {"target_kind": "all"})
    assert not TemplateDeployment.objects.exists()


def test_pages_failing_the_brand_checks_are_deployed_as_drafts_and_named(
    login, demo, django_capture_on_commit_callbacks
):
    # "Winter clearance" shows HQ's Spring 2025 visual, whose rights expired:
    # deployed "published", no outlet's page goes live, and the deployment's
    # page names each outlet with the reason.
    winter = TemplatePage.objects.get(slug="winter-clearance")
    client = login("hq")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            deploy_url(winter),
            {
                "target_kind": "outlets",
                "outlets": [demo.lille.pk, demo.gent.pk],
                "publish": "on",
            },
        )
    pages = LocalPage.objects.filter(hq_template=winter)
    assert pages.count() == 2
    assert not pages.filter(live=True).exists()
    html = client.get(response["Location"]).content.decode()
    assert "2 pages created" in html
    assert "2 of them kept as drafts: they fail the brand checks" in html
    for outlet in (demo.lille, demo.gent):
        assert outlet.name in html
    assert (
        html.count(
            "Created as a draft, not published: Hero › Image: The usage rights of “Spring 2025 campaign visual” expired on"
        )
        == 2
    )
    data = client.get(response["Location"], {"format": "json"}).json()
    assert (data["failed"], data["kept_as_drafts"]) == (0, 2)
    assert {error["name"] for error in data["errors"]} == {
        demo.lille.name,
        demo.gent.name,
    }
