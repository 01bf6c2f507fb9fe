import pytest

from wagtail_distmark.contacts.imports.mapping import (
    apply_overrides,
    auto_map,
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
        "attr:shoe_size",  # undeclared: its values are rejected unless left out
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
