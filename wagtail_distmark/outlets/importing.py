"""Bulk import of outlets from a CSV file, as HQ gets them from spreadsheets.

``import_outlets()`` is the service; the ``distmark_import_outlets`` command is
a thin shell around it. Every row goes through the admin's ``OutletForm`` (so
the import accepts exactly what the admin accepts) and through the onboarding
actions (so an imported outlet is the same as one added by hand).

* A slug already in the database updates that outlet; a row that would change
  nothing is left alone, so re-importing a file is a no-op.
* Rows that share a slug or a hostname are all rejected, each naming the
  others, unless they are identical (then one is imported): the importer
  cannot tell which of them is meant, and the first is not more likely right.
* A row never takes over an outlet it does not describe: it may not use
  another outlet's hostname, nor rename an outlet and move its site at once.
* The import is one transaction, each row a savepoint in it: a rejected row
  leaves nothing behind while the other rows are imported, and an import that
  stops on an unexpected error saves nothing at all (regions included).
* Unknown regions are reported once per region with the rows that name them.
  A region differing from an existing one only by case, accents, spacing or
  punctuation (the same slug once slugified), whether from its whole name,
  its slug or one of the " / "-separated translations its name holds
  ("Nord / Noord"), or spelt two such ways in the file, is refused naming the
  region to use: never a near-duplicate region.
* A region the import creates is named as the file spells it, with that
  name slugified (lower case) as its slug.
* Line numbers count the header as line 1, as a spreadsheet numbers its rows.
"""

import copy
import csv
import difflib
import io
import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import get_form_for_model
from wagtail.models import Site

from .access import user_is_hq
from .forms import OutletForm
from .models import Outlet, Region
from .onboarding import (
    OnboardOutletAction,
    UpdateOutletAction,
    create_region,
    default_hostname,
    ensure_network,
)

REQUIRED_COLUMNS = ("slug", "name", "region")
# Outlet model fields a file may set; anything else in the header is ignored.
PROFILE_COLUMNS = (
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "timezone",
    "locale",
    "manager_name",
    "manager_email",
)
KNOWN_COLUMNS = ("slug", "region", "hostname", *PROFILE_COLUMNS)
DELIMITERS = (",", ";")
# Rows are looked up by slug in chunks, well under SQLite's variable limit.
LOOKUP_CHUNK = 500
# An unknown region's error lists this many existing regions at most.
REGIONS_LISTED = 20
# An unknown region's summary lists this many of its rows at most.
LINES_LISTED = 3
# How the command names the option that creates missing regions.
CREATE_REGIONS_OPTION = "--create-regions"
# Region names hold their translations separated by this: "Nord / Noord".
REGION_NAME_PARTS_SEPARATOR = " / "
# RowError codes the report groups or acts on.
UNKNOWN_REGION = "unknown_region"
NEAR_DUPLICATE_REGION = "near_duplicate_region"


class OutletImportError(Exception):
    """The file as a whole cannot be imported (unreadable, missing columns)."""


@dataclass
class RowError:
    line: int
    column: str  # "" when the error is about the row as a whole
    message: str
    code: str = ""  # UNKNOWN_REGION, NEAR_DUPLICATE_REGION or ""

    def __str__(self):
        if self.column:
            return _("line %(line)d, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)d: %(message)s") % {
            "line": self.line,
            "message": self.message,
        }


@dataclass
class RejectedRow:
    line: int
    errors: list  # of RowError
    values: dict  # the row as read, to write it back for correction


@dataclass
class RepeatedRow:
    """A row identical to an earlier one (``same_as``): imported once."""

    line: int
    same_as: int


