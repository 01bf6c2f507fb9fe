import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.contacts.factories import contact
from wagtail_distmark.contacts.imports import reader, services, upsert
from wagtail_distmark.contacts.models import (
    AttributeDefinition,
    Consent,
    Contact,
    ContactAccess,
    ContactImport,
    Suppression,
)

from .conftest import make_import, our_tags, ours, report_rows, run_import

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,consent\n"


def test_french_excel_csv_imports_with_accents_and_dates(demo, french_csv):
    job = run_import(demo.lille, french_csv)
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.created_count, job.rejected_count) == (3, 0)
    eloise = Contact.objects.get(outlet=demo.lille, email="eloise.brehat@example.fr")
    assert eloise.first_name == "Éloïse"
    assert eloise.birthday == datetime.date(1990, 2, 1)
    assert eloise.birthday_month == 2
    from wagtail_distmark.contacts.models import email_hash

    assert eloise.email_hash == email_hash("eloise.brehat@example.fr")
    assert eloise.email_consent == Consent.GRANTED
    assert eloise.email_consent_at is not None
    anne = Contact.objects.get(email="anne.leclerc@example.fr")
    assert sorted(anne.tags.values_list("name", flat=True)) == ["fidèle", "vip"]
    assert ContactAccess.objects.filter(action="import", outlet=demo.lille).exists()


def test_rejected_rows_are_reported_never_imported(demo):
    AttributeDefinition.objects.create(key="loyalty", label="Loyalty", type="number")
    Suppression.suppress("gone@example.com", Suppression.Reason.COMPLAINT)
    content = (
        b"email,first_name,consent,loyalty,shoe_size,birthday\n"
        b"ok@example.com,Ok,yes,3,,\n"  # 2
        b"not-an-email,Bad,yes,,,\n"  # 3
        b"ok@example.com,Twice,yes,,,\n"  # 4
        b"noconsent@example.com,No,no,,,\n"  # 5
        b"unknown@example.com,Unk,yes,,42,\n"  # 6
        b"gone@example.com,Gone,yes,,,\n"  # 7
        b"baddate@example.com,Date,yes,,,31/02/1990\n"  # 8
        b"badnumber@example.com,Num,yes,lots,,\n"  # 9
    )
    # Mapped by hand to an attribute HQ has not declared, "shoe_size" rejects
    # the rows with a value in it (left out by default).
    columns = ["email", "first_name", "email_consent", "attr:loyalty"]
    columns += ["attr:shoe_size", "birthday"]
    job = run_import(demo.lille, content, mapping={"columns": columns})
    assert job.status == ContactImport.Status.DONE, job.error
    assert job.created_count == 1
    assert job.rejected_count == 7
    rows = report_rows(job)
    reasons = {int(line): (field, reason) for line, field, _value, reason in rows}
    values = {int(line): value for line, _field, value, _reason in rows}
    assert reasons[3] == ("email", "Invalid email address")
    assert (values[3], values[4], values[7], values[8]) == (
        "not-an-email",
        "ok@example.com",
        "gone@example.com",
        "31/02/1990",
    )
    assert reasons[2][1] == "Duplicate: this email is also on line 4, with other values"
    assert reasons[4][1] == "Duplicate: this email is also on line 2, with other values"
    assert 5 not in reasons  # a "no" is kept, without consent
    assert reasons[6][0] == "shoe_size" and "Unknown attribute" in reasons[6][1]
    assert "suppression list" in reasons[7][1]
    assert reasons[8][0] == "birthday" and "Invalid date" in reasons[8][1]
    assert reasons[9][0] == "loyalty"
    assert list(ours().values_list("email", "email_consent")) == [
        ("noconsent@example.com", Consent.NONE),
    ]


