"""The outlet editor's to-do on the admin dashboard: required fields still
empty, pages sent back, stale values; each user's own outlets only, in a
fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workflows.flow import act, spring_page, submit
from wagtail_distmark.dashboard import todo_for
from wagtail_distmark.inheritance import demo as spring

pytestmark = pytest.mark.django_db


def todo_panel(client):
    html = client.get("/admin/").content.decode()
    if "data-dm-todo" not in html:
        return None
    start = html.index("data-dm-todo")
    return html[start : html.index("</section>", start)]


def test_an_editor_sees_the_required_fields_still_empty_on_their_pages(login, demo):
    panel = todo_panel(login("lille-editor"))
    assert panel is not None
    page = spring_page(demo.lille)
    assert "Required fields still empty" in panel
    assert f"/admin/pages/{page.pk}/edit/" in panel
    assert "Spring open day" in panel
    # Not another outlet's page.
    assert f"/admin/pages/{spring_page(demo.marseille).pk}/edit/" not in panel


def test_a_page_sent_back_is_on_the_editors_dashboard(
    login, demo, client, django_capture_on_commit_callbacks
):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    with django_capture_on_commit_callbacks(execute=True):
        act(client, page, "reject", comment="Add the store's address.")
    panel = todo_panel(login("lille-editor"))
    assert "Sent back for changes" in panel
    sent_back = panel[panel.index("data-dm-todo-sent-back") :]
    assert f"/admin/pages/{page.pk}/edit/" in sent_back
    assert todo_panel(login("gent-editor")) is not None
    assert f"/admin/pages/{page.pk}/edit/" not in todo_panel(login("gent-editor"))


def test_a_stale_value_is_on_the_editors_dashboard(login, demo):
    page = spring_page(demo.lille)
    # The outlet's hero value, saved when the block was another type.
    page.overrides = {
        spring.HERO_ID: {"type": "promotion", "values": {"subtitle": "Ours"}}
    }
    page.save_revision(clean=False)
    panel = todo_panel(login("lille-editor"))
    assert "no longer show" in panel
    stale = panel[panel.index("data-dm-todo-stale") :]
    assert f"/admin/pages/{page.pk}/edit/" in stale
    assert "1 value to review" in stale


def test_hq_and_users_without_outlet_pages_get_no_todo_panel(login, demo):
    assert todo_panel(login("hq")) is None


def test_the_todo_is_read_in_a_fixed_number_of_queries(demo, django_user_model):
    one = demo.users["lille-editor"]
    everywhere = django_user_model.objects.create_user("roaming-editor")
    for outlet in (demo.lille, demo.marseille, demo.gent):
        everywhere.groups.add(outlet.editors_group)
    counts = []
    for user in (one, everywhere):
        user = django_user_model.objects.get(pk=user.pk)  # no cached roles
        with CaptureQueriesContext(connection) as queries:
            todo = todo_for(user)
        counts.append(len(queries))
        assert todo.missing_required
    assert len(todo.missing_required) == 3
    assert counts[0] == counts[1], counts
