"""Shared fixtures: the demo network, built by the real demo command."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from wagtail_distmark.management.commands.distmark_demo import DEMO_PASSWORD
from wagtail_distmark.outlets.models import Outlet, Region


def build_demo(**extra):
    """Run the demo command; return its outlets, regions and users by name."""
    call_command("distmark_demo", port=80, stdout=StringIO())
    User = get_user_model()
    return SimpleNamespace(
        **extra,
        lille=Outlet.objects.get(slug="lille"),
        marseille=Outlet.objects.get(slug="marseille"),
        gent=Outlet.objects.get(slug="gent"),
        north=Region.objects.get(slug="north"),
        south=Region.objects.get(slug="south"),
        users={u.username: u for u in User.objects.all()},
        password=DEMO_PASSWORD,
    )


@pytest.fixture(autouse=True)
def reset_language():
    """Django keeps the language a request activated (LocaleMiddleware, an
    Accept-Language header) for the rest of the thread: reset it per test."""
    yield
    translation.deactivate()


@pytest.fixture
def demo(db):
    """HQ, regions north (Lille, Gent) and south (Marseille), and the demo users."""
    return build_demo()


@pytest.fixture
def login(client, demo):
    """``login("lille-editor")`` logs the test client in as a demo user."""

    def _login(username):
        client.force_login(demo.users[username])
        return client

    return _login
