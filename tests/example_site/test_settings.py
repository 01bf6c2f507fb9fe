"""The example site's settings follow the port the demo serves on."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def served_settings(**env):
    """The example site's settings as a fresh process reads them with ``env``."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PORT", "DISTMARK_SITE_PORT", "WAGTAILADMIN_BASE_URL")
    }
    environ.update(env, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'example_site'}")
    code = (
        "import json; from example_site import settings as s; "
        "print(json.dumps([s.WAGTAILADMIN_BASE_URL, s.WAGTAIL_DISTMARK['SITE_PORT'], "
        "getattr(s, 'WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT', None)]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output)


def test_links_in_emails_name_the_port_the_demo_serves_on():
    # `PORT=8101 make demo`: runserver's environment has PORT=8101.
    base_url, site_port, _ = served_settings(PORT="8101")
    assert base_url == "http://localhost:8101"
    assert site_port == 8101


def test_the_default_port_is_8000_and_an_explicit_base_url_wins():
    assert served_settings()[:2] == ["http://localhost:8000", 8000]
    base_url, _, _ = served_settings(
        PORT="8101", WAGTAILADMIN_BASE_URL="https://cms.example.com"
    )
    assert base_url == "https://cms.example.com"


def test_no_site_wide_workflow_setting():
    # Wagtail's default stays for every workflow of the site: local
    # publishing re-checks edited content in its own tasks.
    assert served_settings()[2] is None
