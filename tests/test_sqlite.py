"""SQLite gets planner statistics at the end of requests (PRAGMA optimize)."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.media.assets import brand_image

pytestmark = pytest.mark.django_db


def analysed_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def test_a_chooser_search_leaves_statistics_behind(login, demo):
    if connection.vendor != "sqlite":
        # PostgreSQL analyses by itself; the receiver must leave it alone.
        response = login("hq").get(
            reverse("wagtailimages_chooser:choose"), {"q": "brand"}
        )
        assert response.status_code == 200
        return
    for n in range(60):
        brand_image(f"Visual {n}", hq_approved=True)
    assert "wagtailsearch_indexentry" not in analysed_tables()
    response = login("lille-editor").get(
        reverse("wagtailimages_chooser:choose"), {"q": "visual"}
    )
    assert response.status_code == 200
    assert "wagtailsearch_indexentry" in analysed_tables()
