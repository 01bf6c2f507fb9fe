"""Writing checked rows: a staging table per import, one upsert per chunk.

Rows are staged in a temporary table (PostgreSQL: ``COPY``; SQLite:
``executemany``), then one ``INSERT ... SELECT ... ON CONFLICT (outlet_id,
email) DO UPDATE ... WHERE <something changed>`` writes the chunk: never a
``save()`` per row. An unchanged row is not touched (``updated_at``
included), so a re-import of the same file changes nothing.

Rules the SQL follows, as ``Contact.save()`` would: ``email`` normalised,
``email_hash`` and ``birthday_month`` set. Only mapped columns are written; an
empty cell keeps the stored value; attributes are merged into the stored
ones; tags are added (never removed). A consent's date and source change
when the consent changes, or when the file gives them; a consent given that
the file dates before the stored one's date changes nothing. An empty consent cell and
a "no" are staged as markers resolved against the stored contact
(``_resolved_consent``).
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connection

from ..models import LAST_YEARLESS_DAY, Consent, Contact, ContactTag, Suppression
from .duplicates import RepeatedAcrossChunks
from .validation import (
    CONSENT_KEEP,
    CONSENT_REFUSED,
    RECORD_FIELDS,
    SUPPRESSED,
    Rejection,
)

STAGE = "distmark_import_stage"
STAGE_TAGS = "distmark_import_stage_tags"
TEXT_FIELDS = ("first_name", "last_name", "locale", "gender", "phone")
# SQLite's page cache for an import's connection (its default is 2 MiB): each
# new contact writes into a random page of the email hash index, which with
# millions of contacts no longer fits. Given back when the import ends.
SQLITE_IMPORT_CACHE_KIB = 64 * 1024

logger = logging.getLogger(__name__)


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = None
    #: ``(line, channel, staged consent, withdrawn at)`` of the consents a
    #: row gave that the contact had withdrawn (kept withdrawn).
    not_restored: list = None


def _pg(db):
    return db.vendor == "postgresql"


@contextmanager
def import_cache(db=connection):
    """On SQLite, a larger page cache for the import, then the previous size
    again (the connection may serve other requests afterwards). PostgreSQL's
    cache is the server's: nothing to do."""
    if db.vendor != "sqlite":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        try:
            with db.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {previous}")
        except DatabaseError:  # never hide the import's own error
            logger.exception("Could not give back SQLite's page cache")


def create_stage(db=connection):
    """The staging tables, for the current transaction."""
    pg = _pg(db)
    json_type = "jsonb" if pg else "text"
    stamp = "timestamptz" if pg else "datetime"
    temp = "" if pg else "temp."
    on_commit = " ON COMMIT DROP" if pg else ""
    with db.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}{STAGE}")
        cursor.execute(f"DROP TABLE IF EXISTS {temp}{STAGE_TAGS}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {STAGE} (
                chunk integer NOT NULL, line integer NOT NULL,
                email varchar(254) NOT NULL, email_hash varchar(64) NOT NULL,
                first_name varchar(100) NOT NULL, last_name varchar(100) NOT NULL,
                locale varchar(10) NOT NULL, birthday date, birthday_month smallint,
                gender varchar(1) NOT NULL, phone varchar(32) NOT NULL,
                attributes {json_type} NOT NULL,
                email_consent varchar(10) NOT NULL, email_consent_at {stamp},
                email_consent_source varchar(255) NOT NULL,
                sms_consent varchar(10) NOT NULL, sms_consent_at {stamp},
                sms_consent_source varchar(255) NOT NULL
            ){on_commit}"""
        )
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {STAGE_TAGS} (
                chunk integer NOT NULL, line integer NOT NULL,
                email varchar(254) NOT NULL, email_hash varchar(64) NOT NULL,
                name varchar(64) NOT NULL
            ){on_commit}"""
        )
        cursor.execute(f"CREATE INDEX {STAGE_TAGS}_chunk ON {STAGE_TAGS} (chunk)")
        cursor.execute(f"CREATE INDEX {STAGE}_email ON {STAGE} (email)")
        cursor.execute(f"CREATE INDEX {STAGE}_chunk ON {STAGE} (chunk, line)")


def drop_stage(db=connection):
    if _pg(db):
        return  # ON COMMIT DROP
    with db.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
        cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE_TAGS}")


