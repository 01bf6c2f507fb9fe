"""Checking one row of an import file and turning it into a staged record.

A row with any error is rejected whole and reported (line, column, reason);
it is never imported. Checks needing the database (the suppression list,
an email already seen in an earlier chunk) run per chunk in ``upsert``.
"""

import datetime
import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Consent, Gender, email_hash, normalise_email
from .mapping import ATTRIBUTE_PREFIX, FIELDS, IGNORE
from .reader import parse_date, parse_datetime

# Reasons, as written in the rejected rows report.
INVALID_EMAIL = _("Invalid email address")
NO_EMAIL = _("No email address")
NO_CONSENT = _("No consent: the row gives no email consent")
UNKNOWN_ATTRIBUTE = _("Unknown attribute “%(key)s”: HQ has not declared it")
INVALID_DATE = _("Invalid date “%(value)s” (use dd/mm/yyyy or yyyy-mm-dd)")
INVALID_VALUE = _("Invalid value “%(value)s”")
TOO_LONG = _("Too long: at most %(max)s characters")
DUPLICATE = _("Duplicate: this email is already on line %(line)s")
SUPPRESSED = _("On the suppression list: this address may not be imported")

MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "locale": 10,
    "phone": 32,
    "email_consent_source": 255,
    "sms_consent_source": 255,
}
TAG_MAX_LENGTH = 64
TAG_SEPARATORS = re.compile(r"[,|]")
# A quick shape check before Django's full validator.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What Django's EmailValidator accepts for a lower-case ASCII dot-atom
# address with a host name: checked in one regex (Django's validator takes
# ~20 µs, as long as the rest of the row). Anything else (quoted local
# parts, IDN domains, IP literals) goes through Django's validator.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
PLAIN_EMAIL = re.compile(
    rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+(?!-)(?:[a-z-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)$"
)


YES = {"yes", "y", "oui", "o", "ja", "j", "true", "vrai", "waar", "1", "x"}
NO = {"no", "n", "non", "nee", "false", "faux", "onwaar", "0"}
CONSENT_VALUES = {
    **dict.fromkeys(
        YES
        | {
            "granted",
            "opt-in",
            "optin",
            "opted in",
            "subscribed",
            "accepté",
            "accepte",
            "inscrit",
            "akkoord",
            "ingeschreven",
        },
        Consent.GRANTED,
    ),
    **dict.fromkeys(
        {"pending", "double opt-in", "en attente", "in afwachting"}, Consent.PENDING
    ),
    **dict.fromkeys(
        {
            "withdrawn",
            "unsubscribed",
            "opt-out",
            "optout",
            "désinscrit",
            "desinscrit",
            "retiré",
            "retire",
            "afgemeld",
            "uitgeschreven",
        },
        Consent.WITHDRAWN,
    ),
    **dict.fromkeys(NO | {"none", "aucun", "geen", ""}, Consent.NONE),
}
GENDER_VALUES = {
    **dict.fromkeys(
        {"f", "female", "woman", "femme", "mme", "madame", "v", "vrouw", "mevrouw"},
        Gender.FEMALE,
    ),
    **dict.fromkeys(
        {"m", "male", "man", "homme", "h", "m.", "monsieur", "mr", "meneer", "dhr"},
        Gender.MALE,
    ),
    **dict.fromkeys({"x", "other", "autre", "ander", "anders"}, Gender.OTHER),
}

#: The staged record: the columns of the staging table, in order.
RECORD_FIELDS = (
    "line",
    "email",
    "email_hash",
    "first_name",
    "last_name",
    "locale",
    "birthday",
    "birthday_month",
    "gender",
    "phone",
    "attributes",
    "email_consent",
    "email_consent_at",
    "email_consent_source",
    "sms_consent",
    "sms_consent_at",
    "sms_consent_source",
)


@dataclass
class Rejection:
    line: int
    field: str
    reason: str


class _Invalid(Exception):
    def __init__(self, reason):
        self.reason = reason


def _text(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value.strip()


def attribute_value(definition, value):
    """A cell's value for a custom attribute, typed as HQ declared it."""
    from ..models import AttributeDefinition

    kind = definition.type
    if kind == AttributeDefinition.Type.DATE:
        try:
            return parse_date(value).isoformat()
        except ValueError:
            raise _Invalid(INVALID_DATE % {"value": value}) from None
    text = _text(value)
    if kind == AttributeDefinition.Type.NUMBER:
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            raise _Invalid(INVALID_VALUE % {"value": text}) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise _Invalid(INVALID_VALUE % {"value": text})
        return int(number) if number.is_integer() else number
    if kind == AttributeDefinition.Type.BOOLEAN:
        lowered = text.lower()
        if lowered in YES:
            return True
        if lowered in NO:
            return False
        raise _Invalid(INVALID_VALUE % {"value": text})
    if kind == AttributeDefinition.Type.CHOICE:
        choices = {c.lower(): c for c in definition.choice_list}
        if text.lower() not in choices:
            raise _Invalid(INVALID_VALUE % {"value": text})
        return choices[text.lower()]
    return text


class RowValidator:
    """Checks rows against a mapping; ``validate()`` gives a record and tags,
    or the row's rejections."""

    def __init__(self, header, mapping, definitions, *, default_source, now):
        self.header = header
        self.definitions = definitions  # {key: AttributeDefinition}
        self.default_source = default_source
        self.now = now
        self.columns = [(i, t) for i, t in enumerate(mapping) if t != IGNORE]
        self.mapped = {t for _i, t in self.columns}
        self.tz = timezone.get_current_timezone()

    def label(self, index, target):
        name = self.header[index] if index < len(self.header) else ""
        return name or str(FIELDS.get(target, target))

    def validate(self, line, cells):
        values = {}
        attributes = {}
        tags = []
        errors = []
        for index, target in self.columns:
            value = cells[index] if index < len(cells) else ""
            blank = value == "" or (isinstance(value, str) and not value.strip())
            if blank and target not in ("email", "email_consent"):
                continue
            try:
                if target.startswith(ATTRIBUTE_PREFIX):
                    key = target[len(ATTRIBUTE_PREFIX) :]
                    definition = self.definitions.get(key)
                    if definition is None:
                        raise _Invalid(UNKNOWN_ATTRIBUTE % {"key": key})
                    attributes[key] = attribute_value(definition, value)
                elif target == "tags":
                    tags = self.tags(_text(value))
                else:
                    values[target] = self.field_value(target, value)
            except _Invalid as invalid:
                errors.append(
                    Rejection(line, self.label(index, target), str(invalid.reason))
                )
        if "email" not in self.mapped:
            errors.insert(0, Rejection(line, str(FIELDS["email"]), str(NO_EMAIL)))
        if "email_consent" not in self.mapped:
            errors.append(
                Rejection(line, str(FIELDS["email_consent"]), str(NO_CONSENT))
            )
        if errors:
            return None, (), errors
        return self.record(line, values, attributes), tags, ()

    def tags(self, text):
        tags = []
        for name in TAG_SEPARATORS.split(text):
            name = name.strip()
            if not name:
                continue
            if len(name) > TAG_MAX_LENGTH:
                raise _Invalid(TOO_LONG % {"max": TAG_MAX_LENGTH})
            if name not in tags:
                tags.append(name)
        return tags

    def field_value(self, target, value):
        if target == "email":
            email = normalise_email(_text(value))
            if not email:
                raise _Invalid(NO_EMAIL)
            if len(email) > 254 or not EMAIL_SHAPE.match(email):
                raise _Invalid(INVALID_EMAIL)
            if email.isascii() and PLAIN_EMAIL.match(email):
                return email
            try:
                validate_email(email)
            except ValidationError:
                raise _Invalid(INVALID_EMAIL) from None
            return email
        if target == "birthday":
            try:
                day = parse_date(value)
            except ValueError:
                raise _Invalid(INVALID_DATE % {"value": value}) from None
            if day and not (1900 <= day.year <= timezone.now().year):
                raise _Invalid(INVALID_DATE % {"value": value})
            return day
        if target in ("email_consent_at", "sms_consent_at"):
            try:
                moment = parse_datetime(value)
            except ValueError:
                raise _Invalid(INVALID_DATE % {"value": value}) from None
            if moment is not None and timezone.is_naive(moment):
                moment = timezone.make_aware(moment, self.tz)
            return moment
        text = _text(value)
        if target in ("email_consent", "sms_consent"):
            consent = CONSENT_VALUES.get(text.lower())
            if consent is None:
                raise _Invalid(INVALID_VALUE % {"value": text})
            if consent == Consent.NONE and target == "email_consent":
                raise _Invalid(NO_CONSENT)
            return consent
        if target == "gender":
            gender = GENDER_VALUES.get(text.lower())
            if gender is None:
                raise _Invalid(INVALID_VALUE % {"value": text})
            return gender
        limit = MAX_LENGTHS.get(target)
        if limit and len(text) > limit:
            raise _Invalid(TOO_LONG % {"max": limit})
        return text

    def record(self, line, values, attributes):
        get = values.get
        birthday = get("birthday")
        email_consent = get("email_consent", Consent.NONE)
        sms_consent = get("sms_consent", Consent.NONE)
        return (
            line,
            values["email"],
            email_hash(values["email"]),
            get("first_name", ""),
            get("last_name", ""),
            get("locale", ""),
            birthday,
            birthday.month if birthday else None,
            get("gender", ""),
            get("phone", ""),
            json.dumps(attributes, ensure_ascii=False) if attributes else "{}",
            email_consent,
            self.consent_at(get("email_consent_at"), email_consent),
            get("email_consent_source") or self.consent_source(email_consent),
            sms_consent,
            self.consent_at(get("sms_consent_at"), sms_consent),
            get("sms_consent_source") or self.consent_source(sms_consent),
        )

    def consent_at(self, given, consent):
        # Without a date in the file: the import's time, a marker the upsert
        # recognises so an unchanged consent keeps its stored date.
        if given is not None:
            return given
        return self.now if consent != Consent.NONE else None

    def consent_source(self, consent):
        return self.default_source if consent != Consent.NONE else ""
