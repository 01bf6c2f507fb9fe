from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Collection, GroupPagePermission, Page, Site

from wagtail_distmark.outlets.models import Outlet, Region


def snapshot():
    User = get_user_model()
    return {
        "outlets": list(Outlet.objects.order_by("pk").values()),
        "regions": list(Region.objects.order_by("pk").values()),
        "sites": list(Site.objects.order_by("pk").values()),
        "pages": list(Page.objects.order_by("pk").values("pk", "path", "title")),
        "collections": list(Collection.objects.order_by("pk").values()),
        "groups": list(Group.objects.order_by("pk").values("pk", "name")),
        "page_perms": GroupPagePermission.objects.count(),
        "users": list(User.objects.order_by("pk").values("pk", "username", "password")),
        "memberships": list(User.groups.through.objects.order_by("pk").values()),
    }


def test_demo_is_idempotent(demo):
    before = snapshot()
    out = StringIO()
    call_command("distmark_demo", port=80, stdout=out)
    assert snapshot() == before
    assert "http://lille.localhost:80/" in out.getvalue()


def test_demo_users_hold_the_documented_roles(demo):
    users = demo.users
    assert set(users) >= {
        "hq",
        "lille-editor",
        "lille-manager",
        "marseille-editor",
        "gent-editor",
        "north-manager",
    }
    assert users["lille-editor"].check_password(demo.password)
    assert demo.lille.editors_group in users["lille-editor"].groups.all()
    assert demo.north.managers_group in users["north-manager"].groups.all()
    assert {demo.lille.region, demo.gent.region} == {demo.north}
    assert demo.marseille.region == demo.south
