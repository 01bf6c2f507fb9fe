import pytest
from django.contrib.auth.models import Permission
from wagtail.permissions import policy_registry

from wagtail_distmark.audiences.models import Segment
from wagtail_distmark.audiences.viewsets import segment_permission_policy

pytestmark = pytest.mark.django_db


def test_the_segment_policy_is_registered():
    assert policy_registry.get_by_type(Segment) is segment_permission_policy


@pytest.mark.parametrize("username", ["hq", "lille-editor", "north-manager"])
def test_the_menu_offers_segments_to_the_network(login, username):
    assert "/admin/segments/" in login(username).get("/admin/").content.decode()


def test_the_menu_hides_segments_from_users_without_a_role(
    client, demo, django_user_model
):
    nobody = django_user_model.objects.create_user("nobody")
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    html = client.get("/admin/").content.decode()
    assert client.get("/admin/").status_code == 200
    assert "/admin/segments/" not in html