def _stage_rows(db, chunk, records, tags, set_aside=()):
    """Stage the chunk's rows, and ``set_aside`` (rows rejected as
    conflicting duplicates) under ``-chunk``: never written, but found by
    later chunks' duplicate check."""
    columns = ", ".join(("chunk", *RECORD_FIELDS))
    with db.cursor() as cursor:
        if _pg(db):
            raw = cursor.cursor
            with raw.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row((chunk, *record))
                for record in set_aside:
                    copy.write_row((-chunk, *record))
            if tags:
                with raw.copy(
                    f"COPY {STAGE_TAGS} (chunk, line, email, email_hash, name) FROM STDIN"
                ) as copy:
                    for tag in tags:
                        copy.write_row((chunk, *tag))
            return
        ops = db.ops
        date_at = RECORD_FIELDS.index("birthday")
        stamps = [
            RECORD_FIELDS.index("email_consent_at"),
            RECORD_FIELDS.index("sms_consent_at"),
        ]

        adapted = {}  # most rows share one consent time: adapt it once

        def stamp(value):
            if value is None:
                return None
            if value not in adapted:
                adapted[value] = ops.adapt_datetimefield_value(value)
            return adapted[value]

        def adapt(record, chunk=chunk):
            row = [chunk, *record]
            day = record[date_at]
            row[date_at + 1] = day.isoformat() if day else None
            for i in stamps:
                row[i + 1] = stamp(record[i])
            return row

        placeholders = ", ".join(["%s"] * (len(RECORD_FIELDS) + 1))
        cursor.executemany(
            f"INSERT INTO {STAGE} ({columns}) VALUES ({placeholders})",
            [adapt(r) for r in records] + [adapt(r, -chunk) for r in set_aside],
        )
        if tags:
            cursor.executemany(
                f"INSERT INTO {STAGE_TAGS} (chunk, line, email, email_hash, name) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(chunk, *tag) for tag in tags],
            )


def _reject_in_stage(cursor, chunk):
    """Suppressed addresses, reported and taken out of the stage; then rows
    repeating an address of an earlier chunk: dropped when identical to the
    row written then (they count as unchanged), else ``RepeatedAcrossChunks``.
    Returns the rejections."""
    rejected = []
    cursor.execute(
        f"""SELECT s.line, s.email FROM {STAGE} s
            JOIN {Suppression._meta.db_table} p ON p.email_hash = s.email_hash
            WHERE s.chunk = %s""",
        [chunk],
    )
    for line, email in cursor.fetchall():
        rejected.append(Rejection(line, "email", str(SUPPRESSED), email))
    if rejected:
        # A negative chunk keeps the row for later duplicate checks without
        # importing it.
        _take_out(cursor, chunk, [r.line for r in rejected], keep=True)
    # Correlated lookups through the email index: the temporary tables have
    # no statistics, and a join plan would scan the whole stage per chunk.
    cursor.execute(
        f"""SELECT line, email FROM (
                SELECT n.line, n.email, (SELECT MIN(o.line) FROM {STAGE} o
                                WHERE o.email = n.email AND o.chunk + 0 < n.chunk
                               ) AS first
                FROM {STAGE} n WHERE n.chunk = %s) AS d
            WHERE first IS NOT NULL""",
        [chunk],
    )
    repeated = dict(cursor.fetchall())
    if repeated:
        _drop_identical_repeats(cursor, chunk, repeated)
    return rejected


def _take_out(cursor, chunk, lines, *, keep):
    """Take the chunk's rows on ``lines`` out of the upsert (and their tags);
    ``keep``: under ``-chunk``, for later duplicate checks."""
    placeholders = ", ".join(["%s"] * len(lines))
    where = f"WHERE chunk = %s AND line IN ({placeholders})"
    cursor.execute(f"DELETE FROM {STAGE_TAGS} {where}", [chunk, *lines])
    if keep:
        cursor.execute(f"UPDATE {STAGE} SET chunk = -chunk {where}", [chunk, *lines])
    else:
        cursor.execute(f"DELETE FROM {STAGE} {where}", [chunk, *lines])