@dataclass
class OutletImportReport:
    dry_run: bool = False
    encoding: str = ""
    delimiter: str = ""
    columns: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    total: int = 0
    created: list = field(default_factory=list)  # slugs
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    repeated: list = field(default_factory=list)  # of RepeatedRow
    rejected: list = field(default_factory=list)  # of RejectedRow
    created_regions: list = field(default_factory=list)  # slugs
    # What each update changed, by slug: no outlet changes unnoticed.
    changed_fields: dict = field(default_factory=dict)
    # Each unknown region once: {"region", "lines", "suggestion"}.
    unknown_regions: list = field(default_factory=list)
    # "Name (slug)", sorted by slug; outlets may belong to any of them, the
    # root (the network) included.
    existing_regions: list = field(default_factory=list)
    create_regions_option: str = CREATE_REGIONS_OPTION

    @property
    def errors(self):
        return [error for row in self.rejected for error in row.errors]

    @property
    def row_errors(self):
        """The errors listed row by row: unknown regions are summarised once
        per region instead (``unknown_region_messages``)."""
        return [error for error in self.errors if error.code != UNKNOWN_REGION]

    @property
    def changes_anything(self):
        """Whether importing the file (for real) creates or updates outlets."""
        return bool(self.created or self.updated)

    @property
    def only_unknown_regions(self):
        """Whether creating the missing regions would import every rejected
        row (as far as the check can tell)."""
        return bool(self.rejected) and all(
            error.code == UNKNOWN_REGION for error in self.errors
        )

    def unknown_region_messages(self):
        """One message per unknown region, naming its rows."""
        messages = []
        for unknown in self.unknown_regions:
            lines = unknown["lines"]
            listed = ", ".join(str(line) for line in lines[:LINES_LISTED])
            more = len(lines) - LINES_LISTED
            if more > 0:
                listed = ngettext(
                    "%(rows)s and %(count)d more",
                    "%(rows)s and %(count)d more",
                    more,
                ) % {"rows": listed, "count": more}
            message = ngettext(
                "Region “%(region)s” does not exist (row %(rows)s).",
                "Region “%(region)s” does not exist (rows %(rows)s).",
                len(lines),
            ) % {"region": unknown["region"], "rows": listed}
            if unknown["suggestion"]:
                message += " " + _("Did you mean “%(region)s”?") % {
                    "region": unknown["suggestion"]
                }
            messages.append(message)
        return messages

    def unknown_regions_help(self):
        """The regions that exist, and how to create the missing ones."""
        known = self.existing_regions
        listed = ", ".join(known[:REGIONS_LISTED])
        more = len(known) - REGIONS_LISTED
        if more > 0:
            listed = ngettext(
                "%(regions)s and %(count)d more",
                "%(regions)s and %(count)d more",
                more,
            ) % {"regions": listed, "count": more}
        return " ".join(
            str(part)
            for part in (
                _("Existing regions: %(regions)s.") % {"regions": listed},
                _(
                    "Correct the region, or import with %(option)s to create "
                    "it under the network."
                )
                % {"option": self.create_regions_option},
            )
        )

    @property
    def counts(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "repeated": len(self.repeated),
            "rejected": len(self.rejected),
        }

    def as_dict(self):
        """The report as JSON data, messages translated now (for the admin,
        which shows it after a background run)."""
        return {
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "repeated": [[row.line, row.same_as] for row in self.repeated],
            "rejected": [
                {
                    "line": row.line,
                    "values": row.values,
                    "errors": [[e.column, str(e.message), e.code] for e in row.errors],
                }
                for row in self.rejected
            ],
            "created_regions": self.created_regions,
            "changed_fields": self.changed_fields,
            "unknown_regions": self.unknown_regions,
            "existing_regions": self.existing_regions,
            "create_regions_option": str(self.create_regions_option),
        }

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["repeated"] = [RepeatedRow(*pair) for pair in data["repeated"]]
        data["rejected"] = [
            RejectedRow(
                row["line"],
                # [column, message, code]; reports stored before codes: a pair.
                [RowError(row["line"], *error) for error in row["errors"]],
                row["values"],
            )
            for row in data["rejected"]
        ]
        return cls(**data)

    def write_rejected_csv(self, fileobj):
        """Write the rejected rows, with their errors, for correction.

        The ``line`` and ``errors`` columns are ignored on re-import, so the
        corrected file can be imported as it is.
        """
        writer = csv.writer(fileobj, delimiter=self.delimiter or ",")
        writer.writerow(["line", "errors", *self.columns])
        for row in self.rejected:
            reasons = "; ".join(
                f"{e.column}: {e.message}" if e.column else e.message
                for e in row.errors
            )
            writer.writerow(
                [row.line, reasons, *(row.values.get(c, "") for c in self.columns)]
            )