def test_upsert_updates_a_changed_row_and_keeps_the_rest(demo):
    kept = contact(demo.lille, "kept@example.com", first_name="Kept", phone="0600")
    other_outlet = contact(demo.marseille, "same@example.com", first_name="Marseille")
    contact(demo.lille, "same@example.com", first_name="Old", last_name="Name")
    content = (
        b"email,first_name,last_name,consent\n"
        b"same@example.com,New,,yes\n"
        b"kept@example.com,Kept,,yes\n"
        b"fresh@example.com,Fresh,,yes\n"
    )
    job = run_import(demo.lille, content)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 1)
    same = Contact.objects.get(outlet=demo.lille, email="same@example.com")
    assert same.first_name == "New"
    assert same.last_name == "Name"  # an empty cell keeps the stored value
    kept.refresh_from_db()
    assert kept.phone == "0600"
    other_outlet.refresh_from_db()
    assert other_outlet.first_name == "Marseille"


def test_reimport_changes_nothing(demo, french_csv):
    AttributeDefinition.objects.create(key="level", label="Level", type="text")
    content = (
        b"email,first_name,birthday,consent,level,tags,gender\n"
        b"a@example.com,A,1980-05-01,yes,gold,x|y,f\n"
        b"b@example.com,B,,pending,,,\n"
    )
    first = run_import(demo.lille, content)
    assert first.created_count == 2
    before = {
        c.pk: (c.updated_at, c.email_consent_at, c.email_consent_source) for c in ours()
    }
    again = run_import(demo.lille, content, name="other-name.csv")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (
        0,
        0,
        2,
    )
    after = {
        c.pk: (c.updated_at, c.email_consent_at, c.email_consent_source) for c in ours()
    }
    assert after == before
    assert our_tags().count() == 2
    assert Contact.objects.get(email="a@example.com").attributes == {"level": "gold"}


def test_new_tag_or_attribute_counts_as_an_update(demo):
    AttributeDefinition.objects.create(key="level", label="Level", type="text")
    run_import(demo.lille, b"email,consent,tags,level\na@example.com,yes,x,gold\n")
    job = run_import(
        demo.lille, b"email,consent,tags,level\na@example.com,yes,x|y,gold\n"
    )
    assert (job.updated_count, job.unchanged_count) == (1, 0)
    job = run_import(demo.lille, b"email,consent,level\na@example.com,yes,silver\n")
    assert job.updated_count == 1
    assert ours().get().attributes == {"level": "silver"}


def test_consent_change_sets_its_date(demo):
    run_import(demo.lille, b"email,consent\na@example.com,yes\n")
    job = run_import(
        demo.lille, b"email,consent,consent date\na@example.com,withdrawn,03/04/2024\n"
    )
    assert job.updated_count == 1
    row = ours().get()
    assert row.email_consent == Consent.WITHDRAWN
    assert timezone.localtime(row.email_consent_at).date() == datetime.date(2024, 4, 3)


def test_dry_run_writes_nothing_but_counts(demo, french_csv):
    job = run_import(demo.lille, french_csv, dry_run=True)
    assert job.status == ContactImport.Status.DONE
    assert job.created_count == 3
    assert not ours().exists()
    assert not our_tags().exists()
    assert not ContactAccess.objects.filter(action="import").exists()


def test_failure_mid_import_leaves_nothing(demo, monkeypatch):
    calls = []
    real = upsert.write_chunk

    def failing(chunk, *args, **kwargs):
        calls.append(chunk)
        if chunk == 2:
            raise RuntimeError("disk full")
        return real(chunk, *args, **kwargs)

    monkeypatch.setattr(upsert, "write_chunk", failing)
    lines = [f"c{n}@example.com,C{n},yes" for n in range(10)]
    job = run_import(demo.lille, (HEADER + "\n".join(lines)).encode(), chunk_size=4)
    assert calls == [1, 2]
    assert job.status == ContactImport.Status.FAILED
    assert "disk full" in job.error
    assert not ours().exists()


def cache_size(db):
    with db.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("fails", [False, True])
