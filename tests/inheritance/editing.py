"""Helpers to post the outlet page editor as a browser would."""

from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage


def value_name(block_id, field_name):
    return f"overrides-v-{block_id}-{field_name}"


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def spring_page(outlet):
    return LocalPage.objects.get(outlet=outlet, hq_template__slug=spring.SPRING_SLUG)


def form_data(page, **values):
    """The editor's POST for ``page``, with the Spring promotion's open fields.

    ``values`` override the defaults by posted name.
    """
    data = {
        "title": page.title,
        "slug": page.slug,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        value_name(
            spring.HERO_ID, "subtitle"
        ): "Fresh ideas for your home, in every store",
        value_name(spring.PROMOTION_ID, "discount_percent"): "10",
        value_name(spring.EVENT_ID, "date"): "",
        value_name(spring.EVENT_ID, "time"): "",
        value_name(spring.LOCAL_ZONE_ID, "blocks") + "-count": "0",
    }
    data.update(values)
    return data


def form_errors(response):
    """Errors by (block id, field) from a re-displayed editor."""
    form = response.context["form"]
    errors = {}
    for error in form.errors.as_data().get("overrides", []):
        errors.update(
            {
                key: list(value.messages)
                for key, value in getattr(error, "slot_errors", {}).items()
            }
        )
        errors.setdefault("field", []).extend(error.messages)
    return errors
