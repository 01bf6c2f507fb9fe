#!/usr/bin/env python
"""Benchmark: importing contacts into one outlet.

Not a test: it prints numbers to paste into docs/performance.md.

1. Writes a French Excel export (semicolon, Windows-1252, dd/mm/yyyy, a tags
   column) of ``--rows`` generated contacts (default 100,000) and imports it
   into an empty outlet through the real action (``ImportContactsAction``,
   as the admin's task and the command run it): seconds and rows/second.
2. Imports the same file again: it must change nothing (every row counted
   unchanged, no ``updated_at`` moved).
3. Peak Python memory (tracemalloc) of the import of ``--rows`` and of
   ``--large-rows`` (default 400,000) into fresh outlets, to show it is flat
   in file size; and the process's peak RSS.
4. Adds ``--existing`` contacts to other outlets with one SQL statement
   (``generate_series`` on PostgreSQL, a recursive CTE on SQLite; default
   5,000,000), then imports the ``--rows`` file into another empty outlet.

Every run uses a fresh throwaway database (see ``benchmarks/onboarding.py``):
a temporary SQLite file by default, or a new database on the PostgreSQL
server named by ``--database-url``.

    .venv/bin/python benchmarks/contacts_import.py
    .venv/bin/python benchmarks/contacts_import.py --database-url postgres://user@host:5432/postgres
"""

import argparse
import datetime
import os
import resource
import shlex
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Shared with the other benchmarks.
from onboarding import (  # noqa: E402
    ThrowawayDatabase,
    cpu_model,
    database_info,
    git_revision,
    log,
    mask_url,
    ms,
)

FIRST_NAMES = ["Anne", "Éloïse", "Jérôme", "Zoë", "Joost", "Inès", "Gaël", "Lieke"]
LAST_NAMES = ["Leclerc", "Bréhat", "De Smet", "Müller", "Dupont", "Janssens"]
TAGS = ["vip", "fidèle", "newsletter", "vip|fidèle", ""]
TARGETS = {"postgresql": 40_000, "sqlite": 10_000}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--large-rows", type=int, default=400_000)
    parser.add_argument(
        "--existing",
        type=int,
        default=5_000_000,
        help="contacts in other outlets before the last import (default 5,000,000)",
    )
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args(argv)


def write_file(path, rows, prefix):
    """A French Excel "CSV (séparateur: point-virgule)" export."""
    with open(path, "w", encoding="cp1252", newline="") as out:
        out.write("Courriel;Prénom;Nom;Date de naissance;Consentement;Étiquettes\r\n")
        for n in range(rows):
            out.write(
                f"{prefix}{n}@bench.example;{FIRST_NAMES[n % 8]};"
                f"{LAST_NAMES[n % 6]}-{n};{1 + n % 28:02d}/{1 + n % 12:02d}/"
                f"{1950 + n % 50};oui;{TAGS[n % 5]}\r\n"
            )
    return path


def make_outlets(count):
    from wagtail_distmark.outlets.onboarding import (
        create_region,
        ensure_network,
        onboard_outlet,
    )

    network = ensure_network()
    region = create_region(name="Bench", slug="bench")
    return [
        onboard_outlet(
            name=f"Bench outlet {i}",
            slug=f"bench-{i}",
            region=region,
            hostname=f"bench-{i}.bench.localhost",
            city="Lille",
            postcode="59000",
            country="FR",
            network=network,
        )
        for i in range(count)
    ]


def run_import(outlet, path, *, trace=False):
    from django.core.files import File

    from wagtail_distmark.contacts.imports.services import ImportContactsAction
    from wagtail_distmark.contacts.models import ContactImport

    job = ContactImport(outlet=outlet, original_name=path.name)
    with open(path, "rb") as f:
        job.file.save(path.name, File(f), save=False)
    job.save()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    job = ImportContactsAction(job).execute()
    seconds = time.perf_counter() - start
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if job.status != "done":
        raise SystemExit(f"Import failed: {job.error}")
    return job, seconds, peak


