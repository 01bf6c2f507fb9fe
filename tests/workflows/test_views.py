"""After approving from the dashboard, the approver is told what happens next."""

import pytest
from django.urls import reverse

from tests.inheritance.editing import local_zone_rich_text
from tests.workflows.flow import act, current_task_state, spring_page, submit
from wagtail_distmark.inheritance import demo as spring

pytestmark = pytest.mark.django_db

CUSTOMISED = {
    f"overrides-v-{spring.HERO_ID}-subtitle": "Le printemps à Lille",
    f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "12",
    f"overrides-hide-{spring.SIGNATURE_ID}": "1",
    **local_zone_rich_text("<p>Atelier semis samedi.</p>"),
}


def messages_after(client, response):
    """The messages shown on the page the approver lands on."""
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    return [str(message) for message in landing.context["messages"]]


def test_approving_a_big_change_says_it_went_to_hq_and_why(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page, **CUSTOMISED)
    client.force_login(demo.users["lille-manager"])
    response = act(client, page, "approve")
    assert (
        "“Spring promotion” was sent to “HQ review” because: "
        "4 blocks changed (limit 3)."
    ) in messages_after(client, response)


def test_approving_within_the_limits_says_it_is_live(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    response = act(client, page, "approve")
    assert response["Location"].startswith("/admin/distmark/workflow/approved/")
    assert "“Spring promotion” is live now." in messages_after(client, response)
    page.refresh_from_db()
    assert page.live


def test_only_the_approver_reads_what_happened(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    state = current_task_state(page)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    url = reverse("distmark_workflow_approved", args=(state.pk,))
    for username in ("lille-editor", "marseille-editor", "hq"):
        client.force_login(demo.users[username])
        assert client.get(url).status_code == 404
