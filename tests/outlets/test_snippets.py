"""Outlet-scoped snippets (the test app's LocalOffer stands in for campaigns)."""

from django.urls import reverse

from tests.testapp.models import LocalOffer


def offers(demo):
    return (
        LocalOffer.objects.create(title="Lille offer", outlet=demo.lille),
        LocalOffer.objects.create(title="Calanques offer", outlet=demo.marseille),
    )


CHOOSER = "wagtailsnippetchoosers_distmark_testapp_localoffer"
VIEWS = "wagtailsnippets_distmark_testapp_localoffer"


def test_chooser_offers_only_the_users_outlets_objects(login, demo):
    lille, marseille = offers(demo)
    client = login("lille-editor")
    for name in ("choose", "choose_results"):
        body = client.get(reverse(f"{CHOOSER}:{name}")).content.decode()
        assert "Lille offer" in body, name
        assert "Calanques" not in body, name
    chosen = reverse(f"{CHOOSER}:chosen", args=[marseille.pk])
    assert client.get(chosen).status_code == 404
    assert client.get(reverse(f"{CHOOSER}:chosen", args=[lille.pk])).status_code == 200
    multiple = client.get(
        reverse(f"{CHOOSER}:chosen_multiple"), {"id": [lille.pk, marseille.pk]}
    )
    assert "Calanques" not in multiple.content.decode()
    hq = login("hq").get(reverse(f"{CHOOSER}:choose")).content.decode()
    assert "Calanques offer" in hq


def test_object_views_of_another_outlets_object_answer_404_unnamed(login, demo):
    _lille, marseille = offers(demo)
    client = login("lille-manager")
    for name, args in (
        ("workflow_action", [marseille.pk, "approve", 1]),
        ("collect_workflow_action_data", [marseille.pk, "approve", 1]),
        ("confirm_workflow_cancellation", [marseille.pk]),
        ("edit", [marseille.pk]),
        ("history", [marseille.pk]),
    ):
        response = client.get(reverse(f"{VIEWS}:{name}", args=args))
        assert response.status_code == 404, name
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Calanques" not in dashboard
