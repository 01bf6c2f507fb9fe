"""Outlet pages' search entries follow their template."""

from wagtail.models import Page

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage, TemplatePage


def search(query):
    return list(Page.objects.type(LocalPage).search(query))


def test_publishing_a_template_refreshes_outlet_pages_search_text(
    demo, django_capture_on_commit_callbacks
):
    pages = LocalPage.objects.filter(hq_template__slug=spring.SPRING_SLUG)
    assert search("Rhubarb") == []

    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = list(template.body.raw_data)
    for child in body:
        if child["id"] == spring.BRAND_TEXT_ID:
            child["value"]["content"] = "<p>Rhubarb season is open</p>"
    template.body = body
    # The refresh is queued after the commit (tests run tasks immediately).
    with django_capture_on_commit_callbacks(execute=True):
        template.save_revision().publish()

    assert {page.pk for page in search("Rhubarb")} == {page.pk for page in pages}