def test_sqlite_imports_with_a_larger_page_cache_then_gives_it_back(
    demo, monkeypatch, fails
):
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    before = cache_size(connection) if sqlite else None
    during = []
    real = upsert.write_chunk

    def recording(chunk, *args, db, **kwargs):
        if sqlite:
            during.append(cache_size(db))
        if fails:
            raise RuntimeError("disk full")
        return real(chunk, *args, db=db, **kwargs)

    monkeypatch.setattr(upsert, "write_chunk", recording)
    lines = [f"c{n}@example.com,C{n},yes" for n in range(10)]
    job = run_import(demo.lille, (HEADER + "\n".join(lines)).encode(), chunk_size=4)
    expected = ContactImport.Status.FAILED if fails else ContactImport.Status.DONE
    assert job.status == expected
    if sqlite:
        assert during and set(during) == {-upsert.SQLITE_IMPORT_CACHE_KIB}
        assert cache_size(connection) == before != -upsert.SQLITE_IMPORT_CACHE_KIB
    else:
        # PostgreSQL's cache is the server's: the import sets nothing.
        assert during == [] and ours().count() == (0 if fails else 10)


def test_bad_file_fails_with_a_clear_error(demo):
    job = run_import(demo.lille, b"\x00\x01\x02garbage\xff" * 50)
    assert job.status == ContactImport.Status.FAILED
    assert "neither a CSV file nor an Excel workbook" in job.error
    job = run_import(demo.lille, b"first_name,consent\nAnne,yes\n")
    assert job.status == ContactImport.Status.FAILED
    assert "email" in job.error


def test_formulas_are_imported_as_plain_text(demo):
    content = b'email,first_name,last_name,consent\na@example.com,=HYPERLINK("http://x"),@SUM(1),yes\n'
    run_import(demo.lille, content)
    row = ours().get()
    assert row.first_name == '=HYPERLINK("http://x")'
    assert row.last_name == "@SUM(1)"


def test_check_refuses_another_outlet(demo):
    job = make_import(demo.marseille, b"email,consent\na@example.com,yes\n")
    action = services.ImportContactsAction(job, demo.users["lille-editor"])
    with pytest.raises(PermissionDenied):
        action.execute()
    assert not ours().exists()
    services.ImportContactsAction(job, demo.users["marseille-editor"]).check()
    services.ImportContactsAction(job, demo.users["hq"]).check()


def test_twenty_thousand_rows_in_chunks(demo):
    lines = [
        f"user{n}@example.com;Prénom{n};Nom{n};{1 + n % 28:02d}/{1 + n % 12:02d}/1980;oui"
        for n in range(20_000)
    ]
    content = (
        "email;prénom;nom;date de naissance;consentement\r\n" + "\r\n".join(lines)
    ).encode("cp1252")
    job = run_import(demo.lille, content)
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.created_count, job.total_rows) == (20_000, 20_000)
    assert ours().filter(outlet=demo.lille).count() == 20_000
    assert ours().filter(birthday_month=12).count() == 20_000 // 12
    again = run_import(demo.lille, content)
    assert again.unchanged_count == 20_000


def test_unreadable_line_after_chunks_were_written_leaves_nothing(demo, monkeypatch):
    # The writer thread has stored two chunks when the reader meets a byte
    # outside the file's encoding: the whole import is rolled back.
    monkeypatch.setattr(reader, "SAMPLE_BYTES", 64)
    # Past the text reader's first buffer (8 KiB), so the bad byte is met late.
    lines = [f"c{n}@example.com,C{n},yes".encode() for n in range(1000)]
    content = HEADER.encode() + b"\n".join(lines) + b"\nbad@example.com,Ren\xe9,yes\n"
    job = run_import(demo.lille, content, chunk_size=100)
    assert job.status == ContactImport.Status.FAILED
    assert "is not in the file's encoding (utf-8)" in job.error
    assert not ours().exists()


