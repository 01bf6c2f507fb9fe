"""Contacts in the admin, through the real views: each outlet its own
customers, each role its own fields, every access logged."""

import csv
import io

import pytest
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from tests.contacts.factories import contact
from tests.workflows.flow import refused
from wagtail_distmark.contacts.models import Contact, ContactAccess

pytestmark = pytest.mark.django_db

INDEX = "distmark_contacts:index"


@pytest.fixture
def anne(demo):
    return contact(
        demo.lille,
        "Anne.Martin@Example.com",
        first_name="Anne",
        last_name="Martin",
        phone="+33 6 11 22 33 44",
        attributes={"loyalty_level": "gold", "purchase_total": 1234},
        tags=["vip"],
    )


@pytest.fixture
def marc(demo):
    return contact(
        demo.marseille, "marc@example.com", first_name="Marc", phone="+33 4 99"
    )


def listed(response):
    return {c.email for c in response.context["object_list"]}


def test_an_outlet_editor_lists_only_their_outlets_contacts(login, demo, anne, marc):
    response = login("lille-editor").get(reverse(INDEX), {"q": "example.com"})
    emails = listed(response)
    assert "anne.martin@example.com" in emails and "marc@example.com" not in emails
    assert Contact.objects.filter(outlet=demo.lille).count() == 301  # demo + Anne
    html = response.content.decode()
    assert "+33 6 11" not in html  # HQ-only field: no column
    hq = login("hq").get(reverse(INDEX), {"q": "marc"})
    assert listed(hq) == {"marc@example.com"}


def test_the_listing_is_paginated_and_searchable_by_visible_fields_only(
    login, demo, anne
):
    client = login("lille-editor")
    response = client.get(reverse(INDEX))
    assert response.context["paginator"].count == 301
    assert len(response.context["object_list"]) < 301
    assert listed(client.get(reverse(INDEX), {"q": "anne.martin"})) == {
        "anne.martin@example.com"
    }
    # Searching by phone (not visible to editors) finds nothing.
    assert listed(client.get(reverse(INDEX), {"q": "11 22 33"})) == set()


def test_inspect_shows_allowed_fields_and_attributes_only(login, demo, anne):
    client = login("lille-editor")
    html = client.get(
        reverse("distmark_contacts:inspect", args=[anne.pk])
    ).content.decode()
    assert "Anne" in html and "gold" in html and "vip" in html
    assert "+33 6 11" not in html and "1234" not in html  # phone, purchase total
    html = (
        login("hq")
        .get(reverse("distmark_contacts:inspect", args=[anne.pk]))
        .content.decode()
    )
    assert "+33 6 11" in html and "1234" in html


@pytest.mark.parametrize(
    "name", ["inspect", "edit", "delete", "data_export", "history"]
)
def test_another_outlets_contact_is_out_of_reach(login, demo, marc, name):
    client = login("lille-editor")
    url = reverse(f"distmark_contacts:{name}", args=[marc.pk])
    assert refused(client.get(url))
    assert refused(client.post(url, {"email": "hijack@example.com", "first_name": "X"}))
    marc.refresh_from_db()
    assert marc.email == "marc@example.com" and marc.erased_at is None


CONTACT_NAMESPACES = (
    "distmark_contacts",
    "distmark_contact_attributes",
    "distmark_suppressions",
    "distmark_contact_access",
)


def contact_object_url_names():
    """Every admin URL of contacts and HQ's contact screens taking an id."""
    resolvers = [get_resolver()]
    names = []
    while resolvers:
        for pattern in resolvers.pop().url_patterns:
            namespace = getattr(pattern, "namespace", None)
            if namespace in CONTACT_NAMESPACES:
                names.extend(
                    f"{namespace}:{child.name}"
                    for child in pattern.url_patterns
                    if "pk" in child.pattern.converters
                )
            elif hasattr(pattern, "url_patterns"):
                resolvers.append(pattern)
    return names


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "99999999999999999999999"])
def test_a_malformed_contact_id_is_not_found(login, demo, anne, bad_id):
    client = login("hq")
    client.raise_request_exception = False
    names = contact_object_url_names()
    assert "distmark_contacts:data_export" in names and len(names) > 10
    for name in names:
        url = reverse(name, args=[anne.pk]).replace(f"/{anne.pk}/", f"/{bad_id}/")
        assert client.get(url).status_code == 404, url


