"""The import through the real admin views, and who sees what."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workflows.flow import refused
from wagtail_distmark.contacts.imports.services import progress_key
from wagtail_distmark.contacts.models import ContactImport

from .conftest import FRENCH_CSV, ours, run_import

pytestmark = pytest.mark.django_db

URL = "distmark_contact_imports:"


def url(name, *args):
    return reverse(URL + name, args=args)


def upload(client, outlet, content, name="clients.csv", dry_run=False):
    data = {"outlet": outlet.pk, "file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(url("upload"), data)


def test_admin_flow_upload_mapping_progress_result_report(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("lille-editor")
    assert client.get(url("index")).status_code == 200
    form = client.get(url("upload"))
    outlets = list(form.context["form"].fields["outlet"].queryset)
    assert outlets == [demo.lille]
    content = FRENCH_CSV.encode("cp1252") + b"bad-address;X;Y;;oui;\r\n"
    response = upload(client, demo.lille, content)
    job = ContactImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("mapping", job.pk)
    assert job.created_by == demo.users["lille-editor"]
    assert job.mapping["columns"][:2] == ["email", "first_name"]

    mapping = client.get(url("mapping", job.pk))
    assert mapping.status_code == 200
    html = mapping.content.decode()
    assert "anne.leclerc@example.fr" in html and "Éloïse" in html
    data = {f"column_{i}": t for i, t in enumerate(job.mapping["columns"])}
    data["column_2"] = ""  # leave the last name out
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url("mapping", job.pk), data)
    assert started["Location"] == url("detail", job.pk)
    job.refresh_from_db()
    assert job.status == ContactImport.Status.DONE, job.error
    assert (job.created_count, job.rejected_count) == (3, 1)
    assert ours().get(email="jean@example.fr").last_name == ""

    progress = client.get(url("progress", job.pk)).json()
    assert progress["finished"] and progress["percent"] == 100
    assert progress["created"] == 3
    result = client.get(url("detail", job.pk)).content.decode()
    assert url("report", job.pk) in result
    report = client.get(url("report", job.pk))
    assert report["Content-Disposition"].startswith("attachment")
    body = b"".join(report.streaming_content).decode()
    assert "5,Courriel,bad-address,Invalid email address" in body
    listing = client.get(url("index")).content.decode()
    assert "clients.csv" in listing


def test_progress_json_reads_the_live_progress(login, demo):
    from django.core.cache import cache

    client = login("lille-editor")
    job = ContactImport.objects.create(
        outlet=demo.lille, original_name="x.csv", status="running", total_rows=200
    )
    cache.set(progress_key(job.pk), (50, 200))
    data = client.get(url("progress", job.pk)).json()
    assert (data["processed"], data["total"], data["percent"]) == (50, 200, 25)
    assert not data["finished"]
    page = client.get(url("detail", job.pk)).content.decode()
    assert url("progress", job.pk) in page and "<progress" in page


def test_dry_run_then_import_for_real(login, demo, django_capture_on_commit_callbacks):
    client = login("lille-manager")
    upload(client, demo.lille, FRENCH_CSV.encode("cp1252"), dry_run=True)
    job = ContactImport.objects.get()
    data = {f"column_{i}": t for i, t in enumerate(job.mapping["columns"])}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mapping", job.pk), data)
    job.refresh_from_db()
    assert job.created_count == 3 and not ours().exists()
    # A dry run saved nothing: its page speaks of what would be.
    dry = client.get(url("detail", job.pk)).content.decode()
    assert "3 contacts would be created" in dry
    assert "0 contacts would be updated" in dry
    assert "contacts created" not in dry and "contacts updated" not in dry
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run", job.pk))
    real = ContactImport.objects.exclude(pk=job.pk).get()
    assert response["Location"] == url("detail", real.pk)
    assert not real.dry_run and real.created_count == 3
    assert ours().filter(outlet=demo.lille).count() == 3
    # The finished import's page gives its result, never "has started".
    result = client.get(response["Location"]).content.decode()
    assert "3 contacts created" in result
    assert "would be" not in result
    assert "The import has started." not in result


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty."),
        (bytes(range(256)) * 20, "neither a CSV file nor an Excel workbook"),
        (b"\n\nemail\na@example.com\n", "no header row"),
        (b"first name;last name\nAnne;Leclerc\n", "no email column"),
    ],
)
def test_malformed_files_are_clear_form_errors(login, demo, content, message):
    client = login("lille-editor")
    response = upload(client, demo.lille, content)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not ContactImport.objects.exists()


def test_email_column_found_by_its_values(login, demo):
    client = login("lille-editor")
    upload(client, demo.lille, b"adresse electronique;consent\na@example.com;oui\n")
    assert ContactImport.objects.get().mapping["columns"][0] == "email"


def test_crafted_post_into_another_outlet_is_refused(login, demo):
    client = login("lille-editor")
    response = upload(client, demo.marseille, FRENCH_CSV.encode("cp1252"))
    assert response.status_code == 200
    assert "outlet" in response.context["form"].errors
    assert not ContactImport.objects.exists()
    assert not ours().exists()


def test_mapping_post_on_another_outlets_import_is_refused(login, demo):
    job = ContactImport.objects.create(outlet=demo.marseille, original_name="m.csv")
    client = login("lille-editor")
    response = client.post(url("mapping", job.pk), {"column_0": "email"})
    assert refused(response)
    job.refresh_from_db()
    assert job.status == ContactImport.Status.PENDING


def test_local_editor_never_sees_another_outlets_imports(login, demo):
    job = run_import(
        demo.marseille,
        b"email,consent\nbad,yes\nm@example.com,yes\n",
        name="marseille.csv",
    )
    assert job.report
    client = login("lille-editor")
    assert "marseille.csv" not in client.get(url("index")).content.decode()
    for name in ("detail", "mapping", "progress", "report"):
        assert refused(client.get(url(name, job.pk))), name
    assert refused(client.post(url("run", job.pk)))
    marseille = login("marseille-editor")
    assert "marseille.csv" in marseille.get(url("index")).content.decode()
    assert marseille.get(url("report", job.pk)).status_code == 200
    hq = login("hq")
    assert hq.get(url("report", job.pk)).status_code == 200
    # The report is in the private storage, never under the public media URL.
    from django.conf import settings

    assert not job.report.path.startswith(str(settings.MEDIA_ROOT))


def test_listing_is_paginated_and_has_an_empty_state(login, demo):
    client = login("lille-editor")
    assert "No import yet" in client.get(url("index")).content.decode()
    ContactImport.objects.bulk_create(
        ContactImport(outlet=demo.lille, original_name=f"f{n}.csv") for n in range(30)
    )
    page = client.get(url("index"))
    assert len(page.context["imports"]) == 25
    assert len(client.get(url("index") + "?p=2").context["imports"]) == 5


def test_menu_item_only_for_users_who_may_add_contacts(login, demo, django_user_model):
    from wagtail_distmark.contacts.imports.views import may_import_somewhere

    assert may_import_somewhere(demo.users["lille-editor"])
    assert may_import_somewhere(demo.users["hq"])
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert not may_import_somewhere(nobody)
    home = login("lille-editor").get(reverse("wagtailadmin_home")).content.decode()
    assert "Import contacts" in home


HIDDEN_COLUMNS = (
    b"email;phone;purchase_total;loyalty_level;consent\r\n"
    b"hidden@example.fr;+33 7 11 11 11 11;12345;gold;oui\r\n"
)


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager"])
def test_local_users_cannot_import_fields_hq_keeps_to_itself(
    login, demo, username, django_capture_on_commit_callbacks
):
    from tests.contacts.factories import contact

    known = contact(
        demo.lille, "hidden@example.fr", phone="0600", attributes={"purchase_total": 7}
    )
    client = login(username)
    upload(client, demo.lille, HIDDEN_COLUMNS)
    job = ContactImport.objects.get()
    # The phone column is left out; the HQ-only attribute is, to this user,
    # an attribute nobody declared: left out too.
    assert job.mapping["columns"] == [
        "email",
        "",
        "",
        "attr:loyalty_level",
        "email_consent",
    ]
    html = client.get(url("mapping", job.pk)).content.decode()
    assert "Purchases this year" not in html
    assert '<option value="phone"' not in html
    assert '<option value="attr:purchase_total"' not in html
    assert "left out: phone" in html
    ignored = html.split("data-dm-import-ignored")[1].split("</p>")[0]
    assert "purchase_total" in ignored

    # A crafted mapping naming the hidden field or attribute is refused.
    data = {f"column_{i}": t for i, t in enumerate(job.mapping["columns"])}
    for column, target in (("column_1", "phone"), ("column_2", "attr:purchase_total")):
        response = client.post(url("mapping", job.pk), {**data, column: target})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()

    # As offered, the row imports; the hidden values stay as they were.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mapping", job.pk), data)
    job.refresh_from_db()
    assert (job.updated_count, job.rejected_count) == (1, 0), job.error
    known.refresh_from_db()
    assert known.phone == "0600"
    assert known.attributes == {"purchase_total": 7, "loyalty_level": "gold"}


def test_a_stored_mapping_cannot_write_a_hidden_field(demo):
    # Whatever the job's mapping says (an old job, a crafted row), the action
    # checks what its user may write.
    from tests.contacts.factories import contact

    known = contact(demo.lille, "hidden@example.fr", phone="0600")
    job = run_import(
        demo.lille,
        HIDDEN_COLUMNS,
        user=demo.users["lille-manager"],
        mapping={"columns": ["email", "phone", "", "", "email_consent"]},
    )
    assert job.status == ContactImport.Status.DONE, job.error
    known.refresh_from_db()
    assert known.phone == "0600"
    hq_job = run_import(
        demo.lille,
        HIDDEN_COLUMNS,
        user=demo.users["hq"],
        mapping={"columns": ["email", "phone", "", "", "email_consent"]},
    )
    assert hq_job.updated_count == 1
    known.refresh_from_db()
    assert known.phone == "+33 7 11 11 11 11"


def start_with_auto_mapping(client, job, captured, **extra):
    """Post the mapping page as offered (every select at its suggestion)."""
    page = client.get(url("mapping", job.pk))
    assert page.status_code == 200
    data = {
        name: field.initial or ""
        for name, field in page.context["form"].fields.items()
        if name.startswith("column_")
    }
    with captured(execute=True):
        response = client.post(url("mapping", job.pk), {**data, **extra})
    assert response.status_code == 302, response.context["form"].errors
    job.refresh_from_db()
    assert job.status == ContactImport.Status.DONE, job.error
    return job


def test_a_no_in_a_file_withdraws_consent_through_the_admin(
    login, demo, django_capture_on_commit_callbacks
):
    from tests.contacts.factories import contact
    from wagtail_distmark.contacts.models import Consent

    granted = contact(demo.lille, "anne.leclerc@example.fr", first_name="Anne")
    client = login("lille-manager")
    content = (
        "Courriel;Prénom;Consentement\r\n"
        "anne.leclerc@example.fr;Anne;non\r\n"
        "nouveau@example.fr;Nouveau;non\r\n"
    ).encode("cp1252")
    upload(client, demo.lille, content, name="retraits.csv")
    job = start_with_auto_mapping(
        client, ContactImport.objects.get(), django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.updated_count, job.rejected_count) == (1, 1, 0)
    granted.refresh_from_db()
    assert granted.email_consent == Consent.WITHDRAWN
    assert granted.email_consent_source == "Import of retraits.csv"
    assert ours().get(email="nouveau@example.fr").email_consent == Consent.NONE
    result = client.get(url("detail", job.pk)).content.decode()
    assert url("report", job.pk) not in result


def test_conflicting_rows_are_both_rejected_and_the_report_cannot_be_reimported(
    login, demo, django_capture_on_commit_callbacks
):
    from tests.contacts.factories import contact

    known = contact(demo.lille, "anne.leclerc@example.fr", first_name="Anne")
    client = login("lille-editor")
    content = (
        "Courriel;Prénom;Consentement\r\n"
        "ANNE.LECLERC@example.fr;Annette;oui\r\n"
        "jean@example.fr;Jean;oui\r\n"
        "anne.leclerc@example.fr;Anne-Marie;oui\r\n"
    ).encode("cp1252")
    upload(client, demo.lille, content)
    job = start_with_auto_mapping(
        client, ContactImport.objects.get(), django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.rejected_count) == (1, 2)
    report = client.get(url("report", job.pk))
    body = b"".join(report.streaming_content)
    text = body.decode()
    assert (
        '2,Courriel,anne.leclerc@example.fr,"Duplicate: this email is also on line 4, '
        'with other values"'
    ) in text
    assert (
        '4,Courriel,anne.leclerc@example.fr,"Duplicate: this email is also on line 2, '
        'with other values"'
    ) in text
    known.refresh_from_db()
    assert known.first_name == "Anne"

    # The report is no contact file: uploading it is refused, clearly.
    response = upload(client, demo.lille, body, name="rejected-rows.csv")
    assert response.status_code == 200
    assert "rejected rows report" in str(response.context["form"].errors)
    assert ContactImport.objects.count() == 1
    known.refresh_from_db()
    assert known.first_name == "Anne"


# -- Real files from other tools, and the shared samples -------------------------

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def fixture(name):
    return (FIXTURES / name).read_bytes()


def by_email():
    return {c.email: c for c in ours(domains=("mailchimp.example", "brevo.example"))}


def tags_of(row):
    return set(row.tags.values_list("name", flat=True))


def test_mailchimp_subscribed_members_import_as_exported(
    login, demo, django_capture_on_commit_callbacks
):
    from wagtail_distmark.contacts.models import Consent

    client = login("lille-manager")
    name = "contacts-mailchimp-subscribed.csv"
    upload(client, demo.lille, fixture(name), name=name, dry_run=True)
    job = ContactImport.objects.get()
    assert job.mapping["origin"] == "mailchimp"
    page = client.get(url("mapping", job.pk))
    html = page.content.decode()
    assert "Recognised as: Mailchimp export of subscribed members" in html
    assert "Its birthdays have no year: the day and month are kept" in html
    assert "1604" not in html
    assert "“Birthday”: dates read month first (MM/DD), as line 2 shows" in html
    assert "These are Mailchimp subscribed members: they gave email consent" in html
    assert "No column gives email consent. If these contacts gave it" in html
    ignored = html.split("data-dm-import-ignored")[1].split("</p>")[0]
    for column in ("Address", "MEMBER_RATING", "OPTIN_IP", "LEID", "NOTES"):
        assert column in ignored
    assert "left out: Phone Number" in html  # outlet staff never see phones
    # The dry run, with no mapping changed, only the consent confirmed.
    job = start_with_auto_mapping(
        client, job, django_capture_on_commit_callbacks, consent_confirmed="on"
    )
    assert (job.created_count, job.rejected_count, job.total_rows) == (30, 0, 30)
    assert not by_email()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("run", job.pk))
    real = ContactImport.objects.latest("pk")
    assert (real.created_count, real.rejected_count) == (30, 0), real.error
    result = client.get(url("detail", real.pk)).content.decode()
    assert "Email consent confirmed by lille-manager" in result

    rows = by_email()
    assert len(rows) == 30
    assert {r.email_consent for r in rows.values()} == {Consent.GRANTED}
    camille = rows["camille.lefebvre@mailchimp.example"]
    assert (camille.first_name, camille.last_name) == ("Camille", "Lefebvre")
    assert camille.birthday == datetime.date(1604, 3, 14)  # MM/DD: no year
    assert camille.birthday_month == 3
    assert tags_of(camille) == {"VIP", "Lille centre"}
    # CONFIRM_TIME (UTC) is the consent's date; no OPTIN_TIME on this row.
    assert camille.email_consent_at == datetime.datetime(
        2023, 1, 1, 8, 0, 47, tzinfo=datetime.UTC
    )
    assert camille.email_consent_source == (
        "Mailchimp export of subscribed members (contacts-mailchimp-subscribed.csv): "
        "email consent confirmed by lille-manager on import"
    )
    lucas = rows["lucas.dubois@mailchimp.example"]
    assert lucas.birthday == datetime.date(1604, 2, 29)
    # OPTIN_TIME as the file gives it, in UTC and saying so.
    assert lucas.email_consent_source.endswith("; opted in 2023-02-02 08:01:12 UTC")
    assert lucas.phone == ""  # left out for a manager
    assert lucas.attributes == {}  # Address & co. are left out
    assert tags_of(rows["hugo.lambert@mailchimp.example"]) == {"Amis, famille", "VIP"}
    assert "chloe.fontaine@mailchimp.example" in rows  # uppercase in the file
    # The whole file is month first, as its line 2 shows.
    assert rows["jules.delattre@mailchimp.example"].birthday == datetime.date(
        1604, 4, 13
    )
    assert (
        "“Birthday”: dates read month first (MM/DD), as line 2 shows (03/14)." in result
    )
    assert rows["hugo.lambert@mailchimp.example"].birthday is None


def test_mailchimp_members_without_the_confirmation_get_no_consent(
    login, demo, django_capture_on_commit_callbacks
):
    from wagtail_distmark.contacts.models import Consent

    client = login("lille-editor")
    name = "contacts-mailchimp-subscribed.csv"
    upload(client, demo.lille, fixture(name), name=name)
    job = start_with_auto_mapping(
        client, ContactImport.objects.get(), django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.rejected_count) == (30, 0)
    assert {r.email_consent for r in by_email().values()} == {Consent.NONE}
    assert (
        "Email consent confirmed"
        not in client.get(url("detail", job.pk)).content.decode()
    )


def test_mailchimp_unsubscribed_export_withdraws_consent(
    login, demo, django_capture_on_commit_callbacks
):
    from tests.contacts.factories import contact
    from wagtail_distmark.contacts.models import Consent

    subscribed_at = datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC)
    helene = contact(
        demo.lille, "helene.dewitte@mailchimp.example", email_consent_at=subscribed_at
    )
    client = login("lille-editor")
    name = "contacts-mailchimp-unsubscribed.csv"
    upload(client, demo.lille, fixture(name), name=name)
    job = ContactImport.objects.get()
    html = client.get(url("mapping", job.pk)).content.decode()
    assert "Mailchimp export of unsubscribed members" in html
    assert "they gave email consent" not in html  # nothing to confirm
    assert (
        "Rows with a date in “UNSUB_TIME” are imported with their email consent "
        "withdrawn, whatever else they say."
    ) in html
    job = start_with_auto_mapping(client, job, django_capture_on_commit_callbacks)
    assert (job.created_count, job.updated_count, job.rejected_count) == (3, 1, 0)
    rows = by_email()
    assert {r.email_consent for r in rows.values()} == {Consent.WITHDRAWN}
    helene.refresh_from_db()
    assert helene.email_consent == Consent.WITHDRAWN
    assert helene.email_consent_at == datetime.datetime(
        2024, 2, 10, 17, 30, tzinfo=datetime.UTC
    )
    assert helene.email_consent_source == (
        f"Mailchimp export of unsubscribed members ({name}): unsubscribed in "
        "Mailchimp (UNSUB_TIME), imported as withdrawn"
    )


def test_brevo_export_imports_as_exported(
    login, demo, django_capture_on_commit_callbacks
):
    from wagtail_distmark.contacts.models import Consent

    client = login("lille-editor")
    name = "contacts-brevo-export.csv"
    upload(client, demo.lille, fixture(name), name=name)
    job = ContactImport.objects.get()
    assert job.mapping["origin"] == "brevo"
    html = client.get(url("mapping", job.pk)).content.decode()
    assert "Recognised as: Brevo export" in html
    assert "except those blocklisted for email" in html
    # The note names the values Brevo writes (Yes/No), not "yes, or a date".
    withdrawal = html.split("data-dm-import-withdrawal>")[1].split("</p>")[0]
    assert withdrawal == (
        "Rows marked “Yes” in “EMAIL_BLACKLISTED” are imported with their email "
        "consent withdrawn, whatever else they say."
    )
    assert "left out: SMS" in html  # the mobile number: HQ's
    job = start_with_auto_mapping(
        client, job, django_capture_on_commit_callbacks, consent_confirmed="on"
    )
    assert (job.created_count, job.rejected_count) == (30, 0)
    rows = by_email()
    blocklisted = {
        "hugo.lambert@brevo.example",
        "noah.caron@brevo.example",
        "wout.mertens@brevo.example",
        "noor.lambrecht@brevo.example",
    }
    withdrawn = {e for e, r in rows.items() if r.email_consent == Consent.WITHDRAWN}
    assert withdrawn == blocklisted
    assert {r.email_consent for e, r in rows.items() if e not in blocklisted} == {
        Consent.GRANTED
    }
    # A blocklisted row never reads as consenting: its source is the blocklist.
    hugo = rows["hugo.lambert@brevo.example"]
    assert hugo.email_consent_source == (
        "Brevo export (contacts-brevo-export.csv): on Brevo's email blocklist "
        "(EMAIL_BLACKLISTED), imported as withdrawn"
    )
    assert "confirmed" not in hugo.email_consent_source
    assert rows["lucas.dubois@brevo.example"].email_consent_source == (
        "Brevo export (contacts-brevo-export.csv): email consent confirmed by "
        "lille-editor on import"
    )
    assert rows["wout.mertens@brevo.example"].sms_consent_source == (
        "Brevo export (contacts-brevo-export.csv): on Brevo's SMS blocklist "
        "(SMS_BLACKLISTED), imported as withdrawn"
    )
    # SMS_BLACKLISTED withdraws the SMS consent; SMS itself is the phone.
    sms_withdrawn = {e for e, r in rows.items() if r.sms_consent == Consent.WITHDRAWN}
    assert sms_withdrawn == {
        "louis.roussel@brevo.example",
        "wout.mertens@brevo.example",
    }
    civilities = {
        r.first_name: r.gender
        for r in rows.values()
        if r.first_name in ("Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis")
    }
    assert civilities == {
        "Camille": "m",  # M.
        "Lucas": "f",  # Mme
        "Léa": "f",  # Mlle
        "Hugo": "m",  # Mr
        "Chloé": "f",  # Mrs
        "Louis": "f",  # Ms
    }
    genders = [rows[e].gender for e in sorted(rows, key=lambda e: rows[e].pk)]
    # Dhr., Mevr., mme, MR., M, Dr (unknown: empty), none, Mx, MEVR,
    # mademoiselle, Monsieur, Me (Maître: unknown).
    assert genders[6:18] == ["m", "f", "f", "m", "m", "", "", "x", "f", "f", "m", ""]
    assert rows["lucas.dubois@brevo.example"].birthday == datetime.date(1961, 2, 2)
    assert rows["lucas.dubois@brevo.example"].phone == ""


def test_the_shared_lille_excel_sample_imports_as_stated(
    login, demo, django_capture_on_commit_callbacks
):
    """shared/README.md: contacts-lille-excel-fr.csv (Windows-1252, ``;``).

    Line 9 repeats line 7's address (in capitals) with other values: both are
    rejected (issue 14), so 194 contacts rather than the README's 195."""
    from wagtail_distmark.contacts.models import Consent, Contact

    client = login("lille-manager")
    name = "contacts-lille-excel-fr.csv"
    upload(client, demo.lille, fixture(name), name=name)
    job = start_with_auto_mapping(
        client, ContactImport.objects.get(), django_capture_on_commit_callbacks
    )
    assert (job.total_rows, job.created_count) == (200, 194)
    body = b"".join(client.get(url("report", job.pk)).streaming_content).decode()
    assert sorted({int(row.split(",")[0]) for row in body.splitlines()[1:]}) == [
        5,
        7,
        9,
        13,
        19,
        21,
    ]
    lille = Contact.objects.filter(outlet=demo.lille, email__endswith="@example.org")
    assert lille.count() == 194
    assert lille.filter(email_consent=Consent.NONE).count() == 18  # the "non"s
    formula = lille.get(email="lea.lambert.13@example.org")
    assert formula.first_name == '=HYPERLINK("http://evil.example","x")'
    assert lille.get(email="zoe.lambert.0@example.org").first_name == "Zoë"


