from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wagtail_distmark.contacts.models import ContactImport

from .conftest import FRENCH_CSV, ours, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("distmark_import_contacts", *args, stdout=out)
    return out.getvalue()


def test_command_imports_an_excel_csv_and_prints_counts(demo, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(FRENCH_CSV.encode("cp1252") + b"oops;X;Y;;oui;\r\n")
    out = run("lille", str(path))
    assert "Courriel -> email" in out
    assert "created 3, updated 0, unchanged 0, rejected 1 (of 4 rows)" in out
    # Any file's date order is decided and said, not only Mailchimp's.
    assert (
        "“Date de naissance”: dates read day first (DD/MM), as line 2 shows "
        "(14/07/1985)." in out
    )
    job = ContactImport.objects.get()
    assert f"Rejected rows: {job.report.path}" in out
    assert ours().filter(outlet=demo.lille).count() == 3
    again = run("lille", str(path))
    assert "created 0, updated 0, unchanged 3, rejected 1" in again


def test_command_dry_run_and_map(demo, tmp_path):
    path = tmp_path / "klanten.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [["Adres", "Voornaam", "Toestemming"], ["a@example.com", "Joost", "ja"]]
        )
    )
    out = run(
        "gent", str(path), "--dry-run", "--map", "Adres=email", "--map", "Voornaam=-"
    )
    assert "Dry run: would have created 1" in out
    assert not ours().exists()
    run("gent", str(path), "--map", "Adres=email")
    assert ours().get(outlet=demo.gent).first_name == "Joost"


def test_command_errors(demo, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"first name\nAnne\n")
    with pytest.raises(CommandError, match="No column is mapped to the email"):
        run("lille", str(path))
    with pytest.raises(CommandError, match="No outlet"):
        run("nowhere", str(path))
    with pytest.raises(CommandError, match="expected COLUMN=FIELD"):
        run("lille", str(path), "--map", "first name=password")
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        run("lille", str(path))


def test_command_imports_exports_of_other_tools(demo):
    from pathlib import Path

    from wagtail_distmark.contacts.models import Consent

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    mailchimp = str(fixtures / "contacts-mailchimp-subscribed.csv")
    out = run("lille", mailchimp, "--dry-run")
    assert "Recognised as: Mailchimp export of subscribed members." in out
    assert "Dry run: would have created 30, updated 0, unchanged 0, rejected 0" in out
    assert "“Birthday”: dates read month first (MM/DD), as line 2 shows" in out
    run("lille", mailchimp, "--consent-confirmed")
    rows = ours(domains=("mailchimp.example",))
    assert {c.email_consent for c in rows} == {Consent.GRANTED}
    assert rows.get(email="lucas.dubois@mailchimp.example").phone  # no user: all
    assert rows.first().email_consent_source.startswith(
        "Mailchimp export of subscribed members (contacts-mailchimp-subscribed.csv): "
        "email consent confirmed by the import command on import"
    )
    with pytest.raises(CommandError, match="--consent-confirmed is for"):
        run(
            "lille",
            str(fixtures / "contacts-lille-excel-fr.csv"),
            "--consent-confirmed",
        )


def test_command_says_which_withdrawn_consents_it_did_not_restore(demo, tmp_path):
    from tests.contacts.factories import contact
    from wagtail_distmark.contacts.models import Consent

    contact(demo.lille, "left@example.com", email_consent=Consent.WITHDRAWN)
    path = tmp_path / "clients.csv"
    path.write_bytes(b"email,consent\nleft@example.com,yes\n")
    out = run("lille", str(path))
    assert "unchanged 1, rejected 0" in out
    assert "Consents not restored (withdrawn by the contact): 1." in out
    assert ours().get().email_consent == Consent.WITHDRAWN
