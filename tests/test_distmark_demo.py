import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import Collection, GroupPagePermission, Page, Site
from wagtail.users.models import UserProfile

from tests.conftest import build_demo
from wagtail_distmark.contacts.models import Contact
from wagtail_distmark.inheritance.models import LocalPage
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


def build_demo_with_languages(settings):
    """The demo as `make demo` builds it: users get their admin language."""
    settings.DISTMARK_DEMO_USER_LANGUAGES = True
    return build_demo()


def test_demo_users_work_in_their_outlets_language_and_time_zone(db, settings):
    demo = build_demo_with_languages(settings)
    preferences = {
        name: (profile.preferred_language, profile.current_time_zone)
        for name, profile in (
            (name, UserProfile.get_for_user(user)) for name, user in demo.users.items()
        )
    }
    assert preferences == {
        "hq": ("en", "Europe/Paris"),
        "lille-editor": ("fr", "Europe/Paris"),
        "lille-manager": ("fr", "Europe/Paris"),
        "marseille-editor": ("fr", "Europe/Paris"),
        "gent-editor": ("nl", "Europe/Brussels"),
        "north-manager": ("fr", "Europe/Paris"),
    }


def test_demo_keeps_a_language_its_user_chose(db, settings):
    demo = build_demo_with_languages(settings)
    profile = UserProfile.get_for_user(demo.users["gent-editor"])
    profile.preferred_language = "en"
    profile.save()
    call_command("distmark_demo", port=80, stdout=StringIO())
    profile.refresh_from_db()
    assert profile.preferred_language == "en"


def contact_listing(client, contact):
    return client.get(
        reverse("distmark_contacts:index"), {"q": contact.email}
    ).content.decode()


@pytest.mark.parametrize(
    ("username", "outlet", "html_lang", "search", "birthday"),
    [
        ("lille-editor", "lille", "fr", ">Rechercher<", "25/04/1980"),
        ("gent-editor", "gent", "nl", ">Zoeken<", "25-4-1980"),
    ],
)
def test_demo_outlet_users_read_the_admin_and_its_dates_in_their_language(
    db, settings, client, username, outlet, html_lang, search, birthday
):
    demo = build_demo_with_languages(settings)
    contact = Contact.objects.filter(outlet=getattr(demo, outlet)).first()
    Contact.objects.filter(pk=contact.pk).update(birthday=datetime.date(1980, 4, 25))
    client.force_login(demo.users[username])

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'<html lang="{html_lang}"' in dashboard
    assert search in dashboard  # not ">Search<"
    # Never the US order an English admin shows (04/25/1980).
    listing = contact_listing(client, contact)
    assert birthday in listing
    assert "04/25/1980" not in listing

    page = LocalPage.objects.filter(outlet=getattr(demo, outlet)).first()
    history = client.get(
        reverse("wagtailadmin_pages:history", args=[page.pk])
    ).content.decode()
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert today not in history  # English: "Dec. 3, 2026"
    with translation.override(html_lang):
        assert date_format(timezone.localdate(), "DATE_FORMAT") in history


def test_demo_says_where_email_links_lead_and_warns_of_another_port(demo, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://localhost:8101"
    out = StringIO()
    call_command("distmark_demo", port=8101, stdout=out)
    assert "Links in emails: http://localhost:8101" in out.getvalue()
    assert "another port" not in out.getvalue()
    # Served on 8101 while the links still name 8000: said at once.
    settings.WAGTAILADMIN_BASE_URL = "http://localhost:8000"
    out = StringIO()
    call_command("distmark_demo", port=8101, stdout=out)
    assert "WAGTAILADMIN_BASE_URL names another port than 8101" in out.getvalue()