def _drop_identical_repeats(cursor, chunk, repeated):
    """Rows (``{line: email}``) whose address an earlier chunk had: each must
    be identical to the one row written then, or the import starts again."""
    emails = sorted(set(repeated.values()))
    placeholders = ", ".join(["%s"] * len(emails))
    columns = ", ".join(RECORD_FIELDS[1:])
    cursor.execute(
        f"SELECT chunk, line, {columns} FROM {STAGE} WHERE email IN ({placeholders})",
        emails,
    )
    staged = {}
    for chunk_of, line, *values in cursor.fetchall():
        staged.setdefault(values[0], []).append((chunk_of, line, tuple(values)))
    cursor.execute(
        f"SELECT chunk, line, name FROM {STAGE_TAGS} WHERE email IN ({placeholders})",
        emails,
    )
    tags = {}
    for chunk_of, line, name in cursor.fetchall():
        tags.setdefault((chunk_of, line), set()).add(name)
    identical = []
    for line, email in repeated.items():
        rows = staged[email]
        (this,) = [r for r in rows if r[0] == chunk and r[1] == line]
        earlier = [r for r in rows if r is not this]
        if len(earlier) != 1 or earlier[0][0] < 0:
            raise RepeatedAcrossChunks(email)
        (written,) = earlier
        if written[2] != this[2] or tags.get(written[:2], set()) != tags.get(
            this[:2], set()
        ):
            raise RepeatedAcrossChunks(email)
        identical.append(line)
    _take_out(cursor, chunk, identical, keep=False)


def _not_restored(cursor, chunk, outlet_id, channels):
    """The chunk's consents given (or pending) that stay withdrawn, as the
    upsert's ``older`` rule keeps them: ``ChunkResult.not_restored``. One
    lookup per such row through the email_hash index, the only one usable
    ("outlet_id + 0", the consent tested outside the WHERE): with statistics
    older than the import's rows, PostgreSQL otherwise scans the outlet's
    withdrawn contacts (outlet, email_consent) for every row (measured: 324 s
    instead of a fraction of one for 50,000 rows). The withdrawal's date by
    primary key."""
    table = Contact._meta.db_table
    found = []
    for channel in channels:
        status, at = f"{channel}_consent", f"{channel}_consent_at"
        cursor.execute(
            f"""SELECT k.line, k.{status}, c.{at} FROM (
                    SELECT s.line, s.{status}, (
                        SELECT CASE o.{status} WHEN '{Consent.WITHDRAWN}'
                        THEN o.id END FROM {table} o
                        WHERE o.email_hash = s.email_hash AND o.email = s.email
                        AND o.outlet_id + 0 = %s) AS contact_id
                    FROM {STAGE} s WHERE s.chunk = %s
                    AND s.{status} IN ('{Consent.GRANTED}', '{Consent.PENDING}')
                ) k JOIN {table} c ON c.id = k.contact_id""",
            [outlet_id, chunk],
        )
        found += [
            (line, channel, staged, at_value)
            for line, staged, at_value in cursor.fetchall()
        ]
    return found


def _resolved_consent(status):
    """The consent a staged row writes: its own, or for the markers of an
    empty cell and of a "no", the one they resolve to against the stored
    contact (a lookup only for those rows). An empty cell keeps the stored
    consent; a "no" withdraws a consent given or pending and leaves none as
    none; a new contact gets none from either."""
    stored = (
        f"SELECT {{value}} FROM {Contact._meta.db_table} o "
        f"WHERE o.outlet_id = %(outlet)s AND o.email = s.email"
    )
    keep = stored.format(value=f"o.{status}")
    refuse = stored.format(
        value=f"CASE o.{status} WHEN '{Consent.NONE}' THEN '{Consent.NONE}' "
        f"ELSE '{Consent.WITHDRAWN}' END"
    )
    return (
        f"CASE s.{status} "
        f"WHEN '{CONSENT_KEEP}' THEN COALESCE(({keep}), '{Consent.NONE}') "
        f"WHEN '{CONSENT_REFUSED}' THEN COALESCE(({refuse}), '{Consent.NONE}') "
        f"ELSE s.{status} END"
    )


