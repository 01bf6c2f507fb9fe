"""Browser tests: Debian's Chromium driven by Playwright against ``live_server``."""

import os
import shutil

import pytest
from django.db import connections

from tests.conftest import build_demo

# Playwright's sync API keeps an event loop running in this thread, which trips
# Django's async-safety check on every ORM call made by the tests themselves.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium's own connections are refused in CI and it stalls.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    executable = shutil.which("chromium")
    if executable is None:
        # Fail, never skip: a green run must mean the browser tests ran.
        pytest.fail(
            "Browser tests need Debian's Chromium on PATH: run `make chromium` "
            "(or apt-get install chromium). Never `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Once Playwright's loop runs in this thread, Django hands out new connection
    # objects (asgiref's Local switches storage), which lack the test database's
    # serialized contents: without them serialized rollback silently does nothing
    # and the first flush wipes Wagtail's root page for every later test.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
        # Connections opened under the loop are unreachable once it stops; an
        # open one would keep PostgreSQL from dropping the test database.
        connections.close_all()


@pytest.fixture
def page(browser, live_server, transactional_db, django_db_serialized_rollback):
    """A fresh page in its own context, so no cookies leak between tests.

    Set up after the database so that it closes before the flush: no request
    from a lingering page can race the database teardown.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    # A save answers in well under a second alone, but CI runs the SQLite and
    # PostgreSQL suites side by side on two cores: a save that merges and
    # checks a page has taken over 15 s there while the other suite was busy.
    context.set_default_navigation_timeout(45_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_demo(transactional_db, django_db_serialized_rollback, live_server):
    """The demo network, committed so that the live server's thread sees it.

    Serialized rollback restores what migrations created (Wagtail's root page,
    locale, collections) after each flush, for the transactional tests after.
    """
    return build_demo(url=live_server.url)


@pytest.fixture
def admin_login(page, live_demo):
    """``admin_login("lille-editor")`` signs in through the real login form."""

    def _login(username):
        page.goto(f"{live_demo.url}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", live_demo.password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_demo.url}/admin/")
        return page

    return _login
