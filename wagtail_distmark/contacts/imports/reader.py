"""Reading import files: CSV in any of the encodings and separators Excel
writes, or XLSX, streamed row by row so memory stays flat in file size.

``open_table(fileobj)`` returns a ``Table``: its header and a generator of
``(line, cells)``, ``line`` being the row's number in the file (the header is
line 1) and ``cells`` strings, or ``datetime.date`` for Excel date cells.
"""

import codecs
import csv
import datetime
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

#: How much of a CSV file the encoding and separator detection reads.
SAMPLE_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls
# csv's default cell limit (128 KiB) is plenty; a longer cell is a broken file.
csv.field_size_limit(1024 * 1024)


class ImportFileError(Exception):
    """The file cannot be read as a table; ``str()`` is for the user."""


@dataclass
class Table:
    header: list
    rows: object  # an iterator of (line, cells)
    total_rows: int = 0  # an estimate for the progress bar
    encoding: str = ""
    delimiter: str = ""
    kind: str = "csv"
    _close: list = field(default_factory=list, repr=False)

    def close(self):
        for close in self._close:
            close()


def _seekable(fileobj):
    """XLSX needs a seekable file; copy others (remote storages) to disk."""
    try:
        fileobj.seek(0)
        return fileobj, None
    except (AttributeError, OSError, io.UnsupportedOperation):
        copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed by Table.close
        shutil.copyfileobj(fileobj, copy)
        copy.seek(0)
        return copy, copy.close


def detect_encoding(sample):
    """``utf-8-sig`` with a BOM, ``utf-8`` when the sample decodes as UTF-8,
    else Windows-1252 (what Excel in French or Dutch writes as "CSV")."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False: a character cut at the sample's end is not an error.
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(first_line):
    """The separator the header line uses most (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _looks_binary(sample):
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) // 100 + 1


def _count_lines(fileobj):
    fileobj.seek(0)
    count = 0
    for block in iter(lambda: fileobj.read(1024 * 1024), b""):
        count += block.count(b"\n")
    fileobj.seek(0)
    return count


def _clean_header(cells):
    return [str(c if c is not None else "").strip() for c in cells]


def _check_header(header):
    if not any(header):
        raise ImportFileError(_("The file has no header row: its first line is empty."))
    return header


def _read_csv(fileobj, sample):
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        first_line = text.readline()
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file's encoding could not be read.")) from error
    delimiter = detect_delimiter(first_line)
    header = _check_header(
        _clean_header(next(csv.reader([first_line], delimiter=delimiter), []))
    )

    def rows():
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        try:
            for cells in reader:
                line += 1
                if not "".join(cells).isspace() and any(cells):
                    yield line, cells
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("Line %(line)s is not in the file's encoding (%(encoding)s).")
                % {"line": line + 1, "encoding": encoding}
            ) from error
        except csv.Error as error:
            raise ImportFileError(
                _("Line %(line)s cannot be read: %(error)s")
                % {"line": line + 1, "error": error}
            ) from error

    return Table(
        header=header,
        rows=rows(),
        encoding=encoding,
        delimiter=delimiter,
        kind="csv",
        _close=[text.detach],
    )


def xlsx_cell(value):
    """A cell as the importer sees it: text, or a date for date cells.

    A formula is read as its text (``=HYPERLINK(...)``), never evaluated.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(fileobj):
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet; data_only=False keeps formulas as text.
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
    except Exception as error:  # zipfile, XML and openpyxl errors alike
        raise ImportFileError(
            _("The file looks like an Excel workbook but cannot be read.")
        ) from error
    if header is None:
        workbook.close()
        raise ImportFileError(_("The file is empty."))
    header = _check_header(_clean_header(header))

    def rows():
        line = 1
        for cells in values:
            line += 1
            cells = [xlsx_cell(v) for v in cells]
            if any(c != "" for c in cells):
                yield line, cells

    return Table(
        header=header,
        rows=rows(),
        total_rows=max(0, (sheet.max_row or 1) - 1),
        kind="xlsx",
        _close=[workbook.close],
    )


def open_table(fileobj):
    """A ``Table`` from a binary file object, or ``ImportFileError``."""
    fileobj, close_copy = _seekable(fileobj)
    sample = fileobj.read(SAMPLE_BYTES)
    fileobj.seek(0)
    if not sample.strip():
        raise ImportFileError(_("The file is empty."))
    if sample.startswith(OLE_MAGIC):
        raise ImportFileError(
            _(
                "Old Excel workbooks (.xls) cannot be read: save the file as "
                "Excel workbook (.xlsx) or CSV."
            )
        )
    if sample.startswith(ZIP_MAGIC):
        table = _read_xlsx(fileobj)
    elif _looks_binary(sample.removeprefix(codecs.BOM_UTF8)):
        raise ImportFileError(
            _("The file is neither a CSV file nor an Excel workbook (.xlsx).")
        )
    else:
        total = _count_lines(fileobj)
        table = _read_csv(fileobj, sample)
        table.total_rows = max(0, total - 1)
    if close_copy:
        table._close.append(close_copy)
    return table


DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_date(value):
    """A date from a cell: an Excel date, ISO ``yyyy-mm-dd`` or ``dd/mm/yyyy``
    (also with ``-`` or ``.``); ``None`` for an empty cell; ``ValueError``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    value = value.strip()
    if not value:
        return None
    # The usual shapes without strptime (an import parses one per row).
    match = DAY_FIRST.match(value) or ISO_DATE.match(value)
    if match:
        if match.re is ISO_DATE:
            year, month, day = match.groups()
        else:
            day, month, year = match.groups()
        return datetime.date(int(year), int(month), int(day))
    # "2024-03-01 00:00:00" or "2024-03-01T10:00": the date part.
    value = value.split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_datetime(value):
    """A consent date: a datetime, or a date (midnight); ``None`` if empty."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
            try:
                return datetime.datetime.strptime(text[:19], fmt)
            except ValueError:
                continue
    day = parse_date(value)
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time())
