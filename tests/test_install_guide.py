"""docs/install.md, applied to a new project made by `wagtail start`.

Every ```python block of the guide is added, in order, at the end of the new
project's settings module (or of its URLconf, for a block marked
``% install-test: urls``; ``% install-test: skip`` leaves a block out). The
project then has to pass Django's checks, migrate its own SQLite database and
serve the admin's pages to a superuser and to an outlet editor. It runs in
subprocesses with their own settings, whatever database the suite uses.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "install.md"
BLOCK = re.compile(
    r"(?:^% install-test: (?P<target>\w+)\n\n)?^```python\n(?P<code>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)

# Run inside the new project with `manage.py shell`: onboard an outlet, then
# open the admin's home page and every page of its menu, as a superuser and
# as the outlet's editor.
SMOKE = """
import re
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.test import Client
from django.test.utils import override_settings
from wagtail_distmark.outlets.onboarding import create_region, onboard_outlet

region = create_region(name="North", slug="north")
outlet = onboard_outlet(name="Lille", slug="lille", region=region)
User = get_user_model()
admin = User.objects.create_superuser("admin", "admin@example.com", "x")
editor = User.objects.create_user("lille-editor", "editor@example.com", "x")
editor.groups.add(outlet.editors_group)

def menu_urls(html):
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    return sorted(set(re.findall(r'"url": "(/admin/[^"]*)"', props.group(1))))

for user in (admin, editor):
    client = Client()
    client.force_login(user)
    home = client.get("/admin/")
    assert home.status_code == 200, (user.username, home.status_code)
    urls = menu_urls(home.content.decode())
    assert urls, "no menu"
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (user.username, url, response.status_code)
    print(user.username, "opened", len(urls), "menu pages:", " ".join(urls))

with override_settings(DEBUG=False):
    ours = [m.id for m in run_checks() if m.id.startswith("wagtail_distmark")]
print("checks without DEBUG:", [i for i in ours if i != "wagtail_distmark.W001"])

from django.conf import settings
print("workflow settings:", [n for n in dir(settings) if n.startswith("WAGTAIL_WORKFLOW")])
"""


def guide_blocks():
    """The guide's Python blocks, as (target, code), in order."""
    blocks = []
    for match in BLOCK.finditer(GUIDE.read_text()):
        target = match["target"] or "settings"
        assert target in ("settings", "urls", "skip"), target
        if target != "skip":
            blocks.append((target, match["code"]))
    return blocks


def run(args, cwd, env):
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def test_the_guide_gives_a_working_install_on_a_new_wagtail_project(tmp_path):
    bin_dir = Path(sys.executable).parent
    # The project's own settings and database, not the test suite's.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH")
    }
    run([str(bin_dir / "wagtail"), "start", "mysite", str(tmp_path)], tmp_path, env)

    blocks = guide_blocks()
    targets = {
        "settings": tmp_path / "mysite" / "settings" / "base.py",
        "urls": tmp_path / "mysite" / "urls.py",
    }
    for target, code in blocks:
        with targets[target].open("a") as module:
            module.write(f"\n\n# From docs/install.md\n{code}")
    applied = "\n".join(code for _, code in blocks)
    # What the guide must configure (and so this test applies).
    for needle in (
        '"wagtail_distmark"',
        "AdminRouteScopeMiddleware",
        "BrandDocumentForm",
        '"django_tasks_db.DatabaseBackend"',
        "wagtail_distmark.contacts.urls",
        "distmark_private",
    ):
        assert needle in applied, needle

    manage = [sys.executable, "manage.py"]
    checked = run([*manage, "check"], tmp_path, env)
    assert "System check identified no issues" in checked, checked
    run([*manage, "migrate", "--noinput"], tmp_path, env)
    smoke = run([*manage, "shell", "-c", SMOKE], tmp_path, env)
    # With DEBUG off, the task backend and form bases the guide sets need no
    # warning (the shared cache depends on the deployment: W001 may remain).
    assert "checks without DEBUG: []" in smoke, smoke
    # The install changes no workflow behaviour of the rest of the site.
    assert "workflow settings: []" in smoke, smoke
    assert "admin opened" in smoke and "lille-editor opened" in smoke, smoke
    assert "/admin/distmark/templates/" in smoke, smoke