def test_a_crafted_post_cannot_create_a_contact_in_another_outlet(login, demo):
    response = login("lille-editor").post(
        reverse("distmark_contacts:add"),
        {
            "outlet": demo.marseille.pk,
            "email": "new@example.com",
            "email_consent": "granted",
            "sms_consent": "none",
        },
    )
    assert response.status_code == 200
    assert "outlet" in response.context["form"].errors
    assert not Contact.objects.filter(email="new@example.com").exists()


def test_a_crafted_post_cannot_set_an_hq_only_field(login, demo, anne):
    response = login("lille-editor").post(
        reverse("distmark_contacts:edit", args=[anne.pk]),
        {
            "email": anne.email,
            "first_name": "Anne-Sophie",
            "last_name": "Martin",
            "phone": "+33 0 00 00 00 00",
            "attribute_purchase_total": "0",
            "attribute_loyalty_level": "silver",
            "email_consent": "granted",
            "sms_consent": "none",
            "tags": "vip, newsletter",
        },
    )
    assert response.status_code == 302
    anne.refresh_from_db()
    assert anne.first_name == "Anne-Sophie"
    assert anne.phone == "+33 6 11 22 33 44"
    # The visible attribute changed; the hidden one was kept.
    assert anne.attributes == {"loyalty_level": "silver", "purchase_total": 1234}
    assert set(anne.tags.values_list("name", flat=True)) == {"vip", "newsletter"}


def test_an_editor_adds_a_contact_to_their_outlet(login, demo):
    response = login("lille-editor").post(
        reverse("distmark_contacts:add"),
        {
            "outlet": demo.lille.pk,
            "email": " Zoe@Example.COM ",
            "first_name": "Zoé",
            "email_consent": "granted",
            "sms_consent": "none",
        },
    )
    assert response.status_code == 302
    zoe = Contact.objects.get(email="zoe@example.com")
    assert zoe.outlet == demo.lille
    assert zoe.email_consent_source == "admin:lille-editor" and zoe.email_consent_at


def test_the_same_email_twice_in_an_outlet_is_refused_clearly(login, demo, anne):
    response = login("lille-editor").post(
        reverse("distmark_contacts:add"),
        {
            "outlet": demo.lille.pk,
            "email": "ANNE.martin@example.com",
            "email_consent": "none",
            "sms_consent": "none",
        },
    )
    errors = response.context["form"].errors["email"]
    assert errors == ["Lille Centre already has a contact with this email address."]


def export(client, fmt="csv", delimiter=",", **params):
    response = client.get(reverse(INDEX), {"export": fmt, **params})
    if fmt == "csv":
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8
        text = io.StringIO(body.decode("utf-8-sig"))
        return list(csv.reader(text, delimiter=delimiter))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_exports_hold_only_allowed_fields_and_outlets(login, demo, anne, marc):
    rows = export(login("lille-manager"), q="example.com")
    header, *body = rows
    assert "Phone" not in header and "Purchases this year (€)" not in header
    assert "Loyalty level" in header and "Email consent source" in header
    emails = {row[0] for row in body}
    assert "anne.martin@example.com" in emails and "marc@example.com" not in emails
    log = ContactAccess.objects.filter(action="export").get()
    assert log.username == "lille-manager" and log.contact_count == 1


def test_editors_may_not_export_by_default(login, demo, anne):
    client = login("lille-editor")
    assert refused(client.get(reverse(INDEX), {"export": "csv"}))
    assert "export=csv" not in client.get(reverse(INDEX)).content.decode()