def test_the_shared_gent_bom_sample_imports_as_stated(
    login, demo, django_capture_on_commit_callbacks
):
    from wagtail_distmark.contacts.models import Consent, Contact

    client = login("gent-editor")
    name = "contacts-gent-utf8-bom.csv"
    upload(client, demo.gent, fixture(name), name=name)
    job = start_with_auto_mapping(
        client, ContactImport.objects.get(), django_capture_on_commit_callbacks
    )
    assert (job.total_rows, job.created_count, job.rejected_count) == (120, 118, 2)
    body = b"".join(client.get(url("report", job.pk)).streaming_content).decode()
    assert sorted({int(row.split(",")[0]) for row in body.splitlines()[1:]}) == [4, 11]
    gent = Contact.objects.filter(outlet=demo.gent, email__endswith="@example.org")
    assert gent.count() == 118
    assert gent.filter(email_consent=Consent.NONE).count() == 9  # "nee", one rejected
    assert gent.get(email="noel.lambert.0@example.org").first_name == "Noël"


def test_the_mapping_page_says_what_happens_to_consent_before_the_run(login, demo):
    client = login("lille-editor")
    upload(client, demo.lille, b"email;prenom;ville\na@example.fr;Anne;Lille\n")
    job = ContactImport.objects.latest("pk")
    assert job.mapping["columns"] == ["email", "first_name", ""]  # "ville": left out
    html = client.get(url("mapping", job.pk)).content.decode()
    consent = html.split("data-dm-import-consent")[1].split("</div>")[0]
    assert (
        "help-warning" in html.split("data-dm-import-consent")[0].rsplit("<div", 1)[1]
    )
    assert "No column gives email consent" in consent
    assert "new contacts will be imported without email consent" in consent
    assert "known contacts keep their consent" in consent
    assert "ville" in html.split("data-dm-import-ignored")[1].split("</p>")[0]

    upload(client, demo.lille, b"email,consent_email\na@example.fr,oui\n")
    job = ContactImport.objects.latest("pk")
    assert job.mapping["columns"] == ["email", "email_consent"]
    html = client.get(url("mapping", job.pk)).content.decode()
    assert "Email consent is read from “consent_email”" in html
    assert "No column gives email consent" not in html
    # A file that is no export of another tool offers no confirmation.
    assert "consent_confirmed" not in html


