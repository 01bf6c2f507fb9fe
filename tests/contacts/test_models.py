"""The contact table's indexes, as the migrations leave them."""

import pytest
from django.db import connection

from wagtail_distmark.contacts.models import Contact

pytestmark = pytest.mark.django_db


def contact_indexes():
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, Contact._meta.db_table)


def test_the_email_hash_index_is_a_hash_index_on_postgresql_a_btree_elsewhere():
    index = contact_indexes()["distmark_contact_email_hash"]
    assert index["index"] and index["columns"] == ["email_hash"]
    expected = "hash" if connection.vendor == "postgresql" else "idx"
    assert index["type"] == expected