def _read_bytes(source):
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fileobj:
                return fileobj.read()
        except OSError as error:
            raise OutletImportError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": os.fspath(source), "error": error.strerror or error}
            ) from error
    return source.read()


def _decode(data):
    """Text and the encoding it was read with.

    Spreadsheets save either UTF-8 (often with a BOM) or, in French or Dutch
    Excel, Windows-1252; any valid UTF-8 is taken as UTF-8 since cp1252 text
    with accents almost never is.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "text"
    if data.startswith(b"PK\x03\x04"):
        raise OutletImportError(
            _("This looks like an Excel workbook; save it as CSV first.")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise OutletImportError(
            _("The file is neither UTF-8 nor Windows-1252 text (byte %(pos)d).")
            % {"pos": error.start}
        ) from error


def _normalise_header(cells):
    return [cell.strip().lower() for cell in cells]


def _detect_delimiter(text):
    """The delimiter that splits the header into the most known columns.

    More reliable than csv.Sniffer here: addresses hold commas and Sniffer
    guesses from them on small files.
    """
    first_line = text.splitlines()[0]

    def score(delimiter):
        # Parsed, not split, so that quoted header cells count right.
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return len(set(_normalise_header(cells)) & set(KNOWN_COLUMNS))

    # On a tie (no known column at all) the comma wins: the header check
    # then names the missing columns.
    return max(DELIMITERS, key=score)


def _read_rows(source):
    """(encoding, delimiter, header, [(line, cells), ...])."""
    text, encoding = _decode(_read_bytes(source))
    if not text.strip():
        raise OutletImportError(_("The file is empty."))
    delimiter = _detect_delimiter(text)
    # newline="" lets the csv module handle CRLF and line breaks inside quotes.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise OutletImportError(
            _("The file is not valid CSV (near line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    header = _normalise_header(records[0])
    rows = [
        (line, cells)
        for line, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)  # spreadsheets leave blank rows
    ]
    return encoding, delimiter, header, rows


def check_file(source):
    """Raise ``OutletImportError`` if the file as a whole cannot be imported
    (unreadable, missing columns); reads it without touching the database."""
    _encoding, _delimiter, header, _rows = _read_rows(source)
    _check_header(header)


def _check_header(header):
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise OutletImportError(
            ngettext(
                "Column %(columns)s is missing from the header.",
                "Columns %(columns)s are missing from the header.",
                len(missing),
            )
            % {"columns": quoted(missing)}
        )
    seen = set()
    duplicated = sorted({c for c in header if c in seen or seen.add(c)} - {""})
    if duplicated:
        raise OutletImportError(
            ngettext(
                "Column %(columns)s appears more than once in the header.",
                "Columns %(columns)s appear more than once in the header.",
                len(duplicated),
            )
            % {"columns": quoted(duplicated)}
        )


def quoted(names):
    """Column or field names as messages list them: “city”, “phone”."""
    return ", ".join(f"“{name}”" for name in names)


def _error_items(error):
    """(field, message) pairs of a ValidationError, form errors included."""
    if hasattr(error, "error_dict"):
        return [
            ("" if name == "__all__" else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


class _RowRejected(Exception):
    """Leaves the row's savepoint, rolling back whatever the row created."""

    def __init__(self, errors):
        self.errors = errors


