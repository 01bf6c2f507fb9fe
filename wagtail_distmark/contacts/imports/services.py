"""Running a contact import: one action, used alike by the admin (through the
task), ``manage.py distmark_import_contacts`` and the task itself.

``ImportContactsAction(contact_import, user).check()`` raises
``PermissionDenied`` unless the user may add contacts to the import's outlet
(no user: a trusted caller, the command); ``execute()`` checks, then reads
the file in chunks, rejects bad rows into the report and upserts the rest.
The import applies entirely or not at all: every chunk is written in one
transaction, rolled back on any error (and always, for a dry run).
"""

import csv
import datetime
import io
import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict

import rules
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ...outlets.access import outlet_access_q, user_is_hq
from ...outlets.models import Outlet
from ...outlets.roles import CONTACT_ACTION_ROLES
from ..models import AttributeDefinition, Consent, ContactAccess, ContactImport
from ..visibility import visible_attributes, visible_fields
from . import upsert
from .duplicates import (
    ChunkRows,
    HeldRows,
    RepeatedAcrossChunks,
    repeated_emails,
)
from .mapping import (
    ATTRIBUTE_PREFIX,
    BREVO,
    CONSENT_CONFIRMATIONS,
    FIELD_OF,
    FIELDS,
    IGNORE,
    MAILCHIMP,
    MAILCHIMP_UNSUBSCRIBED,
    ORIGIN_NAMES,
    auto_map,
    detect_origin,
    normalise_header,
)
from .reader import ImportFileError, open_table
from .validation import (
    NO,
    YES,
    DateOrderEvidence,
    Rejection,
    RowValidator,
    utc_text,
)

logger = logging.getLogger(__name__)

#: Rows per chunk: one staging load and one upsert each.
CHUNK_SIZE = 5000
ADD_PERMISSION = "wagtail_distmark.add_contact"
PROGRESS_TIMEOUT = 24 * 3600


def may_import(user, outlet):
    """Whether ``user`` may import contacts into ``outlet``."""
    return rules.has_perm(ADD_PERMISSION, user, outlet)


def importable_outlets(user):
    """The outlets ``user`` may add contacts to (the upload form's choices)."""
    if user_is_hq(user):
        return Outlet.objects.all()
    return Outlet.objects.filter(outlet_access_q(user, CONTACT_ACTION_ROLES["add"]))


def importable_definitions(user, outlet_id):
    """The attributes an import by ``user`` may fill: those they see (no
    user: a trusted caller, every one). To the user, a hidden attribute does
    not exist: a column for it is an unknown attribute, as for any other."""
    if user is None or user_is_hq(user):
        return list(AttributeDefinition.objects.all())
    return visible_attributes(user, outlet_id)


def writable_fields(user, outlet_id):
    """The contact fields (``FIELDS`` keys) an import by ``user`` may fill:
    those they see, as in the contact form (no user: every one)."""
    if user is None:
        return set(FIELDS)
    visible = set(visible_fields(user, outlet_id))
    return {target for target in FIELDS if FIELD_OF.get(target, target) in visible}


def restrict_mapping(mapping, user, outlet_id):
    """``mapping`` with the columns aimed at fields ``user`` may not fill left
    out, and the positions of those columns."""
    allowed = writable_fields(user, outlet_id)
    restricted, left_out = [], []
    for index, target in enumerate(mapping):
        if target in FIELDS and target not in allowed:
            restricted.append(IGNORE)
            left_out.append(index)
        else:
            restricted.append(target)
    return restricted, left_out


def visible_imports(user):
    """Imports into the outlets ``user`` may add contacts to."""
    imports = ContactImport.objects.select_related("outlet", "created_by")
    if user_is_hq(user):
        return imports
    return imports.filter(outlet__in=importable_outlets(user))


def report_header():
    """The rejected rows report's header, in the active language."""
    return [_("line"), _("column"), _("value"), _("reason")]


def is_rejected_rows_report(header):
    """Whether ``header`` is a rejected rows report's, in any of the site's
    languages. A report is no contact file: it holds a column of addresses
    beside other rows' reasons, so it is refused rather than imported."""
    names = [normalise_header(name) for name in header]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if names == [normalise_header(name) for name in report_header()]:
                return True
    return False


CONFIRMED_SOURCE = _(
    "%(origin)s (%(file)s): email consent confirmed by %(user)s on import"
)


