from django.urls import reverse
from wagtail.permissions import policy_registry

from wagtail_distmark.outlets.models import Outlet


def policy():
    return policy_registry.get_by_type(Outlet)


def test_registered_policy_answers_model_level_questions_for_menus(demo):
    users = demo.users
    assert policy().user_has_permission(users["lille-editor"], "view")
    assert not policy().user_has_permission(users["lille-editor"], "change")
    assert policy().user_has_permission(users["lille-manager"], "change")
    assert not policy().user_has_permission(users["north-manager"], "add")
    assert policy().user_has_permission(users["hq"], "delete")


def test_users_with_permission_for_an_outlet(demo):
    changers = set(
        policy()
        .users_with_permission_for_instance("change", demo.gent)
        .values_list("username", flat=True)
    )
    assert changers == {"hq", "north-manager"}
    viewers = set(
        policy()
        .users_with_any_permission_for_instance(["view"], demo.lille)
        .values_list("username", flat=True)
    )
    assert viewers == {"hq", "lille-editor", "lille-manager", "north-manager"}


def test_network_menu_shows_outlets_but_not_regions_to_local_users(login, demo):
    body = login("lille-editor").get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("outlets:index") in body
    assert reverse("regions:index") not in body
    body = login("hq").get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("regions:index") in body
