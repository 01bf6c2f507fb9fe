import datetime

import pytest
from django.utils import timezone

from wagtail_distmark.contacts.imports.validation import RowValidator, attribute_value
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
    assert tags == ["vip", "fidèle"]
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