def test_the_report_speaks_the_language_of_who_started_the_import(demo):
    from wagtail.users.models import UserProfile

    user = demo.users["lille-manager"]
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()
    Suppression.suppress("gone@example.com", Suppression.Reason.COMPLAINT)
    content = b"email,consent\nnot-an-email,yes\ngone@example.com,yes\n"
    job = run_import(demo.lille, content, user=user, chunk_size=1)
    with job.report.open("rb") as f:
        header = f.read().decode("utf-8").splitlines()[0]
    assert header == "ligne,colonne,valeur,motif"
    reasons = [reason for _line, _field, _value, reason in report_rows(job)]
    # One checked while reading, one by the database (in the writer thread).
    assert reasons[0] == "Adresse e-mail non valide"
    assert "liste d’exclusion" in reasons[1]


# -- Consent withdrawals in files (issue 14, hole 10) -------------------------


@pytest.mark.parametrize("no", ["non", "nee", "no", "false", "0", "N", "Nein", "NON "])
def test_a_no_in_the_file_withdraws_a_granted_consent(demo, no):
    granted = contact(demo.lille, "granted@example.com", first_name="G")
    before = granted.email_consent_at
    content = f"email;consentement\ngranted@example.com;{no}\n".encode()
    job = run_import(demo.lille, content, name="désinscrits.csv")
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.updated_count, job.rejected_count) == (1, 0)
    assert not job.report
    granted.refresh_from_db()
    assert granted.email_consent == Consent.WITHDRAWN
    assert granted.email_consent_at > before
    assert granted.email_consent_source == "Import of désinscrits.csv"
    assert not Contact.objects.filter(pk=granted.pk).reachable_by_email().exists()
    # The same file again changes nothing: the withdrawal keeps its date.
    again = run_import(demo.lille, content, name="désinscrits.csv")
    assert (again.updated_count, again.unchanged_count) == (0, 1)
    stamp = granted.email_consent_at
    granted.refresh_from_db()
    assert granted.email_consent_at == stamp


def test_a_no_keeps_new_contacts_without_consent_and_never_rejects(demo):
    pending = contact(demo.lille, "pending@example.com", email_consent=Consent.PENDING)
    none = contact(demo.lille, "none@example.com", email_consent=Consent.NONE)
    withdrawn = contact(
        demo.lille,
        "withdrawn@example.com",
        email_consent=Consent.WITHDRAWN,
        email_consent_source="unsubscribe link",
    )
    content = (
        b"email,first_name,consent\n"
        b"new@example.com,New,no\n"
        b"pending@example.com,,nee\n"
        b"none@example.com,,non\n"
        b"withdrawn@example.com,,false\n"
        b"blank@example.com,Blank,\n"
    )
    job = run_import(demo.lille, content)
    assert job.status == ContactImport.Status.DONE, job.error
    assert job.rejected_count == 0
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 1, 2)
    new = ours().get(email="new@example.com")
    assert (new.first_name, new.email_consent) == ("New", Consent.NONE)
    assert ours().get(email="blank@example.com").email_consent == Consent.NONE
    assert not ours().filter(email="new@example.com").reachable_by_email().exists()
    pending.refresh_from_db()
    assert pending.email_consent == Consent.WITHDRAWN
    none.refresh_from_db()
    assert none.email_consent == Consent.NONE
    withdrawn.refresh_from_db()
    assert withdrawn.email_consent_source == "unsubscribe link"


def test_an_empty_consent_cell_keeps_the_stored_consent(demo):
    granted = contact(demo.lille, "granted@example.com", email_consent_source="form")
    job = run_import(demo.lille, b"email,first_name,consent\ngranted@example.com,G,\n")
    assert (job.updated_count, job.rejected_count) == (1, 0)
    granted.refresh_from_db()
    assert granted.first_name == "G"
    assert (granted.email_consent, granted.email_consent_source) == (
        Consent.GRANTED,
        "form",
    )


