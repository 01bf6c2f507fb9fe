"""An outlet editor sees only their own outlet's page tree in the admin."""

import pytest

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/lille-editor-explorer.png"
MARSEILLE_DATA = ("Marseille", "Vieux-Port", "quai du Port", "Benali")


def test_lille_editor_sees_only_the_lille_tree(admin_login, live_demo):
    page = admin_login("lille-editor")

    page.get_by_role("button", name="Pages").click()
    explorer = page.locator(".c-page-explorer")
    explorer.get_by_text("Lille Centre").wait_for()
    page.screenshot(path=SCREENSHOT)
    explorer_text = explorer.inner_text()
    assert "Marseille" not in explorer_text
    assert "Gent" not in explorer_text

    # The full listing behind the explorer is rooted at Lille's home page.
    explorer.get_by_role("link", name="Lille Centre").click()
    page.wait_for_url(f"**/admin/pages/{live_demo.lille.home_page_id}/")
    listing = page.locator("main").inner_text()
    assert "Lille Centre" in listing
    assert "Marseille" not in listing

    # Asking the explorer for Marseille's tree lands back on Lille's.
    marseille_id = live_demo.marseille.home_page_id
    page.goto(f"{live_demo.url}/admin/pages/{marseille_id}/")
    assert page.url.endswith(f"/admin/pages/{live_demo.lille.home_page_id}/")
    assert "Marseille" not in page.locator("main").inner_text()

    # Guessing Marseille's edit URL finds nothing and gives nothing away,
    # not even in hidden markup.
    marseille_edit = f"/admin/pages/{marseille_id}/edit/"
    response = page.goto(live_demo.url + marseille_edit)
    assert response.status == 404
    html = page.content()
    for secret in MARSEILLE_DATA:
        assert secret not in html
