"""Column mapping: which contact field each column of the file fills.

A mapping is a list with one target per column: a contact field name, a
custom attribute as ``attr:<key>``, or ``""`` for a column left out.
Header names are recognised in English, French and Dutch, with or without
accents, case, spaces, dashes or underscores.
"""

import re
import unicodedata

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

IGNORE = ""
ATTRIBUTE_PREFIX = "attr:"

#: The contact fields a column may fill, with their labels.
FIELDS = {
    "email": _("Email"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "locale": _("Language"),
    "birthday": _("Birthday"),
    "gender": _("Gender"),
    "phone": _("Phone"),
    "tags": _("Tags"),
    "email_consent": _("Email consent"),
    "email_consent_at": _("Email consent date"),
    "email_consent_source": _("Email consent source"),
    "sms_consent": _("SMS consent"),
    "sms_consent_at": _("SMS consent date"),
    "sms_consent_source": _("SMS consent source"),
}

SYNONYMS = {
    "email": [
        "email",
        "e mail",
        "mail",
        "email address",
        "e mail address",
        "courriel",
        "adresse email",
        "adresse e mail",
        "adresse mail",
        "adresse courriel",
        "mel",
        "e mailadres",
        "emailadres",
        "mailadres",
    ],
    "first_name": ["first name", "firstname", "given name", "prenom", "voornaam"],
    "last_name": [
        "last name",
        "lastname",
        "surname",
        "family name",
        "name",
        "nom",
        "nom de famille",
        "achternaam",
        "familienaam",
        "naam",
    ],
    "locale": ["locale", "language", "langue", "taal"],
    "birthday": [
        "birthday",
        "birth date",
        "birthdate",
        "date of birth",
        "dob",
        "date de naissance",
        "naissance",
        "anniversaire",
        "geboortedatum",
        "verjaardag",
    ],
    "gender": ["gender", "sex", "genre", "sexe", "civilite", "geslacht"],
    "phone": [
        "phone",
        "telephone",
        "mobile",
        "phone number",
        "tel",
        "portable",
        "telefoon",
        "gsm",
        "telefoonnummer",
        "mobiel",
    ],
    "tags": ["tags", "tag", "etiquettes", "etiquette", "labels", "label"],
    "email_consent": [
        "consent",
        "email consent",
        "opt in",
        "optin",
        "newsletter",
        "consentement",
        "consentement email",
        "consentement e mail",
        "toestemming",
        "toestemming email",
        "toestemming e mail",
    ],
    "email_consent_at": [
        "consent date",
        "email consent date",
        "date du consentement",
        "date consentement",
        "datum toestemming",
        "toestemming datum",
    ],
    "email_consent_source": [
        "consent source",
        "email consent source",
        "source",
        "source du consentement",
        "origine",
        "bron",
        "bron toestemming",
    ],
    "sms_consent": ["sms consent", "consentement sms", "toestemming sms", "sms"],
    "sms_consent_at": ["sms consent date", "date consentement sms"],
    "sms_consent_source": ["sms consent source", "source consentement sms"],
}


def normalise_header(name):
    """``"Date de naissance"``, ``"date_de_naissance"`` → ``"date de naissance"``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_LOOKUP = {
    normalise_header(synonym): field
    for field, synonyms in SYNONYMS.items()
    for synonym in [field, *synonyms]
}


def attribute_target(key):
    return f"{ATTRIBUTE_PREFIX}{key}"


def auto_map(header, attribute_keys=()):
    """The target of each column, guessed from its name.

    A column named like no field is taken for a custom attribute of that name
    (``Loyalty level`` → ``attr:loyalty_level``); when HQ declared no such
    attribute its values are rejected as an unknown attribute, unless the
    user leaves the column out. Empty header cells are left out.
    """
    keys = {normalise_header(k): k for k in attribute_keys}
    mapping, used = [], set()
    for name in header:
        normalised = normalise_header(name)
        target = IGNORE
        if normalised in keys:
            target = attribute_target(keys[normalised])
        elif normalised in _LOOKUP:
            target = _LOOKUP[normalised]
        elif normalised:
            target = attribute_target(slugify(normalised).replace("-", "_"))
        if target in used:
            target = IGNORE  # the first column wins
        used.add(target)
        mapping.append(target)
    return mapping


def apply_overrides(header, mapping, overrides):
    """``overrides`` is ``{column name: target}``; ``"-"`` leaves a column out."""
    mapping = list(mapping)
    by_name = {normalise_header(h): i for i, h in enumerate(header)}
    for column, target in overrides.items():
        index = by_name.get(normalise_header(column))
        if index is None:
            raise ValueError(column)
        mapping[index] = IGNORE if target in ("-", "") else target
    return mapping


def target_choices(attribute_definitions, mapping=()):
    """Choices for a column's select: fields, declared attributes, and any
    undeclared attribute already in ``mapping`` (so it shows as such)."""
    choices = [(IGNORE, _("— Leave out —"))]
    choices += list(FIELDS.items())
    declared = set()
    for definition in attribute_definitions:
        declared.add(attribute_target(definition.key))
        choices.append(
            (
                attribute_target(definition.key),
                _("Attribute: %(label)s") % {"label": definition.label},
            )
        )
    for target in mapping:
        if target.startswith(ATTRIBUTE_PREFIX) and target not in declared:
            choices.append(
                (
                    target,
                    _("Unknown attribute: %(key)s")
                    % {"key": target[len(ATTRIBUTE_PREFIX) :]},
                )
            )
            declared.add(target)
    return choices


def is_valid_target(target):
    return (
        target == IGNORE
        or target in FIELDS
        or (target.startswith(ATTRIBUTE_PREFIX) and len(target) > len(ATTRIBUTE_PREFIX))
    )