def test_the_result_says_which_withdrawn_consents_a_file_did_not_restore(
    login, demo, django_capture_on_commit_callbacks
):
    from tests.contacts.factories import contact
    from wagtail_distmark.contacts.models import Consent

    withdrawn_at = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
    left = contact(
        demo.lille,
        "anne.leclerc@example.fr",
        email_consent=Consent.WITHDRAWN,
        email_consent_at=withdrawn_at,
    )
    client = login("lille-manager")
    content = (
        "Courriel;Prénom;Consentement;Date du consentement\r\n"
        "anne.leclerc@example.fr;Annie;oui;2025-01-01 10:00:00\r\n"
        "nouveau@example.fr;Nouveau;oui;\r\n"
    ).encode("cp1252")
    upload(client, demo.lille, content, name="retour.csv")
    job = start_with_auto_mapping(
        client, ContactImport.objects.get(), django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.updated_count, job.rejected_count) == (1, 1, 0)
    left.refresh_from_db()
    assert (left.first_name, left.email_consent) == ("Annie", Consent.WITHDRAWN)
    result = client.get(url("detail", job.pk)).content.decode()
    assert "1 consent not restored" in result
    assert "only they can give it again, by subscribing" in result
    assert url("report", job.pk) in result
    body = b"".join(client.get(url("report", job.pk)).streaming_content).decode()
    assert (
        '2,Consentement,Granted,"Email consent not restored: the contact withdrew '
        "it on 2024-06-01 12:00:00 UTC; only the contact can give it again, by "
        'subscribing"'
    ) in body
    assert client.get(url("progress", job.pk)).json()["consent_not_restored"] == 1


