"""Wagtail's page screens as local users reach them: chooser, filters, copy."""

from django.urls import reverse
from wagtail.models import Page

from tests.workflows.flow import spring_page, submit


def marseille_home(demo):
    return Page.objects.get(pk=demo.marseille.home_page_id)


def test_page_chooser_starts_at_the_users_own_tree(login, demo):
    response = login("lille-editor").get(reverse("wagtailadmin_choose_page"))
    assert response.status_code == 200
    assert response.json()["parent_page_id"] == demo.lille.home_page_id
    body = response.content.decode()
    assert "Marseille" not in body
    assert "Lille Centre" in body


def test_regional_manager_chooser_starts_at_their_region(login, demo):
    response = login("north-manager").get(reverse("wagtailadmin_choose_page"))
    parent = Page.objects.get(pk=response.json()["parent_page_id"])
    assert parent.pk == demo.north.page_id
    body = response.content.decode()
    assert "Lille Centre" in body and "Gent Korenmarkt" in body
    assert "Marseille" not in body


def test_page_chooser_cannot_browse_another_outlets_tree(login, demo):
    client = login("lille-editor")
    home = marseille_home(demo)
    for page in (home, spring_page(demo.marseille)):
        url = reverse("wagtailadmin_choose_page_child", args=[page.pk])
        assert client.get(url).status_code == 404
    # The network's root lists only what leads to Lille.
    root = Page.objects.get(pk=demo.north.page_id).get_parent()
    body = client.get(reverse("wagtailadmin_choose_page_child", args=[root.pk]))
    assert "Marseille" not in body.content.decode()


def test_page_chooser_search_finds_only_the_users_pages(login, demo):
    client = login("lille-editor")
    found = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Spring"})
    body = found.content.decode()
    assert str(spring_page(demo.lille).pk) in body
    assert f'"{spring_page(demo.marseille).pk}"' not in body
    assert "Marseille" not in body
    found = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Vieux"})
    assert "Marseille" not in found.content.decode()


def test_chosen_pages_must_be_the_users_own(login, demo):
    client = login("lille-editor")
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    lille, marseille = spring_page(demo.lille), spring_page(demo.marseille)
    assert client.get(url, {"id": [lille.pk, marseille.pk]}).status_code == 404
    assert client.get(url, {"id": [lille.pk]}).status_code == 200


def test_page_type_usage_filters_offer_only_the_users_sites_and_people(login, demo):
    client = login("lille-manager")
    for model in ("localpage", "templatepage", "regionpage", "outlethomepage"):
        url = reverse("wagtailadmin_pages:type_use", args=["wagtail_distmark", model])
        body = client.get(url).content.decode()
        assert "Marseille" not in body, model
        assert "Marius" not in body, model


def test_copy_to_another_outlets_page_does_not_name_it(login, demo):
    client = login("lille-manager")
    page = spring_page(demo.lille)
    home = marseille_home(demo)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[page.pk]),
        {"new_title": "Copy", "new_slug": "copy", "new_parent_page": home.pk},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Marseille" not in body
    assert "Choose a page of your own site as the new parent." in body
    assert not Page.objects.filter(slug="copy").exists()


def test_workflow_cancellation_prompt_describes_only_the_users_pages(
    login, demo, client
):
    page = spring_page(demo.marseille)
    client.force_login(demo.users["marseille-editor"])
    submit(client, page)
    url = reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[page.pk])
    assert client.get(url).json()["step"] == "confirm"
    assert login("lille-manager").get(url).status_code == 404


def test_workflow_views_answer_404_for_another_outlets_page_without_a_message(
    login, demo
):
    """Wagtail's workflow views put "The page 'X' is not currently awaiting
    moderation" in a message before any permission check."""
    client = login("lille-manager")
    home = marseille_home(demo)
    task_id = 1
    for url in (
        reverse("wagtailadmin_pages:workflow_action", args=[home.pk, "approve", 1]),
        reverse(
            "wagtailadmin_pages:collect_workflow_action_data",
            args=[home.pk, "approve", 1],
        ),
        reverse("wagtailadmin_pages:workflow_preview", args=[home.pk, task_id]),
    ):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, url
            queued = [str(m) for m in response.wsgi_request._messages]
            assert not [m for m in queued if "Marseille" in m], (url, queued)


def test_pasted_url_of_another_outlets_page_stays_an_external_link(login, demo):
    """Wagtail converts a pasted URL into a link to the page it serves, with
    the page's draft title, whichever site it is on."""
    marseille, lille = spring_page(demo.marseille), spring_page(demo.lille)
    for page in (marseille, lille):
        page.save_revision().publish()
    client = login("lille-editor")
    url = reverse("wagtailadmin_choose_page_external_link")

    def chosen(page):
        response = client.post(
            url,
            {
                "external-link-chooser-url": page.full_url,
                "external-link-chooser-link_text": "",
            },
        )
        return response.json()

    theirs = chosen(marseille)
    assert theirs["step"] == "external_link_chosen"
    assert "id" not in theirs["result"]
    assert theirs["result"]["url"] == marseille.full_url
    ours = chosen(lille)
    assert ours["result"]["id"] == lille.pk


def test_copy_to_a_missing_or_malformed_parent_is_a_form_error(login, demo):
    client = login("lille-manager")
    page = spring_page(demo.lille)
    for parent in ("99999", "abc", ""):
        response = client.post(
            reverse("wagtailadmin_pages:copy", args=[page.pk]),
            {"new_title": "Copy", "new_slug": "copy", "new_parent_page": parent},
        )
        assert response.status_code == 200, parent
        assert response.context["form"].errors["new_parent_page"]


def test_external_link_chooser_without_its_field_asks_for_it(login, demo):
    response = login("lille-editor").post(
        reverse("wagtailadmin_choose_page_external_link"), {}
    )
    assert response.status_code == 200
    assert response.json()["step"] == "external_link"


# The explorer's warning about pages without a site ------------------------------

NO_SITE_WARNINGS = ("There is no site record", "There is no site set up")


def explorer(client, page=None):
    url = "/admin/pages/" if page is None else f"/admin/pages/{page.pk}/"
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_hq_exploring_the_template_library_reads_no_missing_site_warning(login):
    from wagtail_distmark.inheritance.models import TemplateLibraryPage

    html = explorer(login("hq"), TemplateLibraryPage.objects.get())
    assert "Spring promotion" in html
    assert not any(warning in html for warning in NO_SITE_WARNINGS)
    assert "not pages of a site" in html


def test_a_regional_manager_exploring_their_region_reads_no_missing_site_warning(
    login, demo
):
    html = explorer(login("north-manager"))
    assert "Lille" in html and "Gent" in html
    assert not any(warning in html for warning in NO_SITE_WARNINGS)
    html = explorer(login("hq"), demo.north.page)
    assert not any(warning in html for warning in NO_SITE_WARNINGS)


def test_the_warning_still_shows_for_a_page_outside_any_site(login):
    from wagtail.models import Page

    stray = Page.get_first_root_node().add_child(
        instance=Page(title="Stray section", slug="stray")
    )
    html = explorer(login("hq"), stray)
    assert any(warning in html for warning in NO_SITE_WARNINGS)