def test_sms_consent_is_withdrawn_alike(demo):
    row = contact(
        demo.lille,
        "sms@example.com",
        sms_consent=Consent.GRANTED,
        sms_consent_source="t",
    )
    job = run_import(
        demo.lille, b"email,consent,sms consent\nsms@example.com,yes,nee\n"
    )
    assert (job.updated_count, job.rejected_count) == (1, 0)
    row.refresh_from_db()
    assert (row.email_consent, row.sms_consent) == (Consent.GRANTED, Consent.WITHDRAWN)


# -- Duplicate rows (issue 14, hole 11) ------------------------------------------


def reasons_by_line(job):
    return {int(line): reason for line, _field, _value, reason in report_rows(job)}


def test_two_different_rows_for_one_address_are_both_rejected(demo):
    known = contact(demo.lille, "known@example.com", first_name="Known")
    content = (
        b"email,first_name,consent\n"
        b"known@example.com,Wrong,yes\n"  # 2
        b"fresh@example.com,Fresh,yes\n"  # 3
        b"KNOWN@example.com ,Right,yes\n"  # 4
        b"twin@example.com,Twin,no\n"  # 5
        b"twin@example.com,Twin,yes\n"  # 6
    )
    job = run_import(demo.lille, content)
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.created_count, job.updated_count, job.rejected_count) == (1, 0, 4)
    reasons = reasons_by_line(job)
    assert reasons[2] == "Duplicate: this email is also on line 4, with other values"
    assert reasons[4] == "Duplicate: this email is also on line 2, with other values"
    assert "line 6" in reasons[5] and "line 5" in reasons[6]
    known.refresh_from_db()
    assert known.first_name == "Known"
    assert sorted(ours().values_list("email", flat=True)) == [
        "fresh@example.com",
        "known@example.com",
    ]


def test_identical_duplicates_import_once_without_error(demo):
    content = (
        b"email,first_name,consent,tags\n"
        b"anne@example.com,Anne,yes,vip|fid\n"
        b" Anne@Example.com,Anne,oui,fid|vip\n"  # the same once normalised
    )
    job = run_import(demo.lille, content)
    assert (job.created_count, job.unchanged_count, job.rejected_count) == (1, 1, 0)
    assert not job.report
    assert sorted(our_tags().values_list("name", flat=True)) == ["fid", "vip"]


def test_a_conflicting_duplicate_in_a_later_chunk_undoes_the_first(demo):
    known = contact(demo.lille, "c2@example.com", first_name="Stored")
    lines = [f"c{n}@example.com,C{n},yes" for n in range(10)]
    lines.append("c2@example.com,Again,yes")  # line 12, chunk 3; line 4 is chunk 1
    lines.append("c5@example.com,C5,yes")  # line 13: identical to line 7
    job = run_import(demo.lille, (HEADER + "\n".join(lines)).encode(), chunk_size=4)
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.created_count, job.updated_count, job.rejected_count) == (9, 0, 2)
    assert (job.unchanged_count, job.total_rows) == (1, 12)
    reasons = reasons_by_line(job)
    assert "line 12" in reasons[4] and "line 4" in reasons[12]
    known.refresh_from_db()
    assert known.first_name == "Stored"
    assert ours().count() == 10


def test_three_rows_for_one_address_name_each_other(demo):
    lines = [f"c{n}@example.com,C{n},yes" for n in range(10)]
    lines[1] = "dup@example.com,One,yes"  # line 3, chunk 1
    lines[3] = "dup@example.com,Two,yes"  # line 5, chunk 1
    lines.append("dup@example.com,Three,yes")  # line 12, chunk 3
    job = run_import(demo.lille, (HEADER + "\n".join(lines)).encode(), chunk_size=4)
    assert job.rejected_count == 3
    reasons = reasons_by_line(job)
    assert "lines 5, 12" in reasons[3]
    assert "lines 3, 12" in reasons[5]
    assert "lines 3, 5" in reasons[12]
    assert not ours().filter(email="dup@example.com").exists()


