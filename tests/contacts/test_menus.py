"""The Contacts menu, read from a real admin page's sidebar: Segments and
Import contacts are items of it (not top-level items), each shown only to the
users who may use it."""

import json
import re

import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db

SIDEBAR_PROPS = re.compile(
    r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
    re.S,
)


def main_menu(client):
    """``[(name, url or [children])]`` of the sidebar's main menu."""
    response = client.get("/admin/")
    assert response.status_code == 200
    props = json.loads(SIDEBAR_PROPS.search(response.content.decode()).group(1))
    (module,) = [
        m for m in props["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule"
    ]

    def item(packed):
        options, *rest = packed["_args"]
        if packed["_type"] == "wagtail.sidebar.SubMenuItem":
            return options["name"], [item(child) for child in rest[0]]
        return options["name"], options.get("url")

    return [item(packed) for packed in module["_args"][0]]


def submenu(menu, name):
    return dict(menu).get(name)


def test_hq_finds_segments_and_imports_in_the_contacts_menu(login):
    menu = main_menu(login("hq"))
    assert submenu(menu, "contacts") == [
        ("contacts", "/admin/distmark_contacts/"),
        ("segments", "/admin/segments/"),
        ("distmark-contact-imports", "/admin/distmark/contact-imports/"),
        ("contact-attributes", "/admin/distmark_contact_attributes/"),
        ("suppression-list", "/admin/distmark_suppressions/"),
        ("access-log", "/admin/distmark_contact_access/"),
    ]
    top_level = [name for name, _children in menu]
    assert "segments" not in top_level
    assert "distmark-contact-imports" not in top_level


@pytest.mark.parametrize("username", ["lille-editor", "north-manager"])
def test_outlet_users_find_only_their_items_in_the_contacts_menu(login, username):
    menu = main_menu(login(username))
    assert submenu(menu, "contacts") == [
        ("contacts", "/admin/distmark_contacts/"),
        ("segments", "/admin/segments/"),
        ("distmark-contact-imports", "/admin/distmark/contact-imports/"),
    ]
    top_level = [name for name, _children in menu]
    assert "segments" not in top_level
    assert "distmark-contact-imports" not in top_level


def test_no_contacts_menu_for_users_without_a_role(client, demo, django_user_model):
    nobody = django_user_model.objects.create_user("nobody")
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    menu = main_menu(client)
    assert submenu(menu, "contacts") is None
    html = client.get("/admin/").content.decode()
    assert "/admin/segments/" not in html
    assert "/admin/distmark/contact-imports/" not in html