def _upsert_sql(db, mapped):
    pg = _pg(db)
    contact = Contact._meta.db_table
    columns = [f for f in RECORD_FIELDS if f != "line"]
    sets, changed = [], []

    def distinct(a, b):
        return f"{a} IS DISTINCT FROM {b}" if pg else f"{a} IS NOT {b}"

    for name in TEXT_FIELDS:
        if name in mapped:
            sets.append(
                f"{name} = CASE WHEN excluded.{name} = '' "
                f"THEN c.{name} ELSE excluded.{name} END"
            )
            changed.append(f"(excluded.{name} <> '' AND excluded.{name} <> c.{name})")
    if "birthday" in mapped:
        # A file's birthday without a year (Mailchimp's MM/DD) on the day
        # and month already stored with a year keeps that year.
        day_of = (
            (lambda d: f"to_char({d}, 'MM-DD')")
            if pg
            else (lambda d: f"substr({d}, 6)")
        )
        last_yearless = LAST_YEARLESS_DAY.isoformat()
        keeps_year = (
            f"(c.birthday IS NOT NULL AND c.birthday > '{last_yearless}' "
            f"AND excluded.birthday <= '{last_yearless}' "
            f"AND {day_of('c.birthday')} = {day_of('excluded.birthday')})"
        )
        sets.append(
            f"birthday = CASE WHEN excluded.birthday IS NULL OR {keeps_year} "
            "THEN c.birthday ELSE excluded.birthday END"
        )
        sets.append(
            "birthday_month = COALESCE(excluded.birthday_month, c.birthday_month)"
        )
        changed.append(
            f"(excluded.birthday IS NOT NULL AND NOT {keeps_year} AND "
            f"{distinct('excluded.birthday', 'c.birthday')})"
        )
    if any(t.startswith("attr:") for t in mapped):
        if pg:
            sets.append("attributes = c.attributes || excluded.attributes")
            changed.append("NOT (c.attributes @> excluded.attributes)")
        else:
            merged = "json_patch(c.attributes, excluded.attributes)"
            sets.append(f"attributes = {merged}")
            changed.append(f"{merged} <> json(c.attributes)")
    values = {c: f"s.{c}" for c in columns}
    for channel in ("email", "sms"):
        status, at, source = (
            f"{channel}_consent",
            f"{channel}_consent_at",
            f"{channel}_consent_source",
        )
        if status not in mapped:
            continue
        values[status] = _resolved_consent(status)
        same = f"c.{status} = excluded.{status}"
        no_date = f"(excluded.{at} IS NULL OR excluded.{at} = %(now)s)"
        # A consent given (or pending) never replaces a withdrawal, whatever
        # the file's dates: only the contact may consent again (by
        # subscribing). Nor one the file dates before the stored consent's
        # date (an old export): the stored consent stays. A withdrawal always
        # applies: it never lets anyone be mailed.
        older = (
            f"(excluded.{status} IN ('{Consent.GRANTED}', '{Consent.PENDING}') "
            f"AND (c.{status} = '{Consent.WITHDRAWN}' OR (NOT {no_date} "
            f"AND c.{at} IS NOT NULL AND excluded.{at} < c.{at})))"
        )
        # No source in the file: the import's own (or its withdrawal
        # column's), or none (a kept consent).
        no_source = f"excluded.{source} IN (%(source)s, %({channel}_withdrawn)s, '')"
        sets.append(
            f"{status} = CASE WHEN {older} THEN c.{status} ELSE excluded.{status} END"
        )
        sets.append(
            f"{at} = CASE WHEN {older} OR ({no_date} AND {same}) THEN c.{at} "
            f"ELSE excluded.{at} END"
        )
        sets.append(
            f"{source} = CASE WHEN {older} OR ({no_source} AND {same}) "
            f"THEN c.{source} ELSE excluded.{source} END"
        )
        changed.append(
            f"(NOT {older} AND (c.{status} <> excluded.{status} "
            f"OR (NOT {no_date} AND {distinct(f'excluded.{at}', f'c.{at}')}) "
            f"OR (NOT {no_source} AND excluded.{source} <> c.{source})))"
        )
    select = ", ".join(values[c] for c in columns)
    sql = (
        f"INSERT INTO {contact} AS c (outlet_id, {', '.join(columns)}, "
        f"created_at, updated_at) "
        f"SELECT %(outlet)s, {select}, %(now)s, %(now)s FROM {STAGE} s "
        f"WHERE s.chunk = %(chunk)s "
        f"ON CONFLICT (outlet_id, email) "
    )
    if sets:
        sql += (
            f"DO UPDATE SET {', '.join(sets)}, updated_at = excluded.updated_at "
            f"WHERE {' OR '.join(changed)} "
        )
    else:
        sql += "DO NOTHING "
    return sql + (
        "RETURNING id, CASE WHEN created_at = updated_at THEN 1 ELSE 0 END AS created, "
        "email"
    )