def test_after_a_restart_an_address_whose_other_row_is_invalid_imports(demo):
    lines = [f"c{n}@example.com,C{n},yes,," for n in range(10)]
    lines[0] = "x@example.com,X,yes,,"  # line 2, chunk 1
    lines.append("x@example.com,X,yes,,31/02/1990")  # line 12: its own error
    lines.append("c3@example.com,Other,yes,,")  # line 13: repeats line 5 → restart
    content = "email,first_name,consent,tags,birthday\n" + "\n".join(lines)
    job = run_import(demo.lille, content.encode(), chunk_size=4, dry_run=True)
    assert job.status == ContactImport.Status.DONE, job.error
    reasons = reasons_by_line(job)
    assert sorted(reasons) == [5, 12, 13]
    assert "Invalid date" in reasons[12]
    assert (job.created_count, job.rejected_count, job.total_rows) == (9, 3, 12)
    assert not ours().exists()  # a dry run


def test_a_consent_confirmation_counts_only_for_an_export_that_offers_it(demo):
    # A crafted mapping cannot make a plain file's rows consent.
    job = run_import(
        demo.lille,
        b"email,first_name\na@example.com,A\n",
        mapping={"columns": ["email", "first_name"], "consent_confirmed": True},
        user=demo.users["lille-editor"],
    )
    assert job.created_count == 1
    assert ours().get().email_consent == Consent.NONE


def test_a_yes_in_a_file_never_restores_a_withdrawn_consent(demo):
    # Only the contact may consent again (by subscribing): a file's "yes",
    # dated before the withdrawal (an old Mailchimp export), after it, or
    # not at all, leaves it withdrawn; the row counts and the report says so.
    withdrawn_at = timezone.make_aware(datetime.datetime(2024, 6, 1, 12, 0))
    row = contact(
        demo.lille,
        "left@example.com",
        first_name="Left",
        email_consent=Consent.WITHDRAWN,
        email_consent_at=withdrawn_at,
        email_consent_source="unsubscribe link",
    )
    stored = (Consent.WITHDRAWN, withdrawn_at, "unsubscribe link")
    header = b"email,first_name,consent,consent date\n"
    for cells in (
        b"left@example.com,Left,yes,2023-01-05 10:00:00\n",  # older
        b"left@example.com,Left,yes,2024-07-01 09:00:00\n",  # newer
        b"left@example.com,Left,yes,\n",  # undated: the import's time
        b"left@example.com,Left,pending,\n",
    ):
        job = run_import(demo.lille, header + cells)
        assert (job.updated_count, job.unchanged_count) == (0, 1), cells
        assert job.mapping["consent_not_restored"] == 1
        row.refresh_from_db()
        assert (row.email_consent, row.email_consent_at, row.email_consent_source) == (
            stored
        )
        assert report_rows(job) == [
            [
                "2",
                "consent",
                "Granted" if b"yes" in cells else "Waiting for confirmation",
                "Email consent not restored: the contact withdrew it on "
                "2024-06-01 10:00:00 UTC; only the contact can give it again, "
                "by subscribing",
            ]
        ]
        assert job.rejected_count == 0
    # The rest of the row still applies.
    job = run_import(demo.lille, header + b"left@example.com,Laura,yes,\n")
    assert (job.updated_count, job.mapping["consent_not_restored"]) == (1, 1)
    row.refresh_from_db()
    assert (row.first_name, row.email_consent) == ("Laura", Consent.WITHDRAWN)
    # A withdrawal always applies; a consent given earlier stays as it was.
    granted_at = timezone.make_aware(datetime.datetime(2024, 6, 1, 12, 0))
    given = contact(demo.lille, "given@example.com", email_consent_at=granted_at)
    old = run_import(demo.lille, header + b"given@example.com,,pending,2023-01-01\n")
    assert old.unchanged_count == 1 and "consent_not_restored" not in old.mapping
    given.refresh_from_db()
    assert (given.email_consent, given.email_consent_at) == (
        Consent.GRANTED,
        granted_at,
    )
    again = run_import(demo.lille, b"email,consent\ngiven@example.com,non\n")
    assert again.updated_count == 1
    given.refresh_from_db()
    assert given.email_consent == Consent.WITHDRAWN