class OutletImporter:
    def __init__(
        self,
        *,
        dry_run=False,
        create_regions=False,
        user=None,
        create_regions_option=CREATE_REGIONS_OPTION,
    ):
        self.dry_run = dry_run
        self.create_regions = create_regions
        self.user = user
        # Named in the unknown region error: the command's option, or the
        # admin's checkbox.
        self.create_regions_option = create_regions_option

    def run(self, source, progress=None):
        if self.user is not None and not user_is_hq(self.user):
            raise OutletImportError(_("Only HQ staff may import outlets."))
        encoding, delimiter, header, rows = _read_rows(source)
        _check_header(header)
        self.header = header
        records = [(line, cells, self._values(cells)) for line, cells in rows]
        report = self.report = OutletImportReport(
            dry_run=self.dry_run,
            encoding=encoding,
            delimiter=delimiter,
            columns=header,
            ignored_columns=[c for c in header if c not in KNOWN_COLUMNS],
            total=len(rows),
        )
        # Only the columns present are put through the form, so that an update
        # from a file without, say, a phone column keeps the phone numbers.
        fields = ["slug", *(c for c in PROFILE_COLUMNS if c in header), "hostname"]
        self.form_class = get_form_for_model(
            Outlet, form_class=OutletForm, fields=fields, formsets=[]
        )
        # One transaction, each row a savepoint: an import that stops on an
        # unexpected error saves nothing, regions included. A dry run does
        # everything for real and rolls it back, so that it meets exactly the
        # errors a real run would.
        with transaction.atomic():
            # Fetched once: onboarding would otherwise look it up per row.
            self.network = ensure_network()
            self.regions = {}
            self.regions_by_name = {}
            self.region_keys = {}
            # Regions this import created, by the file's spelling (which is
            # their name, not their slug), for the rows that follow.
            self.created_regions = {}
            for region in Region.objects.all():
                self._add_region(region)
            self.existing = self._existing_outlets(records)
            self._import_rows(records, progress)
            self._summarise_unknown_regions()
            if self.dry_run:
                transaction.set_rollback(True)
        return report

    def _add_region(self, region):
        self.regions[region.slug] = region
        # A region's exact name names it too (a file made before the region
        # was created, or re-imported after it was), unless two share it.
        named = self.regions_by_name
        named[region.name] = None if region.name in named else region
        parts = region.name.split(REGION_NAME_PARTS_SEPARATOR)
        for text in (region.slug, region.name, *parts):
            for key in _region_keys(text):
                self.region_keys.setdefault(key, region)

    def _region(self, value):
        """The region a row's region value names: a slug, a region's exact
        name, or the spelling of a region this import created."""
        return (
            self.regions.get(value)
            or self.regions_by_name.get(value)
            or self.created_regions.get(value)
        )

    def _near_duplicate(self, region_slug):
        """The existing region ``region_slug`` would near-duplicate, if any."""
        for key in _region_keys(region_slug):
            if key in self.region_keys:
                return self.region_keys[key]
        return None

    def _unknown_region_message(self, region):
        """The row's own error (for the rejected rows' file); the report
        sums them up per region, with the regions that exist."""
        message = _("Region “%(region)s” does not exist.") % {"region": region}
        close = difflib.get_close_matches(region, sorted(self.regions), n=1)
        if close:
            message += " " + _("Did you mean “%(region)s”?") % {"region": close[0]}
        return message

    def _summarise_unknown_regions(self):
        lines = defaultdict(list)
        for row in self.report.rejected:
            if any(error.code == UNKNOWN_REGION for error in row.errors):
                lines[row.values["region"].strip()].append(row.line)
        known = sorted(self.regions)
        self.report.existing_regions = [
            _("%(name)s (%(slug)s)") % {"name": self.regions[slug].name, "slug": slug}
            for slug in known
        ]
        self.report.create_regions_option = str(self.create_regions_option)
        self.report.unknown_regions = [
            {
                "region": region,
                "lines": sorted(region_lines),
                "suggestion": next(
                    iter(difflib.get_close_matches(region, known, n=1)), ""
                ),
            }
            for region, region_lines in sorted(lines.items())
        ]

    def _values(self, cells):
        # Short rows (trailing empty cells left out by some tools) read as blank.
        values = {
            c: (cells[i] if i < len(cells) else "") for i, c in enumerate(self.header)
        }
        if "hostname" in values:
            # Hostnames are case-insensitive, and people type them capitalised;
            # the form's hostname check only accepts lower case.
            values["hostname"] = values["hostname"].strip().lower()
        return values

    def _existing_outlets(self, records):
        slugs = sorted({values["slug"].strip() for _, _, values in records})
        existing = {}
        for start in range(0, len(slugs), LOOKUP_CHUNK):
            chunk = slugs[start : start + LOOKUP_CHUNK]
            for outlet in Outlet.objects.filter(slug__in=chunk).select_related("site"):
                existing[outlet.slug] = outlet
        return existing

    def _import_rows(self, records, progress):
        total = len(records)
        errors = {line: self._check_shape(line, cells) for line, cells, _ in records}
        rows = self._set_aside_repeats([(line, values) for line, _, values in records])
        self._check_shared_keys(rows, errors)
        self._check_identities(rows, errors)
        self._check_new_region_spellings(rows, errors)
        valid = []
        for line, values in rows:
            if errors[line]:
                # The rest of the row is checked too, so that one correction
                # round fixes it.
                flagged = {error.column for error in errors[line]}
                errors[line] += [
                    RowError(line, column, message, code)
                    for column, message, code in self._validate(values)[2]
                    if column not in flagged
                ]
                self.report.rejected.append(RejectedRow(line, errors[line], values))
            else:
                valid.append((line, values))
        # Saved in name order: onboarding appends each outlet's collection to
        # its region's (decision record 17), so an import in name order leaves
        # the collection tree listed alphabetically, as Wagtail would sort it.
        valid.sort(key=lambda item: item[1]["name"].strip())
        done = total - len(valid)
        for line, values in valid:
            row_errors = self._import_row(line, values)
            if row_errors:
                self.report.rejected.append(RejectedRow(line, row_errors, values))
            done += 1
            if progress is not None:
                progress(done, total)
        self.report.rejected.sort(key=lambda row: row.line)

    def _check_shape(self, line, cells):
        if len(cells) > len(self.header) and any(
            c.strip() for c in cells[len(self.header) :]
        ):
            return [
                RowError(
                    line,
                    "",
                    _(
                        "This row has %(cells)d cells but the header has "
                        "%(columns)d; is a value holding the delimiter unquoted?"
                    )
                    % {"cells": len(cells), "columns": len(self.header)},
                )
            ]
        return []

    def _row_key(self, values):
        """What the import would do with a row: two rows with the same key are
        the same row, whatever their padding or the hostname's case."""
        return tuple(values[c].strip() for c in self.header if c in KNOWN_COLUMNS)

    def _set_aside_repeats(self, rows):
        """The rows without repeats of an earlier identical row, which the
        report counts as imported once."""
        first_lines, unique = {}, []
        for line, values in rows:
            key = self._row_key(values)
            if key in first_lines:
                self.report.repeated.append(RepeatedRow(line, first_lines[key]))
            else:
                first_lines[key] = line
                unique.append((line, values))
        return unique

    def _hostname(self, values):
        """(hostname the row's outlet will have, whether the row typed it)."""
        typed = values.get("hostname", "")  # normalised by _values()
        if typed:
            return typed, True
        slug = values["slug"].strip()
        outlet = self.existing.get(slug)
        if outlet is not None:
            return (outlet.site.hostname if outlet.site_id else ""), False
        return (default_hostname(slug).lower() if slug else ""), False

    def _check_shared_keys(self, rows, errors):
        """Reject every row of a group sharing a slug or a hostname.

        Checked before the database, on the file as a whole: which row of a
        pair is meant is for a person to decide, and the first one is as
        likely to be the wrong one (repeats were set aside: these differ).
        """
        for column in ("slug", "hostname"):
            groups = defaultdict(list)
            for line, values in rows:
                if column == "slug":
                    key, typed = values["slug"].strip(), True
                else:
                    key, typed = self._hostname(values)
                if key:
                    groups[key].append((line, typed))
            for key, group in groups.items():
                if len(group) < 2:
                    continue
                for line, typed in group:
                    others = [other for other, _typed in group if other != line]
                    message = _shared_key_message(column, key, others, typed)
                    errors[line].append(RowError(line, column, message))

    def _check_identities(self, rows, errors):
        """Refuse rows that would take over another outlet's identity.

        A row keyed by an existing slug updates that outlet, so a wrong slug
        (a row copied from another outlet, a rejected row re-imported after
        its partner was fixed) would overwrite it with another outlet's data.
        """
        owners = self._hostname_owners(
            {values.get("hostname", "") for _line, values in rows} - {""}
        )
        for line, values in rows:
            slug = values["slug"].strip()
            hostname = values.get("hostname", "")
            owner = owners.get(hostname)
            if isinstance(owner, Outlet) and owner.slug != slug:
                message = _(
                    "The hostname “%(hostname)s” is the site of the outlet "
                    "“%(name)s” (%(slug)s); a row may only keep or change its "
                    "own outlet's hostname."
                ) % {"hostname": hostname, "name": owner.name, "slug": owner.slug}
                errors[line].append(RowError(line, "hostname", message))
            elif isinstance(owner, Site):
                message = _(
                    "The hostname “%(hostname)s” is used by the site “%(site)s”, "
                    "which is not an outlet's."
                ) % {"hostname": hostname, "site": owner.site_name or owner}
                errors[line].append(RowError(line, "hostname", message))
            outlet = self.existing.get(slug)
            if outlet is None or not outlet.site_id or not hostname:
                continue
            name = values["name"].strip()
            if (
                name
                and _same_name(name) != _same_name(outlet.name)
                and hostname != outlet.site.hostname
            ):
                message = _(
                    "The outlet %(slug)s is “%(name)s” at %(hostname)s; this row "
                    "would rename it “%(new_name)s” and move its site to "
                    "%(new_hostname)s at once, so it probably describes another "
                    "outlet. Correct the slug, or change the name or the "
                    "hostname in the admin first."
                ) % {
                    "slug": slug,
                    "name": outlet.name,
                    "hostname": outlet.site.hostname,
                    "new_name": name,
                    "new_hostname": hostname,
                }
                errors[line].append(RowError(line, "slug", message))

    def _check_new_region_spellings(self, rows, errors):
        """Reject the rows naming a new region the file spells several ways
        (“Normandie”, “normandie ”): each spelling would be its own region."""
        lines = defaultdict(list)  # new region spelling: its rows
        for line, values in rows:
            region = values["region"].strip()
            if region and region not in self.regions:
                lines[region].append(line)
        # Spellings sharing a key are one region; a few, so compared pairwise.
        groups = []  # [(keys, spellings)]
        for region in lines:
            if self._near_duplicate(region):
                continue  # _validate() names the existing region to use
            keys, names = _region_keys(region), {region}
            for group in [g for g in groups if g[0] & keys]:
                groups.remove(group)
                keys, names = keys | group[0], names | group[1]
            groups.append((keys, names))
        for _keys, names in groups:
            if len(names) < 2:
                continue
            message = _(
                "The file spells one new region in several ways (%(names)s): "
                "use one spelling in every row, so that one region is created."
            ) % {"names": quoted(sorted(names))}
            for line in sorted(line for name in names for line in lines[name]):
                errors[line].append(
                    RowError(line, "region", message, NEAR_DUPLICATE_REGION)
                )

    def _hostname_owners(self, hostnames):
        """The outlet, or else the site, that holds each of ``hostnames``."""
        hostnames, owners = sorted(hostnames), {}
        for start in range(0, len(hostnames), LOOKUP_CHUNK):
            chunk = hostnames[start : start + LOOKUP_CHUNK]
            for site in Site.objects.filter(hostname__in=chunk):
                owners.setdefault(site.hostname, site)
            # One hostname, one outlet, whatever the port: the outlet wins.
            for outlet in (
                Outlet.objects.filter(site__hostname__in=chunk)
                .only("slug", "name", "site__hostname")
                .select_related("site")
            ):
                owners[outlet.site.hostname] = outlet
        return owners

    def _import_row(self, line, values):
        new_region = None
        try:
            with transaction.atomic():
                outcome, new_region, changed = self._save_row(values)
        except _RowRejected as rejected:
            return [RowError(line, *error) for error in rejected.errors]
        except ValidationError as error:
            return [RowError(line, column, msg) for column, msg in _error_items(error)]
        except (IntegrityError, PermissionDenied) as error:
            # Another writer got there first, or the user may not do this.
            return [RowError(line, "", str(error))]
        # Cached only now: had the row failed, its savepoint took the region.
        if new_region is not None:
            self._add_region(new_region)
            self.created_regions[values["region"].strip()] = new_region
            self.report.created_regions.append(new_region.slug)
        slug = values["slug"].strip()
        getattr(self.report, outcome).append(slug)
        if changed:
            self.report.changed_fields[slug] = changed
        return []

    def _validate(self, values, outlet=None):
        """(bound form, region or None, [(column, message, code), ...]) for a
        row.

        ``outlet`` is the existing outlet the row updates, which validation
        writes the row into; without it, a copy is validated.
        """
        slug = values["slug"].strip()
        if outlet is None and slug in self.existing:
            outlet = copy.copy(self.existing[slug])
        form = self.form_class(data=values, instance=outlet)
        errors = []
        if not form.is_valid():
            errors = [
                (column, message, "")
                for column, message in _error_items(ValidationError(form.errors))
            ]
        region_slug = values["region"].strip()
        region = self._region(region_slug)
        if region is None and not region_slug:
            errors.append(("region", _("This field is required."), ""))
        elif region is None and (near := self._near_duplicate(region_slug)):
            errors.append(
                (
                    "region",
                    _(
                        "There is no region “%(region)s”, but “%(name)s” "
                        "(slug %(slug)s) matches it: use its slug “%(slug)s”. "
                        "A region this close to an existing one is never "
                        "created."
                    )
                    % {"region": region_slug, "name": near.name, "slug": near.slug},
                    NEAR_DUPLICATE_REGION,
                )
            )
        elif region is None and not _valid_region_slug(region_slug):
            # Not summed up with the unknown regions: creating them would
            # not make this row pass.
            message = _(
                "Region “%(region)s” does not exist, and cannot be created "
                "under this name: a region's slug holds only letters, digits, "
                "hyphens and underscores. Use the slug of an existing region."
            ) % {"region": region_slug}
            errors.append(("region", message, ""))
        elif region is None and not self.create_regions:
            message = self._unknown_region_message(region_slug)
            errors.append(("region", message, UNKNOWN_REGION))
        return form, region, errors

    def _save_row(self, values):
        """Validate and save one row.

        Returns ("created"|"updated"|"unchanged", new region or None, the
        names of the fields an update changed).
        """
        slug = values["slug"].strip()
        outlet = self.existing.get(slug)
        # Taken before validation, which writes the row into the instance.
        before = _profile(outlet) if outlet is not None else None
        form, region, errors = self._validate(values, outlet)
        if errors:
            raise _RowRejected(errors)
        region_slug = values["region"].strip()
        new_region = None
        if region is None:
            try:
                # Named as the file spells it; slugs are lower case.
                region = new_region = create_region(
                    name=region_slug,
                    slug=slugify(region_slug),
                    parent=self.network.root_region,
                    user=self.user,
                )
            except ValidationError as error:
                raise _RowRejected(
                    [("region", msg, "") for _field, msg in _error_items(error)]
                ) from None

        hostname = form.cleaned_data["hostname"]
        form.instance.region = region
        if outlet is None:
            OnboardOutletAction(
                form.instance,
                user=self.user,
                form=form,
                hostname=hostname,
                network=self.network,
            ).execute()
            return "created", new_region, []
        after = _profile(form.instance)
        changed = [name for name in after if after[name] != before[name]]
        changed = ["region" if name == "region_id" else name for name in changed]
        # Without a site (deleted by hand) the hostname cannot change anyway.
        if outlet.site_id and hostname != outlet.site.hostname:
            changed.append("hostname")
        if not changed:
            return "unchanged", new_region, []
        UpdateOutletAction(
            form.instance, user=self.user, form=form, hostname=hostname
        ).execute()
        return "updated", new_region, changed


