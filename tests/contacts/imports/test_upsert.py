"""The staging and upsert SQL, on whichever database the tests run."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.contacts.factories import contact
from wagtail_distmark.contacts.imports import upsert
from wagtail_distmark.contacts.imports.duplicates import RepeatedAcrossChunks
from wagtail_distmark.contacts.imports.validation import RowValidator
from wagtail_distmark.contacts.models import YEAR_UNKNOWN, Contact, Suppression

pytestmark = pytest.mark.django_db

HEADER = ["email", "first", "consent", "tags"]
MAPPING = ["email", "first_name", "email_consent", "tags"]


def write(outlet, rows, chunk=1, now=None):
    now = now or timezone.now()
    v = RowValidator(HEADER, MAPPING, {}, default_source="Import", now=now)
    records, tags = [], []
    for line, cells in enumerate(rows, start=2):
        record, row_tags, errors = v.validate(line, cells)
        assert not errors
        records.append(record)
        tags += [(line, record[1], record[2], t) for t in row_tags]
    return upsert.write_chunk(
        chunk,
        records,
        tags,
        outlet_id=outlet.pk,
        mapped=set(MAPPING),
        now=now,
        default_source="Import",
    )


def test_a_chunk_is_a_few_statements_whatever_its_size(demo):
    rows = [[f"c{n}@example.com", f"C{n}", "yes", "a|b"] for n in range(500)]
    with transaction.atomic():
        upsert.create_stage()
        with CaptureQueriesContext(connection) as queries:
            result = write(demo.lille, rows)
        upsert.drop_stage()
    assert (result.created, result.updated, result.unchanged) == (500, 0, 0)
    # stage (+ tags), duplicates, suppressed, upsert, tags: never a query per row
    assert len(queries) <= 8
    c = Contact.objects.get(email="c7@example.com")
    assert c.email_hash and sorted(c.tags.values_list("name", flat=True)) == ["a", "b"]


def test_counts_and_unchanged_rows_untouched(demo):
    existing = contact(demo.lille, "same@example.com", first_name="Same")
    changed = contact(demo.lille, "changed@example.com", first_name="Before")
    with transaction.atomic():
        upsert.create_stage()
        result = write(
            demo.lille,
            [
                ["same@example.com", "Same", "yes", ""],
                ["changed@example.com", "After", "yes", ""],
                ["new@example.com", "New", "yes", ""],
            ],
        )
        upsert.drop_stage()
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    before = existing.updated_at
    existing.refresh_from_db()
    assert existing.updated_at == before
    changed.refresh_from_db()
    assert changed.first_name == "After" and changed.updated_at > before


def test_repeats_of_an_earlier_chunk_and_suppressed_addresses(demo):
    Suppression.suppress("blocked@example.com", Suppression.Reason.HARD_BOUNCE)
    now = timezone.now()
    v = RowValidator(HEADER, MAPPING, {}, default_source="Import", now=now)

    def chunk_2(*rows):
        return upsert.write_chunk(
            2,
            [v.validate(line, cells)[0] for line, cells in rows],
            [],
            outlet_id=demo.lille.pk,
            mapped=set(MAPPING),
            now=now,
            default_source="Import",
        )

    with transaction.atomic():
        upsert.create_stage()
        write(demo.lille, [["a@example.com", "A", "yes", ""]], now=now)
        # The same row again: dropped, counted unchanged; a suppressed
        # address: rejected.
        result = chunk_2(
            (10, [" A@example.com", "A", "oui", ""]),
            (11, ["Blocked@Example.com", "B", "yes", ""]),
        )
        reasons = {r.line: r.reason for r in result.rejected}
        assert list(reasons) == [11] and "suppression" in reasons[11]
        assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
        # Another row for an address written by an earlier chunk: the import
        # must start again (see duplicates).
        with pytest.raises(RepeatedAcrossChunks):
            chunk_2((12, ["a@example.com", "Again", "yes", ""]))
        upsert.drop_stage()
    assert Contact.objects.get(email="a@example.com").first_name == "A"
    assert not Contact.objects.filter(email="blocked@example.com").exists()


def test_cells_with_tabs_backslashes_and_line_breaks_are_stored_as_written(demo):
    names = ["Tab\there", "Back\\slash", "Two\nlines", "\\N"]
    rows = [[f"s{n}@example.com", name, "yes", ""] for n, name in enumerate(names)]
    with transaction.atomic():
        upsert.create_stage()
        result = write(demo.lille, rows)
        upsert.drop_stage()
    assert result.created == 4
    stored = dict(
        Contact.objects.filter(email__startswith="s").values_list("email", "first_name")
    )
    assert [stored[f"s{n}@example.com"] for n in range(4)] == names


def test_a_birthday_without_a_year_keeps_the_year_already_known(demo):
    """A Mailchimp ``MM/DD`` on the stored day and month changes nothing; on
    another day it replaces the birthday (a correction)."""
    known = contact(
        demo.lille, "known@example.com", birthday=datetime.date(1985, 7, 14)
    )
    moved = contact(
        demo.lille, "moved@example.com", birthday=datetime.date(1985, 7, 14)
    )
    unknown = contact(demo.lille, "unknown@example.com")
    header, mapping = ["email", "birthday"], ["email", "birthday"]
    now = timezone.now()
    v = RowValidator(header, mapping, {}, default_source="Import", now=now)
    rows = [
        ["known@example.com", "14/07"],
        ["moved@example.com", "15/07"],
        ["unknown@example.com", "--07-14"],  # our own exports' form
    ]
    records = []
    for line, cells in enumerate(rows, start=2):
        record, _tags, errors = v.validate(line, cells)
        assert not errors, cells
        records.append(record)
    with transaction.atomic():
        upsert.create_stage()
        result = upsert.write_chunk(
            1,
            records,
            [],
            outlet_id=demo.lille.pk,
            mapped=set(mapping),
            now=now,
            default_source="Import",
        )
        upsert.drop_stage()
    assert (result.updated, result.unchanged) == (2, 1)
    for row in (known, moved, unknown):
        row.refresh_from_db()
    assert known.birthday == datetime.date(1985, 7, 14)
    assert moved.birthday == datetime.date(YEAR_UNKNOWN, 7, 15)
    assert unknown.birthday == datetime.date(YEAR_UNKNOWN, 7, 14)
    assert unknown.birthday_month == 7