def test_a_confirmed_export_never_restores_a_withdrawn_sms_or_email_consent(demo):
    withdrawn_at = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
    left = contact(
        demo.lille,
        "lucas.dubois@brevo.example",
        email_consent=Consent.WITHDRAWN,
        email_consent_at=withdrawn_at,
        sms_consent=Consent.WITHDRAWN,
        sms_consent_at=None,
    )
    content = (
        b"EMAIL;SMS_CONSENT;EMAIL_BLACKLISTED;SMS_BLACKLISTED\n"
        b"lucas.dubois@brevo.example;yes;No;No\n"
        b"lea.moreau@brevo.example;yes;No;No\n"
    )
    job = run_import(
        demo.lille,
        content,
        "brevo.csv",
        mapping={"consent_confirmed": True, "confirmed_by": "lille-manager"},
    )
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.created_count, job.unchanged_count) == (1, 1)
    assert job.mapping["consent_not_restored"] == 2
    left.refresh_from_db()
    assert (left.email_consent, left.sms_consent) == (Consent.WITHDRAWN,) * 2
    assert [row[1:] for row in report_rows(job)] == [
        [
            "Email consent",
            "Granted",
            "Email consent not restored: the contact withdrew it on "
            "2024-06-01 12:00:00 UTC; only the contact can give it again, "
            "by subscribing",
        ],
        [
            "SMS_CONSENT",
            "Granted",
            "SMS consent not restored: the contact withdrew it; only the "
            "contact can give it again, by subscribing",
        ],
    ]
    lea = Contact.objects.get(outlet=demo.lille, email="lea.moreau@brevo.example")
    assert (lea.email_consent, lea.sms_consent) == (Consent.GRANTED,) * 2


def brevo_export():
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    return (fixtures / "contacts-brevo-export.csv").read_bytes()


def test_a_brevo_blocklist_withdraws_with_its_own_source_and_reimports_unchanged(
    demo,
):
    confirmed = {"consent_confirmed": True, "confirmed_by": "lille-manager"}
    first = run_import(demo.lille, brevo_export(), "brevo-march.csv", mapping=confirmed)
    assert (first.created_count, first.rejected_count) == (30, 0), first.error
    hugo = Contact.objects.get(outlet=demo.lille, email="hugo.lambert@brevo.example")
    assert hugo.email_consent == Consent.WITHDRAWN
    assert hugo.email_consent_source == (
        "Brevo export (brevo-march.csv): on Brevo's email blocklist "
        "(EMAIL_BLACKLISTED), imported as withdrawn"
    )
    # The same export again, under another name: the blocklist's source is
    # the import's own, like the confirmed one, so nothing changes.
    again = run_import(demo.lille, brevo_export(), "brevo-april.csv", mapping=confirmed)
    assert (again.updated_count, again.unchanged_count) == (0, 30)
    hugo.refresh_from_db()
    assert "brevo-march.csv" in hugo.email_consent_source


def test_a_mailchimp_date_attribute_follows_the_order_of_its_column(demo):
    AttributeDefinition.objects.create(key="member_since", label="Since", type="date")
    content = (
        b'"Email Address",MEMBER_RATING,LEID,EUID,Birthday,Member since\n'
        b"a@example.com,2,1,1,03/14,01/09/2020\n"
        b"b@example.com,2,2,2,,14/03/2021\n"
    )
    columns = ["email", "", "", "", "birthday", "attr:member_since"]
    job = run_import(demo.lille, content, "members.csv", mapping={"columns": columns})
    assert (job.created_count, job.rejected_count) == (2, 0), job.error
    a = ours().get(email="a@example.com")
    # Each column its own order: the birthday MM/DD, the attribute DD/MM.
    assert a.birthday == datetime.date(1604, 3, 14)
    assert a.attributes == {"member_since": "2020-09-01"}
    assert [item["basis"] for item in job.mapping["date_orders"]] == ["month", "day"]