def test_the_consent_confirmation_sits_in_the_consent_notice_with_its_label(
    login, demo
):
    client = login("lille-editor")
    name = "contacts-brevo-export.csv"
    upload(client, demo.lille, fixture(name), name=name)
    job = ContactImport.objects.get()
    html = client.get(url("mapping", job.pk)).content.decode()
    form = html.split('<form method="post"')[1].split("</form>")[0]
    notice = form.split("data-dm-import-consent")[1].split("</div>")[0]
    # The box is in the notice it confirms, inside the form, and its text is
    # its label (a click on it ticks the box; screen readers read it).
    assert (
        '<input type="checkbox" name="consent_confirmed" '
        'aria-describedby="id_consent_confirmed_helptext" id="id_consent_confirmed">'
    ) in notice
    assert (
        '<label for="id_consent_confirmed">These Brevo contacts gave email consent, '
        "except those blocklisted for email</label>"
    ) in notice
    assert 'id="id_consent_confirmed_helptext"' in notice
    assert "tick the box below" in notice
    assert form.count('name="consent_confirmed"') == 1


MAILCHIMP_HEADER = (
    '"Email Address","First Name",Birthday,MEMBER_RATING,OPTIN_TIME,'
    "CONFIRM_TIME,LEID,EUID\n"
)