def _profile(outlet):
    """What a row can change on an outlet, apart from its hostname."""
    values = {name: getattr(outlet, name) for name in PROFILE_COLUMNS}
    values["region_id"] = outlet.region_id
    return values


def _valid_region_slug(slug):
    try:
        Region._meta.get_field("slug").clean(slug, None)
    except ValidationError:
        return False
    return True


def _region_keys(text):
    """What a region's slug or name is compared on for near-duplicates: its
    slug, and its text without case, accents or extra spaces (for names
    that slugify to nothing, such as non-Latin ones)."""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return {key for key in (slugify(text), " ".join(bare.casefold().split())) if key}


def _same_name(name):
    """A name as compared for identity: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def _shared_key_message(column, value, others, typed):
    """The error of a row sharing ``value`` with the rows on lines ``others``."""
    params = {"value": value, "lines": ", ".join(str(line) for line in others)}
    if column == "slug":
        message = ngettext(
            "Line %(lines)s has the same slug “%(value)s” with other values: "
            "neither row is imported until one of them is corrected.",
            "Lines %(lines)s have the same slug “%(value)s” with other values: "
            "none of these rows is imported until they are corrected.",
            len(others),
        )
    elif typed:
        message = ngettext(
            "Line %(lines)s has the same hostname “%(value)s” with other values: "
            "neither row is imported until one of them is corrected.",
            "Lines %(lines)s have the same hostname “%(value)s” with other "
            "values: none of these rows is imported until they are corrected.",
            len(others),
        )
    else:
        message = ngettext(
            "With no hostname in this row, its outlet's hostname is "
            "“%(value)s”, which line %(lines)s also uses: neither row is "
            "imported until one of them is corrected.",
            "With no hostname in this row, its outlet's hostname is "
            "“%(value)s”, which lines %(lines)s also use: none of these rows "
            "is imported until they are corrected.",
            len(others),
        )
    return message % params


def import_outlets(
    fileobj_or_path,
    *,
    dry_run=False,
    create_regions=False,
    user=None,
    progress=None,
    create_regions_option=CREATE_REGIONS_OPTION,
):
    """Import outlets from a CSV file; returns an ``OutletImportReport``.

    ``fileobj_or_path`` is a path or a file object (binary, or text already
    decoded). ``progress(done, total)`` is called after each row. Raises
    ``OutletImportError`` when the file as a whole cannot be imported, in which
    case nothing was changed. With ``dry_run`` every row is validated and
    onboarded, then everything is rolled back. ``create_regions_option`` is how
    an unknown region's error names the way to create it.
    """
    importer = OutletImporter(
        dry_run=dry_run,
        create_regions=create_regions,
        user=user,
        create_regions_option=create_regions_option,
    )
    return importer.run(fileobj_or_path, progress=progress)
