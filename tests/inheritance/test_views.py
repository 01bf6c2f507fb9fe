"""The template library, its report and the outlet page editor's notices."""

import copy

import pytest
from django.urls import reverse

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage

from .editing import (
    edit_url,
    form_data,
    local_zone_rich_text,
    spring_page,
    value_name,
)

LIBRARY = "/admin/distmark/templates/"


@pytest.fixture
def template(demo):
    return TemplatePage.objects.get(slug=spring.SPRING_SLUG)


def republish(template, mutate):
    body = copy.deepcopy(list(template.body.raw_data))
    mutate(body)
    template.body = body
    template.save_revision().publish()


def tighten_promotion_bounds(body):
    for child in body:
        if child["id"] == spring.PROMOTION_ID:
            child["value"]["max_discount"] = 12


def test_library_lists_templates_with_the_users_own_pages_only(login, demo):
    html = login("lille-editor").get(LIBRARY).content.decode()
    assert "Spring promotion" in html
    assert "Edit Lille Centre" in html
    assert "Marseille" not in html
    assert "Gent" not in html


def test_library_search_and_empty_states(login, demo):
    client = login("lille-editor")
    assert "Spring promotion" in client.get(LIBRARY, {"q": "spring"}).content.decode()
    html = client.get(LIBRARY, {"q": "christmas"}).content.decode()
    assert "No template matches" in html
    TemplatePage.objects.update(live=False)
    assert "has not published any template" in client.get(LIBRARY).content.decode()


def test_people_outside_the_network_cannot_browse_the_library(client, demo):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    outsider = get_user_model().objects.create_user("outsider", password="x")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    response = client.get(LIBRARY)
    assert response.status_code in (302, 403)


def test_using_a_template_creates_a_draft_in_the_users_outlet(login, demo, template):
    LocalPage.objects.filter(outlet=demo.lille).delete()
    client = login("lille-editor")
    response = client.post(
        reverse("distmark_templates:use", args=[template.pk]),
        {"outlet": demo.lille.pk},
    )
    page = LocalPage.objects.get(outlet=demo.lille)
    assert response["Location"] == edit_url(page)
    assert not page.live
    assert page.get_parent().pk == demo.lille.home_page_id
    # Using it again opens the same page.
    response = client.post(
        reverse("distmark_templates:use", args=[template.pk]),
        {"outlet": demo.lille.pk},
    )
    assert response["Location"] == edit_url(page)
    assert LocalPage.objects.filter(outlet=demo.lille).count() == 1


def test_using_a_template_for_another_outlet_is_refused(login, demo, template):
    LocalPage.objects.filter(outlet=demo.marseille).delete()
    response = login("lille-editor").post(
        reverse("distmark_templates:use", args=[template.pk]),
        {"outlet": demo.marseille.pk},
    )
    assert response.status_code == 404
    assert not LocalPage.objects.filter(outlet=demo.marseille).exists()


def test_drift_report_lists_what_needs_review_for_hq_only(login, demo, template):
    client = login("lille-editor")
    page = spring_page(demo.lille)
    client.post(
        edit_url(page),
        form_data(page, **{value_name(spring.PROMOTION_ID, "discount_percent"): "15"}),
    )
    LocalPage.objects.filter(pk=page.pk).update(
        overrides=page.get_latest_revision_as_object().overrides
    )
    republish(template, tighten_promotion_bounds)

    report = reverse("distmark_templates:report", args=[template.pk])
    assert client.get(report).status_code in (302, 403)
    html = login("hq").get(report, {"stale": "1"}).content.decode()
    assert "Lille Centre" in html
    assert "HQ changed its rules" in html
    assert "Marseille" not in html  # nothing to review there


def test_editor_warns_about_stale_values_and_keeps_them_until_discarded(
    login, demo, template
):
    client = login("lille-editor")
    page = spring_page(demo.lille)
    client.post(
        edit_url(page),
        form_data(page, **{value_name(spring.PROMOTION_ID, "discount_percent"): "15"}),
    )
    republish(template, tighten_promotion_bounds)

    html = client.get(edit_url(page)).content.decode()
    assert "HQ changed 1 block" in html
    assert f'data-dm-stale="{spring.PROMOTION_ID}"' in html
    # What the outlet had, in full, for review.
    earlier = html.split("data-dm-earlier>", 1)[1].split("</div>\n</div>", 1)[0]
    assert "Discount (%)" in earlier
    assert "15" in earlier

    # Saving without touching it keeps the value for review…
    client.post(edit_url(page), form_data(page))
    latest = LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.overrides[spring.PROMOTION_ID]["values"] == {"discount_percent": 15}
    # …and discarding it drops it.
    client.post(
        edit_url(page),
        form_data(page, **{f"overrides-discard-{spring.PROMOTION_ID}": "1"}),
    )
    latest = LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert spring.PROMOTION_ID not in latest.overrides


