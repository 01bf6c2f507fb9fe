"""Wagtail's reports as local users reach them."""

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from tests.workflows.flow import spring_page, submit


def lock_marseille_home(demo):
    home = Page.objects.get(pk=demo.marseille.home_page_id)
    home.locked, home.locked_by = True, demo.users["marseille-editor"]
    home.locked_at = timezone.now()
    home.save()


def marseille_submits(demo, client):
    client.force_login(demo.users["marseille-editor"])
    submit(client, spring_page(demo.marseille))


def test_site_history_names_only_the_users_pages_people(login, demo, client):
    marseille_submits(demo, client)
    lille = login("lille-manager")
    for name in ("site_history", "site_history_results"):
        body = lille.get(reverse(f"wagtailadmin_reports:{name}")).content.decode()
        assert "Marius" not in body, name
        assert "Marseille" not in body, name
    hq = login("hq").get(reverse("wagtailadmin_reports:site_history"))
    assert "Marius Olive" in hq.content.decode()


def test_locked_pages_filter_names_only_the_users_people(login, demo):
    lock_marseille_home(demo)
    body = login("lille-manager").get(reverse("wagtailadmin_reports:locked_pages"))
    assert body.status_code == 200
    assert "marseille-editor" not in body.content.decode()
    assert "Marius" not in body.content.decode()


def test_workflow_report_requested_by_names_only_the_users_people(login, demo, client):
    marseille_submits(demo, client)
    for name in ("workflow", "workflow_results"):
        body = login("lille-manager").get(reverse(f"wagtailadmin_reports:{name}"))
        assert "marseille-editor" not in body.content.decode(), name


def test_page_types_usage_is_hqs(login, demo):
    client = login("lille-manager")
    for name in ("page_types_usage", "page_types_usage_results"):
        assert client.get(reverse(f"wagtailadmin_reports:{name}")).status_code == 404
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailadmin_reports:page_types_usage") not in menu
    assert reverse("wagtailadmin_reports:site_history") in menu
    hq = login("hq")
    assert hq.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200