def mailchimp_birthdays(*birthdays):
    rows = [
        f"m{line}@mailchimp.example,M{line},{birthday},2,,,{line},{line}\n"
        for line, birthday in enumerate(birthdays, start=2)
    ]
    return (MAILCHIMP_HEADER + "".join(rows)).encode()


def imported_birthdays(client, demo, content, captured):
    upload(client, demo.lille, content, name="members.csv")
    job = ContactImport.objects.latest("pk")
    html = client.get(url("mapping", job.pk)).content.decode()
    job = start_with_auto_mapping(client, job, captured)
    birthdays = {c.email: c.birthday for c in by_email().values()}
    ours(domains=("mailchimp.example",)).delete()
    return job, html, birthdays


def test_a_mailchimp_files_day_and_month_order_is_decided_once_for_the_file(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("lille-editor")
    # An audience set to DD/MM: line 4's 14/03 decides for the whole file, so
    # line 2's 01/09 is the 1st of September (not the 9th of January).
    job, html, birthdays = imported_birthdays(
        client,
        demo,
        mailchimp_birthdays("01/09", "", "14/03", "02/01/1990"),
        django_capture_on_commit_callbacks,
    )
    said = "“Birthday”: dates read day first (DD/MM), as line 4 shows (14/03)."
    assert said in html
    assert said in client.get(url("detail", job.pk)).content.decode()
    assert birthdays == {
        "m2@mailchimp.example": datetime.date(1604, 9, 1),
        "m3@mailchimp.example": None,
        "m4@mailchimp.example": datetime.date(1604, 3, 14),
        "m5@mailchimp.example": datetime.date(1990, 1, 2),
    }

    # Nothing tells: Mailchimp's default, month first, and the page says so.
    job, html, birthdays = imported_birthdays(
        client,
        demo,
        mailchimp_birthdays("01/09", "12/11"),
        django_capture_on_commit_callbacks,
    )
    said = (
        "“Birthday”: no date in the file tells whether the day or the month comes "
        "first; they are read month first (MM/DD), Mailchimp&#x27;s default."
    )
    assert said in html
    assert said in client.get(url("detail", job.pk)).content.decode()
    assert birthdays["m2@mailchimp.example"] == datetime.date(1604, 1, 9)
    assert birthdays["m3@mailchimp.example"] == datetime.date(1604, 12, 11)

    # Both orders in one file: month first, and the other rows are rejected.
    job, html, birthdays = imported_birthdays(
        client,
        demo,
        mailchimp_birthdays("03/14", "01/09", "13/04"),
        django_capture_on_commit_callbacks,
    )
    assert "the file mixes both orders (line 2: 03/14 is month first; " in html
    assert "line 4: 13/04 is day first)" in html
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert birthdays["m3@mailchimp.example"] == datetime.date(1604, 1, 9)
    body = b"".join(client.get(url("report", job.pk)).streaming_content).decode()
    assert (
        "4,Birthday,13/04,Invalid date “13/04”: this file's dates in this column "
        "are read month first (MM/DD)"
    ) in body


def test_the_preview_is_numbered_by_the_files_lines_and_scrolls_sideways(login, demo):
    """The preview's columns carry the file's line numbers (the header is
    line 1), as the date order note, the rejections and the report do; a
    blank line keeps its number. The table sits in a box that scrolls
    sideways, not off the page."""
    client = login("lille-manager")
    content = (
        b"Email;First name;Birthday\r\n"
        b"ann@example.com;Ann;07/14/1985\r\n"
        b"\r\n"
        b"bob@example.com;Bob;03/04/1990\r\n"
    )
    upload(client, demo.lille, content)
    job = ContactImport.objects.get()
    html = client.get(url("mapping", job.pk)).content.decode()
    table = html.split("data-dm-import-preview")[1].split("</table>")[0]
    assert "Line 2</th>" in table and "Line 4</th>" in table
    assert "Line 1</th>" not in table and "Row 1" not in table
    assert 'class="w-overflow-x-auto" data-dm-import-preview' in html


def test_any_files_day_and_month_order_is_decided_once_and_said(
    login, demo, django_capture_on_commit_callbacks
):
    """Not only Mailchimp's: a file from any tool whose dates show MM/DD
    (07/14) is read month first for the whole column, its ambiguous 03/04
    too; the mapping page, the result and the command's summary say so and
    name the deciding line. A file showing DD/MM is read day first."""
    client = login("lille-manager")

    def imported(*birthdays):
        rows = "".join(
            f"p{line}@example.com;P{line};{birthday}\r\n"
            for line, birthday in enumerate(birthdays, start=2)
        )
        upload(client, demo.lille, ("Email;First name;Birthday\r\n" + rows).encode())
        job = ContactImport.objects.latest("pk")
        html = client.get(url("mapping", job.pk)).content.decode()
        job = start_with_auto_mapping(client, job, django_capture_on_commit_callbacks)
        result = client.get(url("detail", job.pk)).content.decode()
        found = {c.email: c.birthday for c in ours(domains=("example.com",))}
        ours(domains=("example.com",)).delete()
        return job, html, result, found

    job, html, result, found = imported("07/14/1985", "03/04/1990")
    said = "“Birthday”: dates read month first (MM/DD), as line 2 shows (07/14/1985)."
    assert said in html and said in result
    assert job.rejected_count == 0
    assert found == {
        "p2@example.com": datetime.date(1985, 7, 14),
        "p3@example.com": datetime.date(1990, 3, 4),
    }

    job, html, result, found = imported("03/04/1990", "14/07/1985")
    said = "“Birthday”: dates read day first (DD/MM), as line 3 shows (14/07/1985)."
    assert said in html and said in result
    assert found == {
        "p2@example.com": datetime.date(1990, 4, 3),
        "p3@example.com": datetime.date(1985, 7, 14),
    }

    # Nothing tells: day first, the default of every file but Mailchimp's.
    job, html, result, found = imported("03/04/1990")
    said = (
        "“Birthday”: no date in the file tells whether the day or the month "
        "comes first; they are read day first (DD/MM)."
    )
    assert said in html and said in result
    assert found == {"p2@example.com": datetime.date(1990, 4, 3)}


def dry_run_page(client, outlet, content, capture):
    upload(client, outlet, content, dry_run=True)
    job = ContactImport.objects.latest("pk")
    data = {f"column_{i}": t for i, t in enumerate(job.mapping["columns"])}
    with capture(execute=True):
        client.post(url("mapping", job.pk), data)
    job.refresh_from_db()
    assert job.status == ContactImport.Status.DONE, job.error
    return job, client.get(url("detail", job.pk)).content.decode()


def test_a_dry_run_shows_the_first_rejections_with_their_reasons(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("lille-manager")
    content = FRENCH_CSV.encode("cp1252") + b"bad-address;X;Y;;oui;\r\n"
    job, page = dry_run_page(
        client, demo.lille, content, django_capture_on_commit_callbacks
    )
    assert job.rejected_count == 1
    assert "data-dm-import-report-rows" in page
    assert (
        "<tr><td>5</td><td>Courriel</td><td>bad-address</td>"
        "<td>Invalid email address</td></tr>"
    ) in page
    # Some rows would be imported: the page offers the real import.
    assert url("run", job.pk) in page
    assert "data-dm-import-all-rejected" not in page


def test_a_dry_run_shows_twenty_rejections_and_points_to_the_download(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("lille-manager")
    bad = "".join(f"bad-{n};X;Y;;oui;\r\n" for n in range(30))
    content = FRENCH_CSV.encode("cp1252") + bad.encode()
    job, page = dry_run_page(
        client, demo.lille, content, django_capture_on_commit_callbacks
    )
    assert job.rejected_count == 30
    assert page.count("<td>Invalid email address</td>") == 20
    assert "bad-19" in page and "bad-20" not in page
    assert "The download below holds every row of the report." in page


def test_a_dry_run_rejecting_every_row_does_not_offer_the_real_import(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("lille-manager")
    content = b"Courriel;Pr\xe9nom\r\nnot-an-address;Anne\r\nalso-bad;Jean\r\n"
    job, page = dry_run_page(
        client, demo.lille, content, django_capture_on_commit_callbacks
    )
    assert (job.total_rows, job.rejected_count) == (2, 2)
    assert url("run", job.pk) not in page
    assert "Import this file for real" not in page
    assert "Every row would be rejected" in page
    assert "not-an-address" in page
