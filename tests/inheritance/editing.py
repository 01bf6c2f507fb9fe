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


def local_zone_rich_text(html, features=None):
    """The editor's fields for one rich text block, ``html``, in the Spring
    promotion's local zone (posted as Draftail sends it)."""
    from wagtail.test.utils.form_data import rich_text

    from wagtail_distmark.blocks.library import RICH_TEXT_FEATURES

    zone = value_name(spring.LOCAL_ZONE_ID, "blocks")
    return {
        f"{zone}-count": "1",
        f"{zone}-0-type": "rich_text",
        f"{zone}-0-deleted": "",
        f"{zone}-0-order": "0",
        f"{zone}-0-id": "0d9c8a2e-2222-4222-8222-000000000001",
        f"{zone}-0-value": rich_text(html, features=features or RICH_TEXT_FEATURES),
    }


def block_form_data(block, raw):
    """What Wagtail's editor posts for ``block`` holding ``raw`` (nested, for
    ``nested_form_data``): HQ editing a template as a browser would."""
    from wagtail import blocks
    from wagtail.test.utils.form_data import rich_text

    if isinstance(block, blocks.StreamBlock):
        data = {
            str(index): {
                "type": child["type"],
                "value": block_form_data(
                    block.child_blocks[child["type"]], child["value"]
                ),
                "deleted": "",
                "order": str(index),
                "id": child.get("id") or "",
            }
            for index, child in enumerate(raw or [])
        }
        data["count"] = str(len(raw or []))
        return data
    if isinstance(block, blocks.ListBlock):
        items = [
            item if isinstance(item, dict) and "value" in item else {"value": item}
            for item in raw or []
        ]
        data = {
            str(index): {
                "value": block_form_data(block.child_block, item["value"]),
                "deleted": "",
                "order": str(index),
                "id": item.get("id") or "",
            }
            for index, item in enumerate(items)
        }
        data["count"] = str(len(items))
        return data
    if isinstance(block, blocks.StructBlock):
        return {
            name: block_form_data(child, (raw or {}).get(name))
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.RichTextBlock):
        return rich_text(raw or "", features=block.features)
    if isinstance(block, blocks.BooleanBlock):
        return "on" if raw else ""
    if isinstance(block, blocks.MultipleChoiceBlock):
        return list(raw or [])
    return "" if raw is None else str(raw)


def _flatten(nested, prefix=""):
    """Form data from nested dicts; lists stay lists (a field's several values)."""
    flat = {}
    for key, value in nested.items():
        name = f"{prefix}-{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat


def template_form_data(template, body, **extra):
    """The HQ template editor's POST for ``template`` with ``body`` (raw)."""
    stream_block = template._meta.get_field("body").stream_block
    data = _flatten(
        {
            "title": template.title,
            "slug": template.slug,
            "description": template.description,
            "body": block_form_data(stream_block, body),
        }
    )
    data.update(
        {
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(extra)
    return data
