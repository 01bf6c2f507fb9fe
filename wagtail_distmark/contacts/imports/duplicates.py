"""Rows of one file that share an email address.

Two rows for one address that say different things are both rejected, each
naming the other's line: the import cannot know which one is right, and
keeping either would let a wrong row overwrite the contact (or, re-imported
from a corrected file, overwrite the right one). Rows identical once checked
and normalised (same address in another case, the same tags in another order)
are imported once; the others count as unchanged.

Duplicates are found without a pass of their own in the usual case:

- within a chunk, in memory, before the chunk is written (``ChunkRows``);
- across chunks, by the staging table (``upsert``): a later row identical to
  the written one is dropped; any other later row means an earlier row was
  written that should not have been, so the import starts again
  (``RepeatedAcrossChunks``, the transaction rolled back) after one cheap
  pass over the file's emails (``repeated_emails``), holding every repeated
  address's rows until all of them are read (``HeldRows``).

A row rejected for errors of its own takes no part: it is reported for them.
"""

from django.utils.translation import ngettext_lazy

from .validation import Rejection, _text

DUPLICATE = ngettext_lazy(
    "Duplicate: this email is also on line %(lines)s, with other values",
    "Duplicate: this email is also on lines %(lines)s, with other values",
    "count",
)


class RepeatedAcrossChunks(Exception):  # noqa: N818 - a signal, not an error
    """A later chunk repeats an address an earlier chunk wrote, differently."""


def email_key(cell):
    """The address as ``RowValidator.email`` normalises it."""
    return cell.strip().lower() if type(cell) is str else _text(cell).lower()


def repeated_emails(rows, email_index):
    """``{hash(address): rows}`` for each address on several rows.

    Hashes only, one set of them for the pass: the file is not kept."""
    seen, repeated = set(), {}
    for _line, cells in rows:
        if email_index >= len(cells):
            continue
        key = email_key(cells[email_index])
        if not key:
            continue
        digest = hash(key)
        if digest in seen:
            repeated[digest] = repeated.get(digest, 1) + 1
        else:
            seen.add(digest)
    return repeated


def same_row(a, b):
    """Whether two checked rows ``(line, record, tags)`` say the same."""
    return a[1][1:] == b[1][1:] and set(a[2]) == set(b[2])


def resolve(rows, label):
    """``(kept row or None, rejections)`` for the rows of one address."""
    first = rows[0]
    if all(same_row(first, row) for row in rows[1:]):
        return first, []
    lines = [line for line, _record, _tags in rows]
    rejections = []
    for line, record, _tags in rows:
        others = [str(other) for other in lines if other != line]
        reason = DUPLICATE % {"lines": ", ".join(others), "count": len(others)}
        rejections.append(Rejection(line, label, str(reason), record[1]))
    return None, rejections


class ChunkRows:
    """The checked rows of one chunk, one per address.

    ``add()`` keeps the first row of an address in place and moves the rows
    of a repeated address aside; ``finish()`` settles those: the kept row of
    identical ones joins the chunk, conflicting ones are rejected and set
    aside, to be staged (not written) so that a later chunk finds them.
    """

    def __init__(self, label):
        self.label = label
        self.records, self.tags = [], []
        self._where = {}  # address -> index in records, None once repeated
        self._repeated = {}  # address -> [(line, record, tags), ...]

    def __len__(self):
        return len(self.records)

    def add(self, record, tags):
        email = record[1]
        where = self._where
        if email not in where:
            where[email] = len(self.records)
            self.records.append(record)
            self.tags.append(tags)
            return
        index = where[email]
        if index is not None:
            first = self.records[index]
            self._repeated[email] = [(first[0], first, self.tags[index])]
            self.records[index] = None
            where[email] = None
        self._repeated[email].append((record[0], record, tags))

    def add_rows(self, rows):
        """All the rows of one address, held until now (``HeldRows``)."""
        self._repeated[rows[0][1][1]] = rows

    def finish(self):
        """``(records, tags, set_aside, rejections, identical)``."""
        set_aside, rejections, identical = [], [], 0
        for rows in self._repeated.values():
            kept, rejected = resolve(rows, self.label)
            if kept is None:
                rejections += rejected
                set_aside += [record for _line, record, _tags in rows]
            else:
                identical += len(rows) - 1
                self.records.append(kept[1])
                self.tags.append(kept[2])
        records, tags = [], []
        for record, names in zip(self.records, self.tags, strict=True):
            if record is None:
                continue
            records.append(record)
            if names:
                tags += [(record[0], record[1], record[2], name) for name in names]
        return records, tags, set_aside, rejections, identical


class HeldRows:
    """After a restart: the rows of each repeated address, held until the
    file has given all of them (``counts`` from ``repeated_emails``)."""

    def __init__(self, counts):
        self.counts = counts
        self._rows = {}

    def __bool__(self):
        return bool(self.counts)

    def hold(self, record, tags):
        """``None`` for an address on one row; else the row is held, and
        all the address's rows come back once the last one is read (until
        then, an empty tuple)."""
        email = record[1]
        count = self.counts.get(hash(email))
        if count is None:
            return None
        rows = self._rows.setdefault(email, [])
        rows.append((record[0], record, tags))
        if len(rows) < count:
            return ()
        return self._rows.pop(email)

    def rest(self):
        """The rows still held when the file ends (an address some of whose
        rows were rejected for errors of their own)."""
        rows, self._rows = list(self._rows.values()), {}
        return rows