def consent_confirmed(contact_import, user, origin):
    """Whether the import may take the file's rows as having given email
    consent: the user confirmed it on the mapping page, for an export whose
    rows did (``CONSENT_CONFIRMATIONS``), and may write the consent."""
    return bool(
        contact_import.mapping.get("consent_confirmed")
        and origin in CONSENT_CONFIRMATIONS
        and "email_consent" in writable_fields(user, contact_import.outlet_id)
    )


#: The source of a consent withdrawn by a withdrawal column, by the tool that
#: exported the file and the channel ("" for any other file).
WITHDRAWAL_SOURCES = {
    (BREVO, "email"): _(
        "%(origin)s (%(file)s): on Brevo's email blocklist (%(column)s), "
        "imported as withdrawn"
    ),
    (BREVO, "sms"): _(
        "%(origin)s (%(file)s): on Brevo's SMS blocklist (%(column)s), "
        "imported as withdrawn"
    ),
    (MAILCHIMP_UNSUBSCRIBED, "email"): _(
        "%(origin)s (%(file)s): unsubscribed in Mailchimp (%(column)s), "
        "imported as withdrawn"
    ),
    ("", "email"): _(
        "Import of %(file)s: email unsubscribed or blocklisted (%(column)s), "
        "imported as withdrawn"
    ),
    ("", "sms"): _(
        "Import of %(file)s: SMS unsubscribed or blocklisted (%(column)s), "
        "imported as withdrawn"
    ),
}


def withdrawal_sources(header, mapping, origin, file_name):
    """``{channel: source}`` for the consents the file's withdrawal columns
    withdraw: named after the tool's blocklist or unsubscriptions and the
    column, never the confirmed consent's source."""
    sources = {}
    for channel in ("email", "sms"):
        target = f"{channel}_withdrawn"
        if target not in mapping:
            continue
        index = mapping.index(target)
        column = header[index] if index < len(header) else ""
        template = WITHDRAWAL_SOURCES.get(
            (origin, channel), WITHDRAWAL_SOURCES[("", channel)]
        )
        sources[channel] = str(
            template
            % {
                "origin": ORIGIN_NAMES.get(origin, ""),
                "file": file_name,
                "column": column or FIELDS[target],
            }
        )[:255]
    return sources


NOT_RESTORED = {
    "email": _(
        "Email consent not restored: the contact withdrew it on %(date)s; only "
        "the contact can give it again, by subscribing"
    ),
    "sms": _(
        "SMS consent not restored: the contact withdrew it on %(date)s; only "
        "the contact can give it again, by subscribing"
    ),
}
NOT_RESTORED_UNDATED = {
    "email": _(
        "Email consent not restored: the contact withdrew it; only the contact "
        "can give it again, by subscribing"
    ),
    "sms": _(
        "SMS consent not restored: the contact withdrew it; only the contact "
        "can give it again, by subscribing"
    ),
}


def not_restored_reason(channel, withdrawn_at):
    """The report's reason for a consent a row gave that stays withdrawn."""
    if isinstance(withdrawn_at, str):  # SQLite, through a raw cursor
        withdrawn_at = datetime.datetime.fromisoformat(withdrawn_at)
    if withdrawn_at is None:
        return str(NOT_RESTORED_UNDATED[channel])
    if timezone.is_naive(withdrawn_at):  # stored in UTC
        withdrawn_at = withdrawn_at.replace(tzinfo=datetime.UTC)
    return str(NOT_RESTORED[channel]) % {"date": utc_text(withdrawn_at)}


# -- The order of a file's dates ----------------------------------------------

DATE_ORDER_TEXTS = {
    "day": _(
        "“%(column)s”: dates read day first (DD/MM), as line %(line)s shows "
        "(%(value)s)."
    ),
    "month": _(
        "“%(column)s”: dates read month first (MM/DD), as line %(line)s shows "
        "(%(value)s)."
    ),
    "ambiguous": _(
        "“%(column)s”: no date in the file tells whether the day or the month "
        "comes first; they are read month first (MM/DD), Mailchimp's default. "
        "Check a few contacts after the import."
    ),
    "mixed": _(
        "“%(column)s”: the file mixes both orders (line %(line)s: %(value)s is "
        "month first; line %(other_line)s: %(other_value)s is day first). Dates "
        "are read month first (MM/DD), Mailchimp's default, and the rows that "
        "cannot be read so are rejected."
    ),
    # Files from other tools: day first unless the file shows otherwise.
    "ambiguous-day": _(
        "“%(column)s”: no date in the file tells whether the day or the month "
        "comes first; they are read day first (DD/MM). Check a few contacts "
        "after the import."
    ),
    "mixed-day": _(
        "“%(column)s”: the file mixes both orders (line %(line)s: %(value)s is "
        "month first; line %(other_line)s: %(other_value)s is day first). Dates "
        "are read day first (DD/MM), and the rows that cannot be read so are "
        "rejected."
    ),
}


