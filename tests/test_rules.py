import rules

from wagtail_distmark.rules import (
    is_hq_staff,
    is_outlet_editor,
    is_outlet_manager,
    is_region_manager,
    outlet_id_of,
)


def test_predicates_per_demo_user(demo):
    users = demo.users
    assert is_hq_staff(users["hq"])
    assert not is_hq_staff(users["north-manager"])
    assert is_outlet_editor(users["lille-editor"], demo.lille)
    assert not is_outlet_editor(users["lille-editor"], demo.gent)
    assert is_outlet_manager(users["lille-manager"], demo.lille)
    assert not is_outlet_manager(users["lille-editor"], demo.lille)
    assert is_region_manager(users["north-manager"], demo.gent)
    assert not is_region_manager(users["north-manager"], demo.marseille)


def test_inactive_user_loses_every_role(demo):
    editor = demo.users["lille-editor"]
    editor.is_active = False
    editor.save()
    assert not rules.has_perm("wagtail_distmark.view_outlet", editor, demo.lille)


def test_outlet_scoped_objects_resolve_their_outlet(demo):
    class Note:
        outlet_id = demo.gent.pk

    assert outlet_id_of(demo.gent) == demo.gent.pk
    assert outlet_id_of(Note()) == demo.gent.pk
    assert rules.has_perm(
        "wagtail_distmark.view_outlet", demo.users["gent-editor"], Note()
    )


def test_only_hq_adds_or_deletes_outlets(demo):
    for username in ("lille-manager", "north-manager", "lille-editor"):
        user = demo.users[username]
        assert not rules.has_perm("wagtail_distmark.delete_outlet", user, demo.lille)
        assert not rules.has_perm("wagtail_distmark.add_outlet", user)
    assert rules.has_perm(
        "wagtail_distmark.delete_outlet", demo.users["hq"], demo.lille
    )
