"""The import through the real admin views, and who sees what."""

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
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run", job.pk))
    real = ContactImport.objects.exclude(pk=job.pk).get()
    assert response["Location"] == url("detail", real.pk)
    assert not real.dry_run and real.created_count == 3
    assert ours().filter(outlet=demo.lille).count() == 3


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
    # an attribute nobody declared.
    assert job.mapping["columns"] == [
        "email",
        "",
        "attr:purchase_total",
        "attr:loyalty_level",
        "email_consent",
    ]
    html = client.get(url("mapping", job.pk)).content.decode()
    assert "Purchases this year" not in html
    assert '<option value="phone"' not in html
    assert "left out: phone" in html
    assert "rejected unless you leave them out: purchase_total" in html

    # A crafted mapping naming the hidden field is refused.
    data = {f"column_{i}": t for i, t in enumerate(job.mapping["columns"])}
    response = client.post(url("mapping", job.pk), {**data, "column_1": "phone"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()

    # Kept as mapped, the attribute's rows are rejected as unknown.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mapping", job.pk), data)
    job.refresh_from_db()
    assert (job.updated_count, job.rejected_count) == (0, 1), job.error
    body = b"".join(client.get(url("report", job.pk)).streaming_content).decode()
    assert "Unknown attribute “purchase_total”" in body

    # Left out, the row imports; the hidden values stay as they were.
    upload(client, demo.lille, HIDDEN_COLUMNS)
    job = ContactImport.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mapping", job.pk), {**data, "column_2": ""})
    job.refresh_from_db()
    assert job.updated_count == 1, job.error
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
