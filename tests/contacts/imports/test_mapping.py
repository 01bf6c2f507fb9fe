import pytest

from wagtail_distmark.contacts.imports.mapping import (
    apply_overrides,
    auto_map,
    detect_origin,
    is_valid_target,
    normalise_header,
)


def test_french_headers():
    header = [
        "Courriel",
        "Prénom",
        "Nom",
        "Date de naissance",
        "Téléphone",
        "Consentement",
        "Étiquettes",
    ]
    assert auto_map(header) == [
        "email",
        "first_name",
        "last_name",
        "birthday",
        "phone",
        "email_consent",
        "tags",
    ]


def test_dutch_headers():
    header = [
        "E-mailadres",
        "Voornaam",
        "Achternaam",
        "Geboortedatum",
        "Geslacht",
        "Toestemming",
        "Bron",
    ]
    assert auto_map(header) == [
        "email",
        "first_name",
        "last_name",
        "birthday",
        "gender",
        "email_consent",
        "email_consent_source",
    ]


def test_english_headers_and_attributes():
    header = [
        "E-mail",
        "First name",
        "Last_Name",
        "Loyalty level",
        "Shoe size",
        "",
        "email",
    ]
    assert auto_map(header, ["loyalty_level"]) == [
        "email",
        "first_name",
        "last_name",
        "attr:loyalty_level",
        "",  # no field, no declared attribute: left out
        "",
        "",  # a second email column is left out
    ]


def test_overrides():
    header = ["mail", "notes"]
    mapping = apply_overrides(header, auto_map(header), {"Notes": "-", "MAIL": "email"})
    assert mapping == ["email", ""]
    with pytest.raises(ValueError):
        apply_overrides(header, mapping, {"nope": "email"})


def test_helpers():
    assert normalise_header("  Date_de-Naissance ") == "date de naissance"
    assert is_valid_target("attr:x") and is_valid_target("tags") and is_valid_target("")
    assert not is_valid_target("password") and not is_valid_target("attr:")


MAILCHIMP_HEADER = (
    '"Email Address","First Name","Last Name",Address,"Phone Number",Birthday,'
    "MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,"
    "GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS"
).replace('"', "")
BREVO_HEADER = (
    "CONTACT ID;EMAIL;FIRSTNAME;LASTNAME;SMS;LANDLINE_NUMBER;WHATSAPP;CIVILITY;"
    "DATE_DE_NAISSANCE;EXT_ID;ADDED_TIME;MODIFIED_TIME;EMAIL_BLACKLISTED;"
    "SMS_BLACKLISTED;LIST_IDS"
)


def mapped(header):
    return {name: t for name, t in zip(header, auto_map(header), strict=True) if t}


def test_a_mailchimp_export_is_recognised_and_mapped():
    header = MAILCHIMP_HEADER.split(",")
    assert detect_origin(header) == "mailchimp"
    assert mapped(header) == {
        "Email Address": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Phone Number": "phone",
        "Birthday": "birthday",
        "OPTIN_TIME": "email_optin_at",
        "CONFIRM_TIME": "email_consent_at",
        "TAGS": "tags",
    }
    unsubscribed = [*header, "UNSUB_TIME", "UNSUB_REASON"]
    assert detect_origin(unsubscribed) == "mailchimp-unsubscribed"
    assert mapped(unsubscribed)["UNSUB_TIME"] == "email_withdrawn"
    assert detect_origin([*header, "CLEAN_TIME"]) == "mailchimp-cleaned"


def test_a_brevo_export_is_recognised_and_mapped():
    header = BREVO_HEADER.split(";")
    assert detect_origin(header) == "brevo"
    assert mapped(header) == {
        "EMAIL": "email",
        "FIRSTNAME": "first_name",
        "LASTNAME": "last_name",
        "SMS": "phone",  # the mobile number, not an SMS consent
        "CIVILITY": "civility",
        "DATE_DE_NAISSANCE": "birthday",
        "EMAIL_BLACKLISTED": "email_withdrawn",
        "SMS_BLACKLISTED": "sms_withdrawn",
    }
    # A French Brevo account names its default attributes in French.
    assert mapped(["EMAIL", "PRENOM", "NOM", "EMAIL_BLACKLISTED"]) == {
        "EMAIL": "email",
        "PRENOM": "first_name",
        "NOM": "last_name",
        "EMAIL_BLACKLISTED": "email_withdrawn",
    }
    assert detect_origin(["email", "first name"]) == ""


@pytest.mark.parametrize(
    "name, target",
    [
        ("consent_email", "email_consent"),
        ("optin", "email_consent"),
        ("opt_in", "email_consent"),
        ("OPT-IN", "email_consent"),
        ("Newsletter", "email_consent"),
        ("Newsletter (oui/non)", "email_consent"),
        ("Accord newsletter", "email_consent"),
        ("consentement", "email_consent"),
        ("Consentement e-mail", "email_consent"),
        ("toestemming", "email_consent"),
        ("Nieuwsbrief", "email_consent"),
        ("toestemming_nieuwsbrief", "email_consent"),
        ("opt_in_mail", "email_consent"),
        ("Date opt-in newsletter", "email_consent_at"),
        ("SMS optin", "sms_consent"),
        ("newsletter_source", ""),
        ("opt-out", "email_withdrawn"),
        ("Désinscrit", "email_withdrawn"),
        ("Afgemeld", "email_withdrawn"),
        ("Civilité", "civility"),
        ("Aanhef", "civility"),
        ("Shoe size", ""),
    ],
)
def test_consent_and_other_columns_are_suggested_by_their_words(name, target):
    assert auto_map([name]) == [target]
