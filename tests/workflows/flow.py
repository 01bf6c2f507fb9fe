"""Helpers: submit, approve and inspect local publishing as the admin does."""

from django.urls import reverse
from wagtail.models import TaskState

from tests.inheritance.editing import edit_url, form_data, spring_page, value_name
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.overrides import make_override

__all__ = [
    "spring_page",
    "submit",
    "act",
    "refused",
    "current_task_state",
    "with_values",
    "filled",
    "result",
]

EVENT_DATE = "2027-04-10"


def submit(client, page, action="action-submit", **values):
    """Post the editor's "Submit to Local publishing" (or ``action``) for ``page``."""
    data = form_data(page, **{value_name(spring.EVENT_ID, "date"): EVENT_DATE})
    data.update(values)
    data[action] = "1"
    return client.post(edit_url(page), data)


def refused(response):
    """Whether Wagtail's admin refused the request (a 403, or its redirect to
    the dashboard with "you do not have permission")."""
    if response.status_code in (403, 404):
        return True
    messages = [str(m) for m in getattr(response.wsgi_request, "_messages", [])]
    return response.status_code == 302 and any(
        "do not have permission" in message for message in messages
    )


def act(client, page, action, comment=""):
    """Post a workflow action (approve / reject) as the dashboard's button does."""
    state = current_task_state(page)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, action, state.pk)
    )
    return client.post(url, {"comment": comment} if comment else {})


def current_task_state(page):
    page.refresh_from_db()
    state = page.current_workflow_state
    return state.current_task_state.specific if state else None


def task_states(page):
    return list(
        TaskState.objects.for_instance(page).order_by("pk").select_related("task")
    )


def with_values(page, block_id, **values):
    """The page with the outlet's ``values`` for one block (not validated)."""
    merged = page.merge.by_id(block_id)
    page.overrides = {**page.overrides, block_id: make_override(merged, values)}
    page.refresh_merge()
    return page


def filled(page):
    return with_values(page, spring.EVENT_ID, date="2027-04-10")


def result(report, name):
    return next(r for r in report.results if r.name == name)


def allow_in_local_zone(block_type):
    """HQ lets outlets add ``block_type`` in the Spring promotion's local zone."""
    import copy

    from wagtail_distmark.inheritance.models import TemplatePage

    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"].append(block_type)
    template.body = body
    template.save_revision().publish()
    return template


def with_local_block(outlet, block_type, value):
    """The outlet's filled Spring promotion with one ``block_type`` block in
    the local zone (HQ allows it first); not saved."""
    import uuid

    allow_in_local_zone(block_type)
    return with_values(
        filled(spring_page(outlet)),
        spring.LOCAL_ZONE_ID,
        blocks=[{"type": block_type, "value": value, "id": str(uuid.uuid4())}],
    )
