import datetime

import pytest
from django.utils import timezone

from wagtail_distmark.contacts.imports.validation import (
    DateOrder,
    RowValidator,
    attribute_value,
    decide_date_order,
)
from wagtail_distmark.contacts.models import AttributeDefinition, email_hash

NOW = timezone.now()


def validator(header, mapping, definitions=None):
    return RowValidator(
        header, mapping, definitions or {}, default_source="Import", now=NOW
    )


def test_a_valid_row_becomes_a_record():
    v = validator(
        ["mail", "prénom", "naissance", "consent", "tags"],
        ["email", "first_name", "birthday", "email_consent", "tags"],
    )
    record, tags, errors = v.validate(
        2, [" Anne@Example.FR ", "Anne", "14/07/1985", "Oui", "vip | fidèle,vip"]
    )
    assert errors == ()
    assert record[1:4] == ("anne@example.fr", email_hash("anne@example.fr"), "Anne")
    assert record[6:8] == (datetime.date(1985, 7, 14), 7)
    assert tags == ("vip", "fidèle")
    assert record[12] == NOW and record[13] == "Import"  # consent date and source


@pytest.mark.parametrize(
    "cells, field, reason",
    [
        (["not-an-email", "yes", ""], "mail", "Invalid email address"),
        (["a@b", "yes", ""], "mail", "Invalid email address"),
        (["", "yes", ""], "mail", "No email address"),
        (["a@example.com", "maybe", ""], "consent", "Invalid value"),
        (["a@example.com", "yes", "30/02/2000"], "birthday", "Invalid date"),
        (["a@example.com", "yes", "01/01/1850"], "birthday", "Invalid date"),
    ],
)
def test_rejections(cells, field, reason):
    v = validator(
        ["mail", "consent", "birthday"], ["email", "email_consent", "birthday"]
    )
    record, _tags, errors = v.validate(7, cells)
    assert record is None
    assert errors[0].line == 7 and errors[0].field == field
    assert errors[0].reason.startswith(reason)


def test_no_consent_column_keeps_rows_without_consent():
    record, _tags, errors = validator(["email"], ["email"]).validate(
        2, ["a@example.com"]
    )
    assert errors == ()
    assert record[11:14] == ("none", None, "")


@pytest.mark.parametrize(
    "cell, staged",
    [
        ("", ""),  # keep the stored consent
        ("  ", ""),
        ("non", "refused"),  # withdraw a consent given, else none
        ("Nee", "refused"),
        ("false", "refused"),
        ("0", "refused"),
        ("aucun", "refused"),
        ("oui", "granted"),
        ("désinscrit", "withdrawn"),
    ],
)
def test_consent_cells_are_never_a_rejection(cell, staged):
    v = validator(["email", "consent"], ["email", "email_consent"])
    record, _tags, errors = v.validate(2, ["a@example.com", cell])
    assert errors == ()
    assert record[11] == staged
    if staged:  # its date and source: the file's, else the import's
        assert record[12:14] == (NOW, "Import")
    else:
        assert record[12:14] == (None, "")


def test_unknown_attribute_only_with_a_value():
    v = validator(["email", "consent", "shoe"], ["email", "email_consent", "attr:shoe"])
    assert v.validate(2, ["a@example.com", "yes", ""])[2] == ()
    errors = v.validate(3, ["a@example.com", "yes", "42"])[2]
    assert errors[0].field == "shoe" and "Unknown attribute" in errors[0].reason


def test_attribute_types():
    def d(kind, choices=""):
        return AttributeDefinition(key="k", label="K", type=kind, choices=choices)

    assert attribute_value(d("number"), "1,5") == 1.5
    assert attribute_value(d("number"), "3") == 3
    assert attribute_value(d("boolean"), "Ja") is True
    assert attribute_value(d("date"), "14/07/1985") == "1985-07-14"
    assert attribute_value(d("choice", "Gold\nSilver"), "gold") == "Gold"
    assert attribute_value(d("text"), "=cmd()") == "=cmd()"
    for kind, value in [
        ("number", "lots"),
        ("boolean", "perhaps"),
        ("date", "x"),
        ("choice", "bronze"),
    ]:
        v = validator(
            ["email", "consent", "k"],
            ["email", "email_consent", "attr:k"],
            {"k": d(kind, "Gold")},
        )
        assert v.validate(2, ["a@example.com", "yes", value])[2][0].field == "k"


