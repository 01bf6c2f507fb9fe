"""Checking one row of an import file and turning it into a staged record.

A row with any error is rejected whole and reported (line, column, reason);
it is never imported. Checks needing the database (the suppression list,
an email already seen in an earlier chunk) run per chunk in ``upsert``.
"""

import csv
import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import YEAR_UNKNOWN, Consent, Gender, normalise_locale
from .mapping import ATTRIBUTE_PREFIX, CONSENT_TARGETS, FIELDS, IGNORE, MAILCHIMP
from .reader import parse_date, parse_datetime

# Reasons, as written in the rejected rows report.
INVALID_EMAIL = _("Invalid email address")
NO_EMAIL = _("No email address")
UNKNOWN_ATTRIBUTE = _("Unknown attribute “%(key)s”: HQ has not declared it")
INVALID_DATE = _("Invalid date “%(value)s” (use dd/mm/yyyy or yyyy-mm-dd)")
INVALID_DATE_MONTH_FIRST = _(
    "Invalid date “%(value)s”: this file's dates in this column are read month "
    "first (MM/DD)"
)
INVALID_DATE_DAY_FIRST = _(
    "Invalid date “%(value)s”: this file's dates in this column are read day "
    "first (DD/MM)"
)
OPTIN_EVIDENCE = _("%(source)s; opted in %(time)s")
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
# A birthday without a year (Mailchimp's ``MM/DD``) is stored in
# ``YEAR_UNKNOWN`` (see ``contacts.models``).
NO_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})$")
# ISO 8601's ``--MM-DD``, as our own exports write a birthday without a year
# (the CSV with a leading ``'`` that keeps spreadsheets from computing it).
ISO_NO_YEAR = re.compile(r"^'?--(\d{2})-(\d{2})$")
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


#: ``dd/mm`` or ``mm/dd``, with or without a year: the dates whose order a
#: Mailchimp export leaves to its audience's settings.
SHORT_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})((?:[/.-]\d{2,4})?)$")


@dataclass
class DateOrder:
    """How one column's ``dd/mm`` dates are read, decided once for the whole
    file (never row by row, so one file never mixes both readings).

    ``basis``: ``"day"`` (a first number over 12, on ``line``, decides: day
    first), ``"month"`` (a second number over 12: month first),
    ``"ambiguous"`` (no value tells: the export's convention) or ``"mixed"``
    (values of both kinds, ``line`` month first and ``other_line`` day first:
    the convention, and the rows it cannot read are rejected).
    """

    month_first: bool
    basis: str
    line: int = 0
    value: str = ""
    other_line: int = 0
    other_value: str = ""


class DateOrderEvidence:
    """What a column's values tell of their order, fed row by row
    (``add``), for ``order()`` once the whole file was read."""

    def __init__(self):
        self.day_first_at = self.month_first_at = None
        #: Whether any ``dd/mm`` cell was seen (ISO dates need no order).
        self.seen = False

    def add(self, line, value):
        """Take one cell; ``True`` once both orders were seen (no need for
        more)."""
        if isinstance(value, str) and (match := SHORT_DATE.match(value.strip())):
            self.seen = True
            first, second = int(match[1]), int(match[3])
            if first > 12 >= second and self.day_first_at is None:
                self.day_first_at = (line, value.strip())
            elif second > 12 >= first and self.month_first_at is None:
                self.month_first_at = (line, value.strip())
        # An Excel date cell, or another shape: no order to learn.
        return bool(self.day_first_at and self.month_first_at)

    def order(self, month_first_by_default=True):
        if self.day_first_at and self.month_first_at:
            return DateOrder(
                month_first_by_default,
                "mixed",
                *self.month_first_at,
                *self.day_first_at,
            )
        if self.day_first_at:
            return DateOrder(False, "day", *self.day_first_at)
        if self.month_first_at:
            return DateOrder(True, "month", *self.month_first_at)
        return DateOrder(month_first_by_default, "ambiguous")


def decide_date_order(rows, *, month_first_by_default=True):
    """The ``DateOrder`` of a column from ``(line, cell)`` of every row."""
    evidence = DateOrderEvidence()
    for line, value in rows:
        if evidence.add(line, value):
            break
    return evidence.order(month_first_by_default)