def add_existing(outlets, count, *, analyze=True):
    """``count`` contacts spread over ``outlets``, in one SQL statement."""
    from django.db import connection

    from wagtail_distmark.contacts.models import Contact

    table = Contact._meta.db_table
    ids = [o.pk for o in outlets]
    columns = (
        "outlet_id, email, email_hash, first_name, last_name, locale, gender, "
        "phone, attributes, email_consent, email_consent_source, sms_consent, "
        "sms_consent_source, created_at, updated_at, birthday, birthday_month"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""INSERT INTO {table} ({columns})
                SELECT (%s::bigint[])[1 + i %% %s], 'x' || i || '@existing.example',
                       md5(i::text) || md5((i + 1)::text), 'First', 'Last', '', '',
                       '', '{{}}', 'granted', 'bench', 'none', '', now(), now(),
                       date '1950-01-01' + (i %% 18000), 1 + i %% 12
                FROM generate_series(1, %s) AS i""",
                [ids, len(ids), count],
            )
        else:
            case = " ".join(f"WHEN {n} THEN {pk}" for n, pk in enumerate(ids))
            cursor.execute(
                f"""INSERT INTO {table} ({columns})
                WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s
                                        WHERE i < %s)
                SELECT CASE i %% {len(ids)} {case} END, 'x' || i || '@existing.example',
                       printf('%%064d', i), 'First', 'Last', '', '', '', '{{}}',
                       'granted', 'bench', 'none', '', '2026-01-01 00:00:00',
                       '2026-01-01 00:00:00', date('1950-01-01', '+' || (i %% 18000)
                       || ' days'), 1 + i %% 12
                FROM s""",
                [count],
            )
        if analyze:
            cursor.execute(f"ANALYZE {table}")


def mib(size):
    return f"{size / (1024 * 1024):.1f}"


def main(argv=None):
    args = parse_args(argv)
    revision = git_revision()  # the code as loaded, not as at the end
    db = ThrowawayDatabase(args.database_url, args.keep_db)
    db.configure_environment()
    os.environ["DJANGO_TASKS_BACKEND"] = "immediate"
    import django

    django.setup()
    from django.core.files.storage import FileSystemStorage
    from django.core.management import call_command
    from django.db import connection, transaction

    from wagtail_distmark.contacts.models import Contact, ContactImport

    workdir = Path(tempfile.mkdtemp(prefix="distmark-import-bench-"))
    # Import files and reports into the throwaway directory, not the site's.
    private = FileSystemStorage(location=workdir / "private")
    for name in ("file", "report"):
        ContactImport._meta.get_field(name).storage = private

    try:
        db.create()
        log("migrating…")
        call_command("migrate", verbosity=0, interactive=False)
        vendor = connection.vendor
        label = database_info()
        started = datetime.datetime.now().astimezone()
        log("onboarding outlets…")
        outlets = make_outlets(15)
        target, floor_outlet, mem_small, mem_large, with_existing = outlets[:5]
        others = outlets[6:]

        log(f"writing {args.rows:,} and {args.large_rows:,} rows…")
        small = write_file(workdir / "contacts.csv", args.rows, "c")
        large = write_file(workdir / "contacts-large.csv", args.large_rows, "l")
        rows = []

        log("import into an empty outlet…")
        job, seconds, _ = run_import(target, small)
        assert job.created_count == args.rows, job.created_count
        rows.append(("Import into an empty outlet", args.rows, seconds, job, None))

        # The floor: the same number of contacts written by one INSERT ...
        # SELECT generating them in SQL (no file, no checks, no staging, no
        # tags), into the same table and indexes. No import can beat it.
        log("floor: one INSERT … SELECT of as many rows…")
        t0 = time.perf_counter()
        with transaction.atomic():
            add_existing([floor_outlet], args.rows, analyze=False)
        floor_seconds = time.perf_counter() - t0

        log("re-import of the same file…")
        stamps = dict(
            Contact.objects.filter(outlet=target).values_list("pk", "updated_at")
        )
        job, seconds, _ = run_import(target, small)
        assert job.unchanged_count == args.rows, (job.updated_count, job.created_count)
        after = dict(
            Contact.objects.filter(outlet=target).values_list("pk", "updated_at")
        )
        assert after == stamps, "the re-import changed updated_at"
        rows.append(("Re-import of the same file", args.rows, seconds, job, None))

        log("memory, small file…")
        job, seconds, peak_small = run_import(mem_small, small, trace=True)
        rows.append(("Import, under tracemalloc", args.rows, seconds, job, peak_small))
        log("memory, large file…")
        job, seconds, peak_large = run_import(mem_large, large, trace=True)
        rows.append(
            (
                "Larger file, under tracemalloc",
                args.large_rows,
                seconds,
                job,
                peak_large,
            )
        )

        log(f"adding {args.existing:,} contacts to other outlets…")
        t0 = time.perf_counter()
        add_existing(others, args.existing)
        existing_seconds = time.perf_counter() - t0
        total_contacts = Contact.objects.count()
        log(f"  {ms(existing_seconds)} ms; {total_contacts:,} contacts in all")
        job, seconds, _ = run_import(with_existing, small)
        assert job.created_count == args.rows
        rows.append(
            (
                f"Import with {args.existing:,} contacts in other outlets",
                args.rows,
                seconds,
                job,
                None,
            )
        )
        job, seconds, _ = run_import(with_existing, small)
        assert job.unchanged_count == args.rows
        rows.append(
            (
                f"Re-import with {args.existing:,} contacts in other outlets",
                args.rows,
                seconds,
                job,
                None,
            )
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

        import django as dj
        import wagtail

        target_rate = TARGETS[vendor]
        base_rate = rows[0][1] / rows[0][2]
        existing_rate = rows[4][1] / rows[4][2]
        command = ["benchmarks/contacts_import.py", *(argv or sys.argv[1:])]
        command = [mask_url(c) if "://" in c else c for c in command]
        print(f"### Contact import ({label})\n")
        print(
            f"Command ({started:%Y-%m-%d %H:%M %Z}, revision {revision}; "
            f"{os.cpu_count()}-core machine, {cpu_model()}, Python "
            f"{sys.version.split()[0]}, Django {dj.get_version()}, Wagtail "
            f"{wagtail.__version__}):\n"
        )
        print(f"```sh\n.venv/bin/python {shlex.join(command)}\n```\n")
        print(
            "| Run | Rows | Seconds | Rows/s | Created / updated / unchanged / "
            "rejected | Peak Python memory (MiB) |"
        )
        print("|---|---:|---:|---:|---|---:|")
        for title, count, seconds, job, peak in rows:
            print(
                f"| {title} | {count:,} | {seconds:.2f} | {count / seconds:,.0f} | "
                f"{job.created_count:,} / {job.updated_count:,} / "
                f"{job.unchanged_count:,} / {job.rejected_count:,} | "
                f"{mib(peak) if peak else '–'} |"
            )
        print(
            f"| Floor: one `INSERT … SELECT` generating as many contacts in SQL "
            f"(no file, checks, staging or tags) | {args.rows:,} | "
            f"{floor_seconds:.2f} | {args.rows / floor_seconds:,.0f} | – | – |"
        )
        print(
            f"\nPeak RSS of the whole run: {mib(rss)} MiB. {args.existing:,} "
            f"existing contacts generated in {existing_seconds:.1f} s "
            f"({total_contacts:,} contacts in the database before the last two "
            "runs). Times include reading and checking the file and the "
            "transaction's commit; the tracemalloc runs are slower by its "
            "overhead.\n"
        )
        print(
            f"Target {target_rate:,} rows/s: "
            f"{'met' if base_rate > target_rate else 'NOT met'} "
            f"({base_rate:,.0f}); with existing contacts "
            f"{100 * existing_rate / base_rate:.0f} % of that speed (target ≥ 80 %); "
            f"memory {mib(peak_small)} → {mib(peak_large)} MiB for "
            f"{args.large_rows / args.rows:.0f}× the rows."
        )
    finally:
        db.drop()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