def test_long_values_and_gender():
    v = validator(
        ["email", "consent", "first", "gender"],
        ["email", "email_consent", "first_name", "gender"],
    )
    errors = v.validate(2, ["a@example.com", "yes", "x" * 101, "robot"])[2]
    assert [e.field for e in errors] == ["first", "gender"]
    record = v.validate(3, ["a@example.com", "yes", "A", "Femme"])[0]
    assert record[8] == "f"


def test_languages_are_normalised():
    v = validator(["email", "consent", "lang"], ["email", "email_consent", "locale"])
    record, _tags, errors = v.validate(2, ["a@example.com", "yes", " FR_be "])
    assert errors == () and record[5] == "fr-be"


def test_birthdays_without_a_year():
    header, mapping = ["email", "birthday"], ["email", "birthday"]
    mailchimp = RowValidator(
        header, mapping, {}, default_source="I", now=NOW, origin="mailchimp"
    )
    # An audience set to DD/MM, as the whole file showed (decide_date_order).
    day_first = RowValidator(
        header,
        mapping,
        {},
        default_source="I",
        now=NOW,
        origin="mailchimp",
        date_orders={1: DateOrder(False, "day", 5, "13/04")},
    )
    other = validator(header, mapping)
    for v, cell, expected in [
        (mailchimp, "03/14", datetime.date(1604, 3, 14)),  # Mailchimp: MM/DD
        (mailchimp, "02/29", datetime.date(1604, 2, 29)),
        (mailchimp, "04/03", datetime.date(1604, 4, 3)),
        (mailchimp, "07/14/1985", datetime.date(1985, 7, 14)),
        (day_first, "13/04", datetime.date(1604, 4, 13)),
        (day_first, "04/03", datetime.date(1604, 3, 4)),  # never row by row
        (other, "14/03", datetime.date(1604, 3, 14)),  # elsewhere day first
        (other, "04/03", datetime.date(1604, 3, 4)),
        # ISO 8601 without a year, as our exports write it (CSV: with a ')
        (other, "--03-14", datetime.date(1604, 3, 14)),
        (other, "'--03-14", datetime.date(1604, 3, 14)),
        (mailchimp, "--03-04", datetime.date(1604, 3, 4)),
    ]:
        record, _tags, errors = v.validate(2, ["a@example.com", cell])
        assert errors == (), cell
        assert record[6:8] == (expected, expected.month)
    for v, cell in [(mailchimp, "02/30"), (mailchimp, "13/13"), (other, "00/12")]:
        assert v.validate(2, ["a@example.com", cell])[2][0].field == "birthday"
    # A month-first file's day-first date is no date of the file's order.
    error = mailchimp.validate(2, ["a@example.com", "13/04"])[2][0]
    assert error.reason == (
        "Invalid date “13/04”: this file's dates in this column are read month "
        "first (MM/DD)"
    )
    error = day_first.validate(2, ["a@example.com", "03/14"])[2][0]
    assert error.reason.endswith("are read day first (DD/MM)")


def test_the_order_of_a_columns_dates_is_decided_from_all_of_them():
    def order(*cells):
        return decide_date_order(enumerate(cells, start=2))

    assert order("01/09", "", "14/03", "02/01") == DateOrder(False, "day", 4, "14/03")
    assert order("01/09", "03/14/1990") == DateOrder(True, "month", 3, "03/14/1990")
    assert order("01/09", "1985-07-14", datetime.date(1990, 1, 20)) == DateOrder(
        True, "ambiguous"
    )
    assert order("03/14", "12/12", "13/04") == DateOrder(
        True, "mixed", 2, "03/14", 4, "13/04"
    )


def test_quoted_tags_are_split_without_their_quotes():
    v = validator(["email", "tags"], ["email", "tags"])
    for cell, expected in [
        ('"VIP","Lille centre"', ["VIP", "Lille centre"]),
        ('"Amis, famille", "VIP"', ["Amis, famille", "VIP"]),
        ('"VIP"', ["VIP"]),
        ("vip, lille|x", ["vip", "lille", "x"]),
    ]:
        assert list(v.validate(2, ["a@example.com", cell])[1]) == expected