def date_columns(mapping, definitions, origin=""):
    """The columns whose ``dd/mm`` dates may be in either order: the birthday
    and date attributes, of any file (a Mailchimp export follows its
    audience's setting; another tool may write US dates)."""
    columns = []
    for index, target in enumerate(mapping):
        definition = None
        if target.startswith(ATTRIBUTE_PREFIX):
            definition = definitions.get(target[len(ATTRIBUTE_PREFIX) :])
        if target == "birthday" or (
            definition is not None and definition.type == AttributeDefinition.Type.DATE
        ):
            columns.append(index)
    return columns


def month_first_by_default(origin):
    """A Mailchimp export's default order is MM/DD; any other file's DD/MM."""
    return origin.startswith(MAILCHIMP)


def scan_date_orders(fileobj, columns, origin=""):
    """``{column index: DateOrder}``, decided once from every row of the file
    (one pass, only for the columns of ``date_columns``). Outside Mailchimp,
    a column without any ``dd/mm`` date (ISO dates, Excel date cells) has no
    order to decide, so none to say."""
    if not columns:
        return {}
    evidence = {index: DateOrderEvidence() for index in columns}
    table = open_table(fileobj)
    try:
        undecided = set(columns)
        for line, cells in table.rows:
            for index in list(undecided):
                if index < len(cells) and evidence[index].add(line, cells[index]):
                    undecided.discard(index)
            if not undecided:
                break
    finally:
        table.close()
    default = month_first_by_default(origin)
    return {
        index: found.order(default)
        for index, found in evidence.items()
        if default or found.seen
    }


def date_order_summary(header, orders):
    """The decisions as kept on the import (``mapping["date_orders"]``)."""
    return [
        {"column": header[index] if index < len(header) else "", **asdict(order)}
        for index, order in sorted(orders.items())
    ]


def date_order_texts(summary):
    """What the mapping and result pages say of each decision."""
    texts = []
    for item in summary:
        basis = item["basis"]
        if basis in ("ambiguous", "mixed") and not item["month_first"]:
            basis += "-day"
        texts.append(str(DATE_ORDER_TEXTS[basis]) % item)
    return texts


# -- What a withdrawal column says -------------------------------------------

WITHDRAWAL_TEXTS = {
    "values": _(
        "Rows marked %(values)s in “%(column)s” are imported with their email "
        "consent withdrawn, whatever else they say."
    ),
    "values-dates": _(
        "Rows marked %(values)s, or with a date, in “%(column)s” are imported "
        "with their email consent withdrawn, whatever else they say."
    ),
    "dates": _(
        "Rows with a date in “%(column)s” are imported with their email consent "
        "withdrawn, whatever else they say."
    ),
    "none": _(
        "Rows marked in “%(column)s” (yes, or a date) are imported with their "
        "email consent withdrawn, whatever else they say."
    ),
}
#: Enough spellings of "yes" to name (a file writes one or two).
MAX_WITHDRAWAL_VALUES = 3


def withdrawal_texts(fileobj, header, columns):
    """What the mapping page says of each withdrawal column, in the file's
    own words: the "yes" it writes (Brevo's ``Yes``), or that a date
    withdraws (Mailchimp's ``UNSUB_TIME``). One pass over the file."""
    if not columns:
        return []
    found = {index: ({}, [False]) for index in columns}
    table = open_table(fileobj)
    try:
        for _line, cells in table.rows:
            for index, (spellings, dated) in found.items():
                value = cells[index] if index < len(cells) else ""
                text = str(value).strip()
                if not text or text.lower() in NO:
                    continue
                if text.lower() in YES:
                    if len(spellings) < MAX_WITHDRAWAL_VALUES:
                        spellings.setdefault(text, None)
                else:
                    dated[0] = True
    finally:
        table.close()
    texts = []
    for index, (spellings, dated) in found.items():
        values = ", ".join(f"“{text}”" for text in spellings)
        key = ("values" if values else "") + ("-dates" if dated[0] else "")
        key = {"": "none", "-dates": "dates"}.get(key, key)
        column = header[index] if index < len(header) else ""
        texts.append(str(WITHDRAWAL_TEXTS[key]) % {"column": column, "values": values})
    return texts