def day_first_text(value):
    """``07/14`` → ``14/07``, ``07/14/1985`` → ``14/07/1985``: a month-first
    date as the day-first readers read it; anything else as it is."""
    if not isinstance(value, str):
        return value
    match = SHORT_DATE.match(value.strip())
    if match is None:
        return value
    first, separator, second, year = match.groups()
    return f"{second}{separator}{first}{year}"


YES = {"yes", "y", "oui", "o", "ja", "j", "true", "vrai", "waar", "1", "x"}
NO = {"no", "n", "non", "nee", "neen", "nein", "false", "faux", "onwaar", "0"}

#: Staged consent values besides ``Consent``'s, resolved by the upsert against
#: the stored contact: an empty cell keeps the stored consent (a new contact
#: has none); a "no" withdraws a consent given or pending, and leaves a
#: contact without consent as it is (a new one is added without consent).
CONSENT_KEEP = ""
CONSENT_REFUSED = "refused"
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
    **dict.fromkeys(
        NO
        | {
            "none",
            "aucun",
            "geen",
            "refused",
            "declined",
            "refusé",
            "refuse",
            "geweigerd",
        },
        CONSENT_REFUSED,
    ),
    "": CONSENT_KEEP,
}
# Civilities, read without case, dots or spaces ("M.", "Mme", "Dhr.", "MR").
CIVILITY_VALUES = {
    **dict.fromkeys(
        {
            "mme",
            "madame",
            "mlle",
            "mademoiselle",
            "mrs",
            "ms",
            "miss",
            "mevr",
            "mevrouw",
            "mw",
            "mej",
            "juffrouw",
            "frau",
        },
        Gender.FEMALE,
    ),
    **dict.fromkeys(
        {"m", "mr", "monsieur", "dhr", "deheer", "heer", "meneer", "hr", "herr"},
        Gender.MALE,
    ),
    "mx": Gender.OTHER,
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
    value: str = ""  # the cell as written in the file


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


# Positions in the staged record (RECORD_FIELDS), then in the row's working
# slots after it, which ``finish()`` reads into the consents.
SLOT = {name: i for i, name in enumerate(RECORD_FIELDS)}
SLOT.update(
    {
        name: len(RECORD_FIELDS) + i
        for i, name in enumerate(("email_withdrawn", "sms_withdrawn", "email_optin_at"))
    }
)
#: Distinct cell texts a per-column cache keeps (dates, consents, tags repeat
#: across rows; a file of unique values only fills it once).
CACHE_LIMIT = 50_000
#: Columns whose few distinct values are worth remembering.
REPEATING = {"email_consent", "sms_consent", "gender", "locale"}
WITHDRAWN = {"email_withdrawn", "sms_withdrawn"}


class RowValidator:
    """Checks rows against a mapping; ``validate()`` gives a record and tags,
    or the row's rejections.

    The mapping is compiled once into one check per mapped column, each
    writing its slot of the record, and the checks of values that repeat
    (dates, consents, genders, tags) remember their answers: an import
    checks 100,000 rows, so the per-row work is kept to what each cell
    needs.
    """

    def __init__(
        self,
        header,
        mapping,
        definitions,
        *,
        default_source,
        now,
        origin="",
        consent_confirmed=False,
        withdrawal_sources=None,
        date_orders=None,
    ):
        """``origin``: the tool that exported the file (``mapping``'s
        constants); ``consent_confirmed``: the user confirmed that the
        file's rows gave email consent (a row without a consent cell saying
        otherwise, or a withdrawal, is imported with email consent);
        ``withdrawal_sources``: ``{channel: source}`` of the consents a
        withdrawal column withdraws (default: ``default_source``);
        ``date_orders``: ``{column index: DateOrder}``, decided from the
        whole file (``decide_date_order``) for any file's date columns
        (without one, a Mailchimp export's birthdays are read month first,
        its convention; other files' dates day first)."""
        self.header = header
        self.date_orders = dict(date_orders or {})
        if origin.startswith(MAILCHIMP):
            for index, target in enumerate(mapping):
                if target == "birthday":
                    self.date_orders.setdefault(index, DateOrder(True, "ambiguous"))
        self.definitions = definitions  # {key: AttributeDefinition}
        self.default_source = default_source
        self.now = now
        self.columns = [(i, t) for i, t in enumerate(mapping) if t != IGNORE]
        self.mapped = {t for _i, t in self.columns}
        self.tz = timezone.get_current_timezone()
        # Times without a zone: Mailchimp writes them in UTC; other files in
        # the site's time.
        self.naive_tz = datetime.UTC if origin.startswith(MAILCHIMP) else self.tz
        self.this_year = timezone.now().year
        self._caches = {}
        self.steps = [
            (
                index,
                target,
                self.label(index, target),
                self._check_for(target, self.date_orders.get(index)),
            )
            for index, target in self.columns
        ]
        self.consent_confirmed = consent_confirmed
        # A withdrawn row's source says why (Brevo's blocklist...): never the
        # confirmed consent's, whatever the user confirmed for the others.
        self.withdrawal_sources = {
            channel: (withdrawal_sources or {}).get(channel) or default_source
            for channel in ("email", "sms")
        }
        #: The channels whose consent the file gives (so the import writes it).
        self.consent_channels = {
            channel
            for channel, targets in CONSENT_TARGETS.items()
            if self.mapped & set(targets)
        }
        if consent_confirmed:
            self.consent_channels.add("email")
        # A row's record before its cells are read: no consent for a channel
        # the file says nothing of (a new contact has none), else "keep".
        self.blank = [None, None, None, "", "", "", None, None, "", "", None]
        for channel in ("email", "sms"):
            status = CONSENT_KEEP if channel in self.consent_channels else Consent.NONE
            self.blank += [status, None, None]
        self.blank += [None, None, None]  # withdrawn (email, SMS), opt-in date
        self.missing = []
        if "email" not in self.mapped:
            self.missing.append((0, str(FIELDS["email"]), str(NO_EMAIL)))

    def label(self, index, target):
        name = self.header[index] if index < len(self.header) else ""
        return name or str(FIELDS.get(target, target))

    # -- One check per column ----------------------------------------------
    #
    # A check takes the row's state (record list, attributes dict, tags
    # list in a one-item list) and the cell; it writes its slot or raises
    # _Invalid. Blank cells leave the default, except for the email, which
    # every row needs, and a consent, where a blank cell means "keep".

    def _check_for(self, target, date_order=None):
        if target.startswith(ATTRIBUTE_PREFIX):
            key = target[len(ATTRIBUTE_PREFIX) :]
            definition = self.definitions.get(key)
            read = attribute_value
            if date_order is not None:
                read = partial(self._in_order, attribute_value, date_order)

            def check_attribute(record, attributes, tags, value):
                if _blank(value):
                    return
                if definition is None:
                    raise _Invalid(UNKNOWN_ATTRIBUTE % {"key": key})
                attributes[key] = read(definition, value)

            return check_attribute
        if target == "tags":
            tags_of = self._cached(target, self.tags)

            def check_tags(record, attributes, tags, value):
                if not _blank(value):
                    tags[0] = tags_of(value)

            return check_tags
        slot = SLOT.get(target)
        if target == "civility":
            civility_of = self._cached(target, self.civility)
            gender = SLOT["gender"]

            def check_civility(record, attributes, tags, value):
                # A gender column wins; an unknown civility is no error.
                if not record[gender] and not _blank(value):
                    record[gender] = civility_of(value)

            return check_civility
        if target == "email":
            convert = self.email
        elif target == "birthday":
            birthday = self.birthday
            if date_order is not None:
                birthday = partial(self._in_order, self.birthday, date_order)
            convert = self._cached(target, birthday)
        elif target in ("email_consent_at", "sms_consent_at", "email_optin_at"):
            convert = self._cached(target, self.consent_moment)
        elif target in WITHDRAWN:
            convert = self._cached(target, self.withdrawal)
        elif target in REPEATING:
            convert = self._cached(target, partial(self.field_value, target))
        else:
            convert = partial(self.text, MAX_LENGTHS.get(target))
        keep_blank = target in ("email", "email_consent", "sms_consent")

        def check_field(record, attributes, tags, value):
            if keep_blank or not _blank(value):
                record[slot] = convert(value)

        return check_field

    @staticmethod
    def _in_order(convert, date_order, *args):
        """``convert`` (its last argument the cell) reading the column's
        dates in the file's order; an invalid date's reason names it."""
        *rest, value = args
        if date_order.month_first:
            value = day_first_text(value)
        try:
            return convert(*rest, value)
        except _Invalid:  # a date column's only error: an invalid date
            reason = (
                INVALID_DATE_MONTH_FIRST
                if date_order.month_first
                else INVALID_DATE_DAY_FIRST
            )
            raise _Invalid(reason % {"value": args[-1]}) from None

    def _cached(self, name, convert):
        """``convert`` remembering its answers (and its refusals) by cell."""
        answers = self._caches.setdefault(name, {})

        def cached(value):
            try:
                answer = answers[value]
            except KeyError:
                try:
                    answer = convert(value)
                except _Invalid as invalid:
                    answer = invalid
                if len(answers) < CACHE_LIMIT:
                    answers[value] = answer
            except TypeError:  # an unhashable cell: never from our readers
                return convert(value)
            if isinstance(answer, _Invalid):
                raise answer
            return answer

        return cached

    def validate(self, line, cells):
        record = self.blank.copy()
        record[0] = line
        attributes = {}
        tags = [()]
        errors = None
        count = len(cells)
        for index, _target, label, check in self.steps:
            value = cells[index] if index < count else ""
            try:
                check(record, attributes, tags, value)
            except _Invalid as invalid:
                if errors is None:
                    errors = []
                errors.append(
                    Rejection(line, label, str(invalid.reason), _text(str(value)))
                )
        if self.missing:
            errors = errors or []
            for position, label, reason in self.missing:
                rejection = Rejection(line, label, reason)
                if position is None:
                    errors.append(rejection)
                else:
                    errors.insert(position, rejection)
        if errors:
            return None, (), errors
        # The tags as a tuple: the chunk keeps them until it is written, and
        # tuples of strings cost the garbage collector nothing.
        return self.finish(record, attributes), tags[0], ()

    def finish(self, record, attributes):
        """The staged record (a tuple in RECORD_FIELDS' order)."""
        record[2] = hashlib.sha256(record[1].encode()).hexdigest()
        birthday = record[6]
        if birthday is not None:
            record[7] = birthday.month
        record[10] = json.dumps(attributes, ensure_ascii=False) if attributes else "{}"
        for channel, status, at, source, withdrawn in (
            ("email", 11, 12, 13, 17),
            ("sms", 14, 15, 16, 18),
        ):
            if record[withdrawn] is not None:
                # Unsubscribed or blocklisted: never imported as given,
                # whatever else the row says; when, if the file tells; the
                # source names the withdrawal, not a consent column's source.
                record[status] = Consent.WITHDRAWN
                if record[withdrawn] is not True and record[at] is None:
                    record[at] = record[withdrawn]
                record[source] = self.withdrawal_sources[channel]
            elif (
                status == 11
                and self.consent_confirmed
                and record[status] == CONSENT_KEEP
            ):
                record[status] = Consent.GRANTED
            if record[status] == CONSENT_KEEP:
                # No consent in this row: nothing of it is written.
                record[at], record[source] = None, ""
            elif record[status] == Consent.NONE:
                record[source] = record[source] or ""
            else:
                if status == 11 and record[19] is not None:
                    self.opted_in(record, record[19])
                # Without a date in the file: the import's time, a marker the
                # upsert recognises so an unchanged consent keeps its date.
                if record[at] is None:
                    record[at] = self.now
                record[source] = record[source] or self.default_source
        del record[17:]
        return tuple(record)

    def opted_in(self, record, moment):
        """The opt-in date of a consent given (or pending): the consent's
        date when the file gives no other (a confirmation's), else kept as
        evidence in its source."""
        if record[11] not in (Consent.GRANTED, Consent.PENDING):
            return
        if record[12] is None:
            record[12] = moment
        elif record[12] != moment and not record[13]:
            record[13] = str(
                OPTIN_EVIDENCE
                % {
                    "source": self.default_source,
                    "time": utc_text(moment),
                }
            )[: MAX_LENGTHS["email_consent_source"]]

    # -- Conversions ---------------------------------------------------------

    def tags(self, value):
        text = _text(value)
        if '"' in text:
            # Mailchimp's: "VIP","Lille centre" (commas inside quotes kept).
            names = next(csv.reader([text], skipinitialspace=True), [])
        else:
            names = TAG_SEPARATORS.split(text)
        tags = []
        for name in names:
            name = name.strip()
            if not name:
                continue
            if len(name) > TAG_MAX_LENGTH:
                raise _Invalid(TOO_LONG % {"max": TAG_MAX_LENGTH})
            if name not in tags:
                tags.append(name)
        return tuple(tags)

    def email(self, value):
        email = value.strip().lower() if type(value) is str else _text(value).lower()
        if len(email) <= 254 and PLAIN_EMAIL.match(email):
            return email  # the usual address: one regex
        if not email:
            raise _Invalid(NO_EMAIL)
        if len(email) > 254 or not EMAIL_SHAPE.match(email):
            raise _Invalid(INVALID_EMAIL)
        try:
            validate_email(email)
        except ValidationError:
            raise _Invalid(INVALID_EMAIL) from None
        return email

    def birthday(self, value):
        try:
            day = parse_date(value)
        except ValueError:
            return self.birthday_without_year(value)
        if day and not (1900 <= day.year <= self.this_year):
            raise _Invalid(INVALID_DATE % {"value": value})
        return day

    def birthday_without_year(self, value):
        """``dd/mm``, in the year ``YEAR_UNKNOWN`` (a Mailchimp column read
        month first arrives here turned day first: ``_in_order``)."""
        text = value.strip() if isinstance(value, str) else ""
        if match := ISO_NO_YEAR.match(text):
            month, day = (int(n) for n in match.groups())
        elif match := NO_YEAR.match(text):
            day, month = (int(n) for n in match.groups())
        else:
            raise _Invalid(INVALID_DATE % {"value": value})
        try:
            return datetime.date(YEAR_UNKNOWN, month, day)
        except ValueError:
            raise _Invalid(INVALID_DATE % {"value": value}) from None

    def civility(self, value):
        key = re.sub(r"[\s.]+", "", _text(value).lower())
        return CIVILITY_VALUES.get(key, "")

    def withdrawal(self, value):
        """``True`` (yes), a datetime (when), ``None`` (no) or ``_Invalid``."""
        text = _text(value).lower()
        if text in YES:
            return True
        if text in NO or not text:
            return None
        try:
            return self.consent_moment(value)
        except _Invalid:
            raise _Invalid(INVALID_VALUE % {"value": _text(value)}) from None

    def consent_moment(self, value):
        try:
            moment = parse_datetime(value)
        except ValueError:
            raise _Invalid(INVALID_DATE % {"value": value}) from None
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, self.naive_tz)
        return moment

    def field_value(self, target, value):
        text = _text(value)
        if target in ("email_consent", "sms_consent"):
            consent = CONSENT_VALUES.get(text.lower())
            if consent is None:
                raise _Invalid(INVALID_VALUE % {"value": text})
            return consent
        if target == "gender":
            gender = GENDER_VALUES.get(text.lower())
            if gender is None:
                raise _Invalid(INVALID_VALUE % {"value": text})
            return gender
        if target == "locale":
            text = normalise_locale(text)
        return self.text(MAX_LENGTHS.get(target), text)

    def text(self, limit, value):
        text = value.strip() if type(value) is str else _text(value)
        if limit and len(text) > limit:
            raise _Invalid(TOO_LONG % {"max": limit})
        return text


def utc_text(moment):
    """A time as consent sources and reports write it: ISO 8601 in UTC, and
    saying so (``2023-02-02 08:01:12 UTC``), never a naive local time."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _blank(value):
    return value == "" or (type(value) is str and value.isspace())