@pytest.mark.parametrize(
    "cell, gender",
    [
        ("M.", "m"),
        ("M", "m"),
        ("Mr", "m"),
        ("MR.", "m"),
        ("Monsieur", "m"),
        ("Dhr.", "m"),
        ("dhr", "m"),
        ("Mme", "f"),
        ("mme.", "f"),
        ("Mlle", "f"),
        ("Mrs", "f"),
        ("Ms", "f"),
        ("Mevr.", "f"),
        ("MEVR", "f"),
        ("Mx", "x"),
        ("Dr", ""),  # unknown: kept empty, never a rejection
        ("Me", ""),
        ("", ""),
    ],
)
def test_civilities_give_the_gender_and_never_reject(cell, gender):
    v = validator(["email", "civility"], ["email", "civility"])
    record, _tags, errors = v.validate(2, ["a@example.com", cell])
    assert errors == () and record[8] == gender


def test_a_gender_column_wins_over_a_civility():
    v = validator(["email", "civility", "gender"], ["email", "civility", "gender"])
    assert v.validate(2, ["a@example.com", "Mme", "m"])[0][8] == "m"
    assert v.validate(2, ["a@example.com", "Mme", ""])[0][8] == "f"


def test_withdrawal_columns_and_the_confirmed_consent():
    header = ["email", "consent", "blacklisted", "sms blacklisted"]
    mapping = ["email", "email_consent", "email_withdrawn", "sms_withdrawn"]
    v = RowValidator(
        header,
        mapping,
        {},
        default_source="Brevo",
        now=NOW,
        origin="brevo",
        consent_confirmed=True,
        withdrawal_sources={"email": "Brevo blocklist", "sms": "Brevo SMS blocklist"},
    )
    assert v.consent_channels == {"email", "sms"}

    def consents(*cells):
        record, _tags, errors = v.validate(2, ["a@example.com", *cells])
        assert errors == ()
        return record[11], record[14]

    assert consents("", "No", "No") == ("granted", "")  # confirmed; SMS kept
    assert consents("yes", "Yes", "") == ("withdrawn", "")  # never granted
    assert consents("non", "", "") == ("refused", "")
    assert consents("", "", "Yes") == ("granted", "withdrawn")
    record = v.validate(2, ["a@example.com", "", "2024-02-10 17:30:00", ""])[0]
    assert record[11:14] == (
        "withdrawn",
        timezone.make_aware(datetime.datetime(2024, 2, 10, 17, 30)),
        "Brevo blocklist",  # never the confirmed consent's source
    )
    record = v.validate(2, ["a@example.com", "yes", "Yes", "Yes"])[0]
    assert (record[13], record[16]) == ("Brevo blocklist", "Brevo SMS blocklist")
    assert v.validate(2, ["a@example.com", "", "No", ""])[0][13] == "Brevo"
    errors = v.validate(2, ["a@example.com", "", "perhaps", ""])[2]
    assert errors[0].field == "blacklisted" and "Invalid value" in errors[0].reason
    unconfirmed = validator(header[:3], mapping[:3])
    assert unconfirmed.consent_channels == {"email"}
    assert unconfirmed.validate(2, ["a@example.com", "", "No"])[0][11] == ""


def test_mailchimp_opt_in_and_confirmation_times_are_consent_evidence():
    header = ["Email Address", "OPTIN_TIME", "CONFIRM_TIME"]
    mapping = ["email", "email_optin_at", "email_consent_at"]
    v = RowValidator(
        header,
        mapping,
        {},
        default_source="Mailchimp",
        now=NOW,
        origin="mailchimp",
        consent_confirmed=True,
    )
    utc = datetime.UTC
    record = v.validate(
        2, ["a@example.com", "2023-02-02 08:01:12", "2023-02-02 08:01:47"]
    )[0]
    assert record[11:14] == (
        "granted",
        datetime.datetime(2023, 2, 2, 8, 1, 47, tzinfo=utc),  # Mailchimp's UTC
        "Mailchimp; opted in 2023-02-02 08:01:12 UTC",  # as in the file: UTC
    )
    record = v.validate(2, ["a@example.com", "2023-02-02 08:01:12", ""])[0]
    assert record[11:14] == (
        "granted",
        datetime.datetime(2023, 2, 2, 8, 1, 12, tzinfo=utc),
        "Mailchimp",
    )
    unconfirmed = RowValidator(
        header, mapping, {}, default_source="M", now=NOW, origin="mailchimp"
    )
    record = unconfirmed.validate(2, ["a@example.com", "2023-02-02 08:01:12", ""])[0]
    assert record[11:14] == ("none", None, "")