def test_formulas_are_defused_in_csv_and_xlsx(login, demo):
    contact(
        demo.lille,
        "f@example.com",
        first_name='=HYPERLINK("http://evil")',
        last_name="+1",
        tags=["@x"],
    )
    hq = login("hq")
    (_header, row) = export(hq, q="f@example.com")
    assert row[1] == '\'=HYPERLINK("http://evil")' and row[2] == "'+1"
    # XLSX cells are typed: the formula is a text cell, shown as typed.
    response = hq.get(reverse(INDEX), {"export": "xlsx", "q": "f@example.com"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = list(sheet.iter_rows())[1][1]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil")', "s")


def test_every_access_is_logged(login, demo, anne):
    client = login("lille-editor")
    client.get(reverse(INDEX), {"q": "anne"})
    client.get(reverse("distmark_contacts:inspect", args=[anne.pk]))
    actions = list(
        ContactAccess.objects.order_by("created_at").values_list(
            "action", "username", "contact_ids"
        )
    )
    assert actions == [
        ("list", "lille-editor", [anne.pk]),
        ("view", "lille-editor", [anne.pk]),
    ]


def test_hq_screens_are_hq_only(login, demo):
    for name in (
        "distmark_suppressions",
        "distmark_contact_attributes",
        "distmark_contact_access",
    ):
        assert refused(login("lille-manager").get(reverse(f"{name}:index")))
        assert login("hq").get(reverse(f"{name}:index")).status_code == 200


def test_listing_queries_do_not_grow_with_contacts(login, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("lille-editor")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(INDEX))
    with CaptureQueriesContext(connection) as again:
        client.get(reverse(INDEX), {"p": 2})
    assert len(again) == len(few)


def test_exports_speak_the_users_spreadsheet(login, demo, anne):
    from django.utils import timezone

    from wagtail_distmark.contacts.models import Consent

    moment = timezone.make_aware(timezone.datetime(2026, 7, 14, 8, 30, 15, 123))
    Contact.objects.filter(pk=anne.pk).update(
        email_consent=Consent.GRANTED, email_consent_at=moment
    )
    client = login("lille-manager")
    response = client.get(reverse(INDEX), {"export": "csv", "q": "anne"})
    today = timezone.localdate()
    assert (
        f'filename="contacts-{today:%Y-%m-%d}.csv"' in response["Content-Disposition"]
    )
    header, row = export(client, q="anne")
    at = header.index("Email consent given or changed at")
    # The site's time (Paris), to the minute.
    assert row[at] == "2026-07-14 08:30"
    # In French, Excel expects semicolons.
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.preferred_language = "fr"
    profile.save()
    header, row = export(login("lille-manager"), delimiter=";", q="anne")
    assert row[0] == "anne.martin@example.com" and len(row) == len(header) > 5
    response = client.get(reverse(INDEX), {"export": "xlsx", "q": "anne"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[1][at] == timezone.datetime(2026, 7, 14, 8, 30)  # a date cell


def test_inspect_shows_local_times_and_no_empty_values(login, demo, anne):
    html = (
        login("lille-manager")
        .get(reverse("distmark_contacts:inspect", args=[anne.pk]))
        .content.decode()
    )
    import re

    assert not re.search(r"<dd>\s*None\s*</dd>", html)
    assert re.search(r"<dd>\s*—\s*</dd>", html)  # the empty birthday


def test_one_outlet_users_get_no_outlet_column_and_birthdays_as_dates(
    login, demo, anne
):
    import datetime

    Contact.objects.filter(pk=anne.pk).update(birthday=datetime.date(1985, 7, 14))
    editor = login("lille-editor").get(reverse(INDEX), {"q": "anne"})
    headers = [c.label for c in editor.context["view"].columns]
    assert "Outlet" not in headers
    assert "July 14, 1985" in editor.content.decode() or "07/14/1985" in (
        editor.content.decode()
    )
    hq = login("hq").get(reverse(INDEX), {"q": "anne"})
    assert "Outlet" in [c.label for c in hq.context["view"].columns]


def test_an_erased_contact_offers_no_edit_or_erase(login, demo, anne):
    client = login("lille-manager")
    client.post(reverse("distmark_contacts:delete", args=[anne.pk]))
    inspect = client.get(reverse("distmark_contacts:inspect", args=[anne.pk]))
    html = inspect.content.decode()
    assert "Erase (GDPR)" not in html and "Download their data" not in html
    history = client.get(reverse("distmark_contacts:history", args=[anne.pk]))
    edit_url = reverse("distmark_contacts:edit", args=[anne.pk])
    assert edit_url not in history.content.decode()
    assert refused(client.post(reverse("distmark_contacts:delete", args=[anne.pk])))


def test_the_add_form_chooses_the_only_outlet_and_offers_languages(login, demo):
    form = login("lille-editor").get(reverse("distmark_contacts:add")).context["form"]
    assert form["outlet"].value() == demo.lille.pk
    assert [c[0] for c in form.fields["locale"].choices] == ["", "en", "fr", "nl"]
    response = login("lille-editor").post(
        reverse("distmark_contacts:add"),
        {
            "outlet": demo.lille.pk,
            "email": "lang@example.com",
            "locale": "klingon",
            "email_consent": "granted",
            "sms_consent": "none",
        },
    )
    assert "locale" in response.context["form"].errors
    hq_form = login("hq").get(reverse("distmark_contacts:add")).context["form"]
    assert hq_form["outlet"].value() is None  # HQ chooses among every outlet


def french(user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()


def no_1604(text):
    import re

    return not re.search(r"\b1604\b", text)


def test_a_birthday_without_a_year_shows_as_day_and_month(login, demo, anne):
    import datetime

    # Imports store a birthday without a year in the year 1604 ("unknown").
    Contact.objects.filter(pk=anne.pk).update(birthday=datetime.date(1604, 12, 3))
    client = login("lille-editor")
    inspect = client.get(reverse("distmark_contacts:inspect", args=[anne.pk]))
    html = inspect.content.decode()
    assert "December 3" in html and no_1604(html)
    listing = client.get(reverse(INDEX), {"q": "anne"}).content.decode()
    assert "December 3" in listing and no_1604(listing)
    french(demo.users["lille-editor"])
    html = (
        login("lille-editor")
        .get(reverse("distmark_contacts:inspect", args=[anne.pk]))
        .content.decode()
    )
    assert "3 décembre" in html and no_1604(html)


def test_exports_give_a_birthday_without_a_year_in_iso_form(login, demo, anne):
    import datetime

    Contact.objects.filter(pk=anne.pk).update(birthday=datetime.date(1604, 12, 3))
    contact(demo.lille, "dated@example.com", birthday=datetime.date(1985, 7, 14))
    client = login("lille-manager")
    header, *rows = export(client, q="example.com")
    at = header.index("Birthday")
    birthdays = {row[0]: row[at] for row in rows}
    # ISO 8601's "--12-03", defused like any cell starting with "-" (Excel
    # would compute --12-03 = 9).
    assert birthdays["anne.martin@example.com"] == "'--12-03"
    assert birthdays["dated@example.com"] == "1985-07-14"
    header, *rows = export(client, "xlsx", q="example.com")
    birthdays = {row[0]: row[at] for row in rows}
    assert birthdays["anne.martin@example.com"] == "--12-03"  # text, not 1604
    assert birthdays["dated@example.com"] == datetime.date(1985, 7, 14)  # date cell


def test_exports_speak_the_users_admin_language_and_time(login, demo, anne):
    import datetime

    from django.utils import timezone
    from wagtail.users.models import UserProfile

    moment = timezone.make_aware(datetime.datetime(2026, 7, 14, 8, 30))  # Paris
    Contact.objects.filter(pk=anne.pk).update(gender="f", email_consent_at=moment)
    french(demo.users["lille-manager"])
    profile = UserProfile.get_for_user(demo.users["lille-manager"])
    profile.current_time_zone = "Europe/London"
    profile.save()
    client = login("lille-manager")
    for fmt, at_london in (
        ("csv", "2026-07-14 07:30"),
        ("xlsx", datetime.datetime(2026, 7, 14, 7, 30)),
    ):
        header, row = export(client, fmt, delimiter=";", q="anne")
        assert "Consentement e-mail" in header, fmt
        assert "Accordé" in row and "Femme" in row, fmt
        assert "Granted" not in row and "Female" not in row, fmt
        assert row[header.index("Consentement e-mail donné ou modifié le")] == (
            at_london
        )


def test_a_tag_with_a_comma_is_quoted_in_the_page_and_the_exports(login, demo):
    # As an import stores Mailchimp's tags cell "Amis, famille","VIP".
    ami = contact(demo.lille, "ami@example.com", tags=["VIP", "Amis, famille"])
    client = login("lille-manager")
    html = client.get(reverse("distmark_contacts:inspect", args=[ami.pk]))
    assert "&quot;Amis, famille&quot;, VIP" in html.content.decode()
    for fmt in ("csv", "xlsx"):
        header, row = export(client, fmt, q="ami@example.com")
        cell = row[header.index("Tags")]
        assert cell == '"Amis, famille", VIP'
        # Read back as an import reads a quoted tags cell: the same two tags.
        assert next(csv.reader([cell], skipinitialspace=True)) == [
            "Amis, famille",
            "VIP",
        ]
