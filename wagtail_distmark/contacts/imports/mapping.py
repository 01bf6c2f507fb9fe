"""Column mapping: which contact field each column of the file fills.

A mapping is a list with one target per column: a contact field name, a
custom attribute as ``attr:<key>``, or ``""`` for a column left out.
Header names are recognised in English, French and Dutch, with or without
accents, case, spaces, dashes or underscores.
"""

import re
import unicodedata

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
    "civility": _("Civility (Mr, Mrs…): fills the gender"),
    "phone": _("Phone"),
    "tags": _("Tags"),
    "email_consent": _("Email consent"),
    "email_consent_at": _("Email consent date"),
    "email_consent_source": _("Email consent source"),
    "email_optin_at": _("Email opt-in date"),
    "email_withdrawn": _("Email unsubscribed or blocklisted (yes or a date)"),
    "sms_consent": _("SMS consent"),
    "sms_consent_at": _("SMS consent date"),
    "sms_consent_source": _("SMS consent source"),
    "sms_withdrawn": _("SMS unsubscribed or blocklisted (yes or a date)"),
}

#: The contact field each target writes, when it is not the target itself:
#: a user may map a column to a target only if they see that field.
FIELD_OF = {
    "civility": "gender",
    "email_optin_at": "email_consent_at",
    "email_withdrawn": "email_consent",
    "sms_withdrawn": "sms_consent",
}

#: Targets that carry a channel's consent (a column for any of them means
#: the import writes that channel's consent).
CONSENT_TARGETS = {
    "email": ("email_consent", "email_withdrawn"),
    "sms": ("sms_consent", "sms_withdrawn"),
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
    "gender": ["gender", "sex", "genre", "sexe", "geslacht"],
    "civility": [
        "civility",
        "civilite",
        "title",
        "titre",
        "salutation",
        "aanhef",
        "titel",
        "aanspreking",
    ],
    "phone": [
        "phone",
        "telephone",
        "mobile",
        "phone number",
        "mobile number",
        "mobile phone",
        "tel",
        "portable",
        "numero de telephone",
        "telefoon",
        "gsm",
        "telefoonnummer",
        "mobiel",
        "gsm nummer",
        # Brevo's mobile number (its SMS consent is SMS_BLACKLISTED).
        "sms",
    ],
    "tags": ["tags", "tag", "etiquettes", "etiquette", "labels", "label"],
    "email_consent": [
        "consent",
        "email consent",
        "consent email",
        "consent e mail",
        "opt in",
        "optin",
        "email opt in",
        "email optin",
        "opt in email",
        "newsletter",
        "consentement",
        "consentement email",
        "consentement e mail",
        "consentement newsletter",
        "toestemming",
        "toestemming email",
        "toestemming e mail",
        "nieuwsbrief",
    ],
    "email_consent_at": [
        "consent date",
        "email consent date",
        "date du consentement",
        "date consentement",
        "datum toestemming",
        "toestemming datum",
        # Mailchimp: when a double opt-in was confirmed.
        "confirm time",
        "confirmation date",
        "date de confirmation",
        "bevestigingsdatum",
    ],
    "email_optin_at": [
        "optin time",
        "opt in time",
        "optin date",
        "opt in date",
        "date optin",
        "date opt in",
        "opt in datum",
    ],
    "email_withdrawn": [
        "email blacklisted",
        "email blocklisted",
        "blacklisted",
        "blocklisted",
        "unsubscribed",
        "unsub time",
        "unsubscribe date",
        "unsubscribed at",
        "email opt out",
        "opt out",
        "optout",
        "desinscrit",
        "desinscription",
        "date de desinscription",
        "afgemeld",
        "uitgeschreven",
        "afmelddatum",
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
    "sms_consent": ["sms consent", "consentement sms", "toestemming sms"],
    "sms_consent_at": ["sms consent date", "date consentement sms"],
    "sms_consent_source": ["sms consent source", "source consentement sms"],
    "sms_withdrawn": ["sms blacklisted", "sms blocklisted", "sms opt out"],
}

# Words that make an otherwise unknown column a consent column
# ("Newsletter (oui/non)", "opt_in_mail", "Accord newsletter").
CONSENT_WORDS = {
    "consent",
    "consentement",
    "toestemming",
    "optin",
    "newsletter",
    "nieuwsbrief",
}
DATE_WORDS = {"date", "datum", "time", "at", "le", "op"}
NOT_CONSENT_WORDS = {"source", "bron", "origine", "ip", "out", "optout"}


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


def consent_by_words(normalised):
    """A consent target for a column whose name speaks of consent in other
    words (``"Newsletter (oui/non)"``, ``"opt_in_mail"``), else ``IGNORE``."""
    words = set(normalised.replace("opt in", "optin").split())
    if not words & CONSENT_WORDS or words & NOT_CONSENT_WORDS:
        return IGNORE
    channel = "sms" if "sms" in words else "email"
    return f"{channel}_consent_at" if words & DATE_WORDS else f"{channel}_consent"


def auto_map(header, attribute_keys=()):
    """The target of each column, guessed from its name.

    A column is recognised by a field's name in English, French or Dutch, by
    a declared attribute's key, or, for consent, by words that speak of it.
    Any other column is left out (the user may map it on the mapping page),
    as are empty header cells. When two columns name one field, the first
    wins.
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
            target = consent_by_words(normalised)
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


# -- Exports of other tools -----------------------------------------------------

MAILCHIMP = "mailchimp"
MAILCHIMP_UNSUBSCRIBED = "mailchimp-unsubscribed"
MAILCHIMP_CLEANED = "mailchimp-cleaned"
BREVO = "brevo"

#: Exports whose rows gave email consent as a whole (the user confirms it on
#: the mapping page), with what the user confirms.
CONSENT_CONFIRMATIONS = {
    MAILCHIMP: _("These are Mailchimp subscribed members: they gave email consent"),
    BREVO: _(
        "These Brevo contacts gave email consent, except those blocklisted for email"
    ),
}
ORIGIN_NAMES = {
    MAILCHIMP: _("Mailchimp export of subscribed members"),
    MAILCHIMP_UNSUBSCRIBED: _("Mailchimp export of unsubscribed members"),
    MAILCHIMP_CLEANED: _("Mailchimp export of cleaned members"),
    BREVO: _("Brevo export"),
}

_MAILCHIMP_COLUMNS = {"member rating", "optin time", "confirm time", "leid", "euid"}


def detect_origin(header):
    """Which tool exported the file, from its columns: one of the constants
    above, or ``""``."""
    names = {normalise_header(name) for name in header}
    if "email address" in names and len(names & _MAILCHIMP_COLUMNS) >= 2:
        if "unsub time" in names:
            return MAILCHIMP_UNSUBSCRIBED
        if "clean time" in names:
            return MAILCHIMP_CLEANED
        return MAILCHIMP
    if "email" in names and names & {"email blacklisted", "sms blacklisted"}:
        return BREVO
    return ""