def write_chunk(
    chunk,
    records,
    tags,
    *,
    outlet_id,
    mapped,
    now,
    default_source,
    withdrawal_sources=None,
    set_aside=(),
    db=connection,
):
    """Stage, check and upsert one chunk; ``ChunkResult`` with the counts.

    ``withdrawal_sources``: ``{channel: source}`` the validator wrote for
    withdrawal columns (the import's own sources, like ``default_source``).
    ``set_aside``: rows rejected as conflicting duplicates, staged only.
    ``db``: the connection (wrapper) of the import's transaction, passed in
    because the import writes chunks from a worker thread (``services``).
    Raises ``RepeatedAcrossChunks`` (see ``duplicates``).
    """
    _stage_rows(db, chunk, records, tags, set_aside)
    params = {
        "outlet": outlet_id,
        "chunk": chunk,
        "now": db.ops.adapt_datetimefield_value(now),
        "source": default_source,
        **{
            f"{channel}_withdrawn": (withdrawal_sources or {}).get(
                channel, default_source
            )
            for channel in ("email", "sms")
        },
    }
    with db.cursor() as cursor:
        rejected = _reject_in_stage(cursor, chunk)
        not_restored = _not_restored(
            cursor,
            chunk,
            outlet_id,
            [c for c in ("email", "sms") if f"{c}_consent" in mapped],
        )
        upsert_sql = _upsert_sql(db, mapped)
        if "tags" not in mapped:
            cursor.execute(upsert_sql, params)
            written = cursor.fetchall()
            touched = {pk for pk, _flag, _email in written}
            created = sum(flag for _pk, flag, _email in written)
        else:
            # A tag's contact: the row the upsert just wrote (PostgreSQL
            # returns it to the same statement) or else a lookup through the
            # email_hash index, the only one usable here ("outlet_id + 0"):
            # the planner's statistics predate the rows this import added,
            # and for the outlet it would pick any index on outlet_id and scan
            # its contacts for every tag. Every staged tag's contact exists:
            # rejected rows' tags were deleted.
            lookup = (
                f"SELECT c.id FROM {Contact._meta.db_table} c "
                "WHERE c.email_hash = t.email_hash AND c.email = t.email "
                "AND c.outlet_id + 0 = %(outlet)s"
            )
            insert_tags = f"INSERT INTO {ContactTag._meta.db_table} (contact_id, name) "
            add_tags = "ON CONFLICT (contact_id, name) DO NOTHING RETURNING contact_id"
            if _pg(db):
                cursor.execute(
                    f"""WITH written AS ({upsert_sql}),
                    tagged AS (
                        {insert_tags}
                        SELECT COALESCE(w.id, ({lookup})), t.name
                        FROM {STAGE_TAGS} t LEFT JOIN written w ON w.email = t.email
                        WHERE t.chunk = %(chunk)s {add_tags})
                    SELECT id, created FROM written
                    UNION ALL SELECT contact_id, 0 FROM tagged""",
                    params,
                )
                rows = cursor.fetchall()
            else:
                cursor.execute(upsert_sql, params)
                rows = [(pk, flag) for pk, flag, _email in cursor.fetchall()]
                cursor.execute(
                    f"""{insert_tags} SELECT ({lookup}), t.name FROM {STAGE_TAGS} t
                    WHERE t.chunk = %(chunk)s {add_tags}""",
                    params,
                )
                rows += [(pk, 0) for (pk,) in cursor.fetchall()]
            # A contact whose only change is a new tag counts as updated.
            touched = {pk for pk, _flag in rows}
            created = sum(flag for _pk, flag in rows)
    staged = len(records) - len(rejected)
    return ChunkResult(
        created=created,
        updated=len(touched) - created,
        unchanged=staged - len(touched),
        rejected=rejected,
        not_restored=not_restored,
    )
