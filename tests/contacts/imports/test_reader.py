import codecs
import datetime
import io

import pytest

from wagtail_distmark.contacts.imports.reader import (
    ImportFileError,
    detect_delimiter,
    detect_encoding,
    open_table,
    parse_date,
)

from .conftest import FRENCH_CSV, xlsx_bytes


def read(content):
    table = open_table(io.BytesIO(content))
    rows = list(table.rows)
    table.close()
    return table, rows


def test_french_excel_csv_windows_1252_semicolon():
    table, rows = read(FRENCH_CSV.encode("cp1252"))
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.header[1] == "Prénom" and table.header[5] == "Étiquettes"
    assert rows[1] == (
        3,
        ["Eloise.Brehat@Example.FR ", "Éloïse", "Bréhat", "01/02/1990", "oui", ""],
    )
    assert table.total_rows == 3


def test_utf8_with_bom_and_tabs():
    content = codecs.BOM_UTF8 + "e-mail\tvoornaam\na@example.com\tJoëlle\n".encode()
    table, rows = read(content)
    assert (table.encoding, table.delimiter) == ("utf-8-sig", "\t")
    assert table.header == ["e-mail", "voornaam"]  # no BOM in the first name
    assert rows == [(2, ["a@example.com", "Joëlle"])]


def test_plain_utf8_comma_with_quoted_separators():
    table, rows = read('email,tags\na@example.com,"vip,fidèle"\n\n,\n'.encode())
    assert table.encoding == "utf-8"
    assert rows == [(2, ["a@example.com", "vip,fidèle"])]  # blank rows skipped


def test_xlsx_with_date_cells_and_formulas():
    content = xlsx_bytes(
        [
            ["Email", "Geboortedatum", "Naam", "Score"],
            ["a@example.com", datetime.datetime(1985, 7, 14), "=1+1", 3.0],
            [None, None, None, None],
            ["b@example.com", "14/07/1985", "@cmd", 2.5],
        ]
    )
    table, rows = read(content)
    assert table.kind == "xlsx" and table.header == [
        "Email",
        "Geboortedatum",
        "Naam",
        "Score",
    ]
    assert rows[0] == (2, ["a@example.com", datetime.date(1985, 7, 14), "=1+1", "3"])
    assert rows[1] == (4, ["b@example.com", "14/07/1985", "@cmd", "2.5"])


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x00\x01\x02\x03" * 100, "neither a CSV file nor an Excel workbook"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Old Excel workbooks"),
        (b"PK\x03\x04garbage", "cannot be read"),
        (b";;\na;b\n", "no header row"),
    ],
)
def test_malformed_files(content, message):
    with pytest.raises(ImportFileError, match=message):
        read(content)


def test_detection_helpers():
    assert detect_encoding("é;".encode("cp1252")) == "cp1252"
    assert detect_encoding("é".encode()[:1]) == "utf-8"  # cut mid-character
    assert detect_delimiter('"a;b",c,d') == ","
    assert detect_delimiter("email") == ","


def test_parse_date():
    assert parse_date("14/07/1985") == datetime.date(1985, 7, 14)
    assert parse_date("1985-07-14") == datetime.date(1985, 7, 14)
    assert parse_date("14.07.1985") == datetime.date(1985, 7, 14)
    assert parse_date("1985-07-14 00:00:00") == datetime.date(1985, 7, 14)
    assert parse_date(datetime.datetime(1985, 7, 14, 10)) == datetime.date(1985, 7, 14)
    assert parse_date("  ") is None
    with pytest.raises(ValueError):
        parse_date("31/02/1985")


def test_large_file_is_streamed():
    import tracemalloc

    line = b"someone@example.com;Prenom;Nom;01/01/1980;oui\n"
    content = b"email;prenom;nom;naissance;consent\n" + line * 400_000
    tracemalloc.start()
    table = open_table(io.BytesIO(content))
    count = sum(1 for _row in table.rows)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 400_000
    assert peak < 4 * 1024 * 1024  # the file is 18 MB
