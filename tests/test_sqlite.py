"""SQLite gets planner statistics at the end of requests (PRAGMA optimize)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

# Not inside a test transaction: the receiver leaves open transactions alone,
# as a request's own transaction has ended when it runs in production.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def analysed_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def test_a_chooser_search_leaves_statistics_behind(client):
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "x")
    client.force_login(admin)
    root = Collection.get_first_root_node()
    for n in range(60):
        get_image_model().objects.create(
            title=f"Visual {n}", file=get_test_image_file(), collection=root
        )
    if connection.vendor != "sqlite":
        # PostgreSQL analyses by itself; the receiver leaves it alone.
        response = client.get(reverse("wagtailimages_chooser:choose"), {"q": "visual"})
        assert response.status_code == 200
        return
    # Django never analyses: any statistics come from the app's receiver
    # (earlier requests on this connection may have left some already).
    response = client.get(reverse("wagtailimages_chooser:choose"), {"q": "visual"})
    assert response.status_code == 200
    assert "wagtailsearch_indexentry" in analysed_tables()