REPORT_REFUSED = _(
    "This is a rejected rows report, not a contact file. Correct the rows it "
    "names in your original file, then import that file again."
)


def safe_cell(value):
    """A report cell a spreadsheet will not run as a formula."""
    value = str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# -- Progress -----------------------------------------------------------------
#
# The import runs in one transaction, so the ContactImport row it would update
# stays invisible to the admin's polling until the end. Progress goes around
# that transaction instead: into Django's cache (always), and on PostgreSQL
# also onto the row through a second connection in autocommit, which the
# polling request reads from any process. SQLite allows one writer at a time:
# a second connection would wait for the import's own lock, so there the
# cache alone carries the progress (shared by the web and worker processes
# when the project's cache is, e.g. Redis, the database or file cache).


def progress_key(pk):
    return f"distmark:contact-import:{pk}:progress"


def read_progress(contact_import):
    """``(processed, total)``: live from the cache, else from the row."""
    live = cache.get(progress_key(contact_import.pk))
    if live and contact_import.status == ContactImport.Status.RUNNING:
        return live
    return contact_import.processed_rows, contact_import.total_rows


class ProgressReporter:
    def __init__(self, contact_import):
        self.pk = contact_import.pk
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def report(self, processed, total):
        cache.set(progress_key(self.pk), (processed, total), PROGRESS_TIMEOUT)
        if self.side is not None:
            try:
                with self.side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ContactImport._meta.db_table} "
                        "SET processed_rows = %s, total_rows = %s WHERE id = %s",
                        [processed, total, self.pk],
                    )
            except Exception:  # progress is best effort, never the import's end
                logger.exception("Could not record the import's progress")
                self.close()

    def close(self):
        if self.side is not None:
            self.side.close()
            self.side = None
        cache.delete(progress_key(self.pk))


def report_language(user):
    """The admin language ``user`` chose, else the site's."""
    if user is not None:
        from wagtail.users.models import UserProfile

        preferred = UserProfile.get_for_user(user).get_preferred_language()
        if preferred:
            return preferred
    return settings.LANGUAGE_CODE


def in_language(language, function):
    """``function`` running with ``language`` active (in another thread)."""

    def run(*args, **kwargs):
        with translation.override(language):
            return function(*args, **kwargs)

    return run


# -- The action -----------------------------------------------------------------


