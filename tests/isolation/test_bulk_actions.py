"""Wagtail's bulk actions as local users reach them."""

from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Page

from tests.media.assets import image
from tests.workflows.flow import spring_page


def bulk(action, app="wagtailimages", model="image"):
    return reverse("wagtail_bulk_action", args=[app, model, action])


def test_bulk_actions_on_another_outlets_image_answer_404(login, demo):
    theirs = image("Calanques sunset", demo.marseille.collection)
    ours = image("Lille store front", demo.lille.collection)
    client = login("lille-manager")
    for action in ("delete", "add_tags", "add_to_collection"):
        response = client.get(bulk(action), {"id": [ours.pk, theirs.pk]})
        assert response.status_code == 404, action
    response = client.post(bulk("delete") + f"?id={theirs.pk}")
    assert response.status_code == 404
    assert get_image_model().objects.filter(pk=theirs.pk).exists()
    # Their own image: Wagtail's confirmation.
    response = client.get(bulk("delete"), {"id": ours.pk})
    assert response.status_code == 200
    assert "Lille store front" in response.content.decode()


def test_selecting_all_pages_never_names_another_outlets(login, demo):
    client = login("lille-manager")
    for query in (
        "id=all",
        f"id=all&childOf={demo.marseille.home_page_id}",
        "id=all&q=Spring",
    ):
        response = client.get(bulk("publish", "wagtailcore", "page") + "?" + query)
        assert "Marseille" not in response.content.decode(), query
    lille = spring_page(demo.lille)
    response = client.get(
        bulk("unpublish", "wagtailcore", "page")
        + f"?id=all&childOf={lille.get_parent().pk}"
    )
    assert response.status_code == 200
    assert lille.title in response.content.decode()


def test_bulk_action_on_another_outlets_page_is_a_404(login, demo):
    page = spring_page(demo.marseille)
    client = login("lille-manager")
    response = client.get(bulk("delete", "wagtailcore", "page"), {"id": page.pk})
    assert response.status_code == 404
    assert Page.objects.filter(pk=page.pk).exists()


def test_moving_pages_to_another_outlets_page_does_not_name_it(login, demo):
    """Wagtail's refusal named any page of the network given as destination
    ("cannot be moved to 'Marseille Vieux-Port'")."""
    lille = spring_page(demo.lille)
    client = login("lille-manager")
    for destination in (demo.marseille.home_page_id, demo.south.page_id):
        response = client.post(
            bulk("move", "wagtailcore", "page") + f"?id={lille.pk}",
            {"chooser": destination},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Marseille" not in body, destination
        assert "Sud" not in body, destination
        assert "Choose a page of your own site as the new parent." in body
    lille.refresh_from_db()
    assert lille.get_parent().pk == demo.lille.home_page_id