def test_a_page_whose_template_was_deleted_can_be_relinked(login, demo, template):
    page = spring_page(demo.lille)
    template.delete()
    client = login("lille-editor")
    html = client.get(edit_url(page)).content.decode()
    assert "HQ deleted the template" in html

    replacement = TemplatePage(
        title="Summer promotion", slug="summer", body=spring.spring_promotion_body()
    )
    from wagtail_distmark.inheritance.services import ensure_template_library

    ensure_template_library().add_child(instance=replacement)
    replacement.save_revision().publish()
    response = client.post(
        edit_url(page), {**form_data(page), "hq_template": replacement.pk}
    )
    assert response.status_code == 302
    relinked = LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert relinked.hq_template_id == replacement.pk


def test_the_template_cannot_be_switched_once_chosen(login, demo, template):
    page = spring_page(demo.lille)
    other = TemplatePage(title="Other", slug="other", body=[])
    template.get_parent().add_child(instance=other)
    other.save_revision().publish()
    login("lille-editor").post(
        edit_url(page), {**form_data(page), "hq_template": other.pk}
    )
    latest = LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.hq_template_id == template.pk


def test_preview_shows_the_draft_values_on_the_live_template(login, demo):
    client = login("lille-editor")
    page = spring_page(demo.lille)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = form_data(page, **{value_name(spring.HERO_ID, "subtitle"): "Preview me"})
    assert client.post(preview_url, data).json()["is_valid"]
    html = client.get(preview_url).content.decode()
    assert "Preview me" in html
    assert "Spring is here" in html


def test_revision_history_and_comparison_work(login, demo):
    client = login("lille-editor")
    page = spring_page(demo.lille)
    client.post(
        edit_url(page),
        form_data(page, **{value_name(spring.HERO_ID, "subtitle"): "Second"}),
    )
    revisions = list(page.revisions.order_by("pk").values_list("pk", flat=True))
    assert len(revisions) >= 2
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[page.pk, revisions[0], revisions[-1]],
    )
    response = client.get(compare)
    assert response.status_code == 200


def test_editor_adds_a_local_page_choosing_among_live_templates(login, demo, template):
    LocalPage.objects.filter(outlet=demo.lille).delete()
    draft = TemplatePage(title="Unpublished idea", slug="idea", body=[])
    template.get_parent().add_child(instance=draft)
    TemplatePage.objects.filter(pk=draft.pk).update(live=False)
    client = login("lille-editor")
    add_url = reverse(
        "wagtailadmin_pages:add",
        args=["wagtail_distmark", "localpage", demo.lille.home_page_id],
    )
    html = client.get(add_url).content.decode()
    assert "Spring promotion" in html
    assert "Unpublished idea" not in html

    base = {
        "title": "Our spring",
        "slug": "our-spring",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    response = client.post(add_url, {**base, "hq_template": draft.pk})
    assert response.status_code == 200
    assert "hq_template" in response.context["form"].errors

    response = client.post(add_url, {**base, "hq_template": template.pk})
    page = LocalPage.objects.get(outlet=demo.lille)
    assert response["Location"] == edit_url(page)
    assert page.hq_template_id == template.pk


def test_use_with_a_malformed_outlet_id_is_a_404(login, demo, template):
    client = login("lille-editor")
    for outlet in ("", "abc"):
        response = client.post(
            reverse("distmark_templates:use", args=[template.pk]), {"outlet": outlet}
        )
        assert response.status_code == 404


def test_report_has_its_heading(login, demo, template):
    html = login("hq").get(reverse("distmark_templates:report", args=[template.pk]))
    assert "<h1" in html.content.decode()
    assert "Outlet pages of “Spring promotion”" in html.content.decode()


def test_admin_preview_speaks_the_outlets_language(login, demo):
    client = login("lille-editor")
    page = spring_page(demo.lille)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = form_data(page, **{value_name(spring.EVENT_ID, "date"): "2027-04-10"})
    client.post(preview_url, data)
    html = client.get(preview_url).content.decode()
    assert "avril 2027" in html


def publish_zone_text(login, page, html="<p>Braderie this Saturday</p>"):
    """Lille's manager publishes the page with a text block in the local zone."""
    response = login("lille-manager").post(
        edit_url(page),
        form_data(
            page,
            **local_zone_rich_text(html),
            **{value_name(spring.EVENT_ID, "date"): "2027-04-10"},
            **{"action-publish": "1"},
        ),
    )
    assert response.status_code == 302
    assert LocalPage.objects.get(pk=page.pk).live


def allow_images_in_the_zone(body):
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"].append("image")


def test_hq_widening_the_local_zone_keeps_lilles_live_text(
    login, client, demo, template
):
    page = spring_page(demo.lille)
    publish_zone_text(login, page)
    public = "/spring-promotion/"
    assert (
        "Braderie this Saturday"
        in client.get(public, HTTP_HOST="lille.localhost").content.decode()
    )

    republish(template, allow_images_in_the_zone)

    assert (
        "Braderie this Saturday"
        in client.get(public, HTTP_HOST="lille.localhost").content.decode()
    )
    html = login("lille-editor").get(edit_url(page)).content.decode()
    assert "data-dm-stale" not in html
    assert "HQ changed" not in html
    assert (
        "Braderie this Saturday" in html
    )  # in the zone's field, as the outlet's value