class ImportContactsAction:
    def __init__(self, contact_import, user=None, *, chunk_size=None):
        self.contact_import = contact_import
        self.user = user
        self.chunk_size = chunk_size or CHUNK_SIZE
        self._date_orders = []

    def check(self):
        if self.user is not None and not may_import(
            self.user, self.contact_import.outlet
        ):
            raise PermissionDenied(
                _("You may not import contacts into %(outlet)s.")
                % {"outlet": self.contact_import.outlet}
            )

    def execute(self):
        self.check()
        # The report and messages in the language of whoever started the
        # import (a task has no request to take it from).
        with translation.override(report_language(self.contact_import.created_by)):
            return self._execute()

    def _execute(self):
        job = self.contact_import
        job.status = ContactImport.Status.RUNNING
        job.error = ""
        job.processed_rows = job.created_count = job.updated_count = 0
        job.unchanged_count = job.rejected_count = 0
        job.save()
        reporter = ProgressReporter(job)
        report = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
        try:
            counts = self._run_file(report, reporter)
        except Exception as error:
            reporter.close()
            report.close()
            job.status = ContactImport.Status.FAILED
            job.error = (
                str(error)
                if isinstance(error, ImportFileError)
                else str(_("The import failed; nothing was imported: %(error)s"))
                % {"error": error}
            )
            job.finished_at = timezone.now()
            job.save()
            if not isinstance(error, ImportFileError):
                logger.exception("Contact import %s failed", job.pk)
            return job
        reporter.close()
        # Kept with the import's other facts about the file (no count field
        # of its own yet): shown on the result page and in the progress JSON.
        not_restored = counts.pop("consent_not_restored")
        job.mapping.pop("consent_not_restored", None)
        if not_restored:
            job.mapping["consent_not_restored"] = not_restored
        job.mapping.pop("date_orders", None)
        if self._date_orders:
            job.mapping["date_orders"] = self._date_orders
        for name, value in counts.items():
            setattr(job, name, value)
        if job.rejected_count or not_restored:
            report.seek(0)
            job.report.save(f"rejected-{job.pk}.csv", File(report), save=False)
        report.close()
        job.status = ContactImport.Status.DONE
        job.finished_at = timezone.now()
        job.save()
        return job

    def _run_file(self, report, reporter):
        """Run the import on the file; once more, holding repeated addresses,
        if a later chunk repeats an address an earlier one wrote differently
        (see ``duplicates``: the first run is rolled back)."""
        held = HeldRows({})
        while True:
            with self.contact_import.file.open("rb") as fileobj:
                table = open_table(fileobj)
                text = io.TextIOWrapper(report, "utf-8", newline="")
                try:
                    return self._run(table, text, reporter, held)
                except RepeatedAcrossChunks:
                    if held:  # never twice: every repeated address was held
                        raise
                finally:
                    table.close()
                    text.flush()
                    text.detach()  # the report stays open
            report.seek(0)
            report.truncate()
            with self.contact_import.file.open("rb") as fileobj:
                table = open_table(fileobj)
                try:
                    held = HeldRows(repeated_emails(table.rows, self._email_index))
                finally:
                    table.close()

    def _run(self, table, text, reporter, held):
        job = self.contact_import
        # What the user may write is checked here, whatever the mapping says:
        # a hidden field's column is left out, a hidden attribute is unknown.
        definitions = {
            d.key: d for d in importable_definitions(self.user, job.outlet_id)
        }
        if is_rejected_rows_report(table.header):
            raise ImportFileError(REPORT_REFUSED)
        mapping = list(job.mapping.get("columns") or [])
        if len(mapping) != len(table.header):
            mapping = auto_map(table.header, definitions)
        mapping, _left_out = restrict_mapping(mapping, self.user, job.outlet_id)
        if "email" not in mapping:
            raise ImportFileError(_("No column is mapped to the email address."))
        now = timezone.now()
        origin = detect_origin(table.header)
        confirmed = consent_confirmed(job, self.user, origin)
        if confirmed:
            default_source = CONFIRMED_SOURCE % {
                "origin": ORIGIN_NAMES[origin],
                "file": job.original_name,
                "user": job.mapping.get("confirmed_by") or _("the import command"),
            }
        else:
            default_source = _("Import of %(file)s") % {"file": job.original_name}
        default_source = str(default_source)[:255]
        language = translation.get_language()
        # The file's day/month order, decided once per date column from the
        # whole file (a second file object: the table reads the first).
        date_orders = {}
        columns = date_columns(mapping, definitions, origin)
        if columns:
            with job.file.storage.open(job.file.name, "rb") as fileobj:
                date_orders = scan_date_orders(fileobj, columns, origin)
        self._date_orders = date_order_summary(table.header, date_orders)
        withdrawn_sources = withdrawal_sources(
            table.header, mapping, origin, job.original_name
        )
        validator = RowValidator(
            table.header,
            mapping,
            definitions,
            default_source=default_source,
            now=now,
            origin=origin,
            consent_confirmed=confirmed,
            withdrawal_sources=withdrawn_sources,
            date_orders=date_orders,
        )
        # What the upsert writes: the mapped fields, and the consent of each
        # channel the file speaks of (a consent or withdrawal column, or the
        # user's confirmation).
        mapped = {t for t in mapping if t != IGNORE} | {
            f"{channel}_consent" for channel in validator.consent_channels
        }
        self._email_index = mapping.index("email")
        email_label = validator.label(self._email_index, "email")
        consent_labels = {
            channel: (
                validator.label(mapping.index(f"{channel}_consent"), "")
                if f"{channel}_consent" in mapping
                else str(FIELDS[f"{channel}_consent"])
            )
            for channel in ("email", "sms")
        }
        writer = csv.writer(text)
        writer.writerow(report_header())
        counts = dict.fromkeys(
            (
                "processed_rows",
                "created_count",
                "updated_count",
                "unchanged_count",
                "rejected_count",
                "consent_not_restored",
            ),
            0,
        )
        total = table.total_rows
        reporter.report(0, total)

        def write_rejections(rejections):
            for r in sorted(rejections, key=lambda r: r.line):
                writer.writerow(
                    [
                        r.line,
                        safe_cell(r.field),
                        safe_cell(r.value),
                        safe_cell(r.reason),
                    ]
                )

        # The database writes each chunk while this thread reads and checks
        # the next one: a second thread, on this thread's connection (so in
        # the import's transaction), one chunk at a time and in order. The
        # two alternate, never overlap, on the connection: this thread only
        # touches it again after ``collect()`` waited for the writer.
        db = connections[DEFAULT_DB_ALIAS]
        in_flight = None  # (future, the chunk's rejections found here)

        def collect():
            nonlocal in_flight
            if in_flight is None:
                return
            future, rejections = in_flight
            in_flight = None
            result = future.result()
            counts["created_count"] += result.created
            counts["updated_count"] += result.updated
            counts["unchanged_count"] += result.unchanged
            rejections += [
                Rejection(r.line, email_label, r.reason, r.value)
                for r in result.rejected
            ]
            # Not rejected (the rest of the row applies), but reported.
            kept = [
                Rejection(
                    line,
                    consent_labels[channel],
                    not_restored_reason(channel, withdrawn_at),
                    str(Consent(staged).label),
                )
                for line, channel, staged, withdrawn_at in result.not_restored
            ]
            counts["consent_not_restored"] += len(kept)
            finish(rejections, kept)

        def finish(rejections, notes=()):
            counts["rejected_count"] += len({r.line for r in rejections})
            write_rejections([*rejections, *notes])

        with (
            upsert.import_cache(db),
            transaction.atomic(),
            ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="distmark-import"
            ) as chunk_writer,
        ):
            upsert.create_stage(db)
            db.inc_thread_sharing()
            try:
                chunk = 0
                rows, rejections = ChunkRows(email_label), []

                def flush():
                    nonlocal rows, rejections, in_flight
                    records, tags, set_aside, conflicts, identical = rows.finish()
                    rejections += conflicts
                    counts["unchanged_count"] += identical
                    collect()
                    reporter.report(counts["processed_rows"], total)
                    if records or set_aside:
                        future = chunk_writer.submit(
                            in_language(language, upsert.write_chunk),
                            chunk,
                            records,
                            tags,
                            outlet_id=job.outlet_id,
                            mapped=mapped,
                            now=now,
                            default_source=default_source,
                            withdrawal_sources=withdrawn_sources,
                            set_aside=set_aside,
                            db=db,
                        )
                        in_flight = (future, rejections)
                    else:
                        finish(rejections)
                    rows, rejections = ChunkRows(email_label), []

                chunk = 1
                processed = 0
                validate = validator.validate
                for line, cells in table.rows:
                    processed += 1
                    record, row_tags, errors = validate(line, cells)
                    if errors:
                        rejections.extend(errors)
                    elif not held.counts:
                        rows.add(record, row_tags)
                    else:
                        group = held.hold(record, row_tags)
                        if group is None:
                            rows.add(record, row_tags)
                        elif group:
                            rows.add_rows(group)
                    if processed % self.chunk_size == 0:
                        counts["processed_rows"] = processed
                        flush()
                        chunk += 1
                counts["processed_rows"] = processed
                for group in held.rest():
                    rows.add_rows(group)
                flush()
                collect()
            finally:
                # Never leave the writer running on the connection (an error
                # here rolls the transaction back under it).
                if in_flight is not None:
                    wait([in_flight[0]])
                db.dec_thread_sharing()
            upsert.drop_stage(db)
            if job.dry_run:
                transaction.set_rollback(True)
            else:
                ContactAccess.objects.create(
                    user=job.created_by,
                    username=job.created_by.get_username() if job.created_by else "",
                    action=ContactAccess.Action.IMPORT,
                    outlet_id=job.outlet_id,
                    contact_count=counts["created_count"] + counts["updated_count"],
                    detail={"import": job.pk, "file": job.original_name},
                )
        counts["total_rows"] = counts["processed_rows"]
        return counts
