#!/usr/bin/env python
"""Benchmark: counting a segment's contacts at network scale.

Not a test: it prints numbers (Markdown) for the performance notes.

1. Builds a network of ``--outlets`` outlets (default 1,000): the first
   ``--real-outlets`` (default 10) through the real onboarding, with an editor
   for outlet 1, the rest as plain outlet rows (no site or groups: segments
   only read ``outlet_id``), then ``--contacts`` contacts (default 1,000,000)
   spread evenly over them, generated in SQL (``generate_series`` on
   PostgreSQL, a recursive CTE on SQLite), with tags, attributes, consent,
   birthdays, engagement, 0.2 % erased and 1 % of the addresses suppressed.
   ``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``) runs afterwards, as
   autovacuum would.
2. Times ``count_segment()`` (contacts, and those reachable by email, in one
   query) for four segments, for one outlet (``outlet=``), for that outlet's
   editor (``user=``: the scope is the SQL subquery of their outlets) and
   network-wide (HQ): median and minimum ms of ``--repeat`` runs after one
   warm-up, and the query count (1).
3. Times the admin listing (``GET /admin/segments/``) for HQ and the editor:
   the page (outlet-scoped counts in one query; HQ's network-wide counts left
   to the page's script), the page and the count requests its script makes,
   and the page with the network-wide counts cached.
4. Prints each count's query plan and checks it: a count for one outlet (or
   its editor) must reach the contacts through an index on the outlet, never
   by scanning the whole table. The script exits non-zero after the report
   when a check fails.

Every run uses a fresh throwaway database (see ``onboarding.py``):

    .venv/bin/python benchmarks/segments.py
    .venv/bin/python benchmarks/segments.py --database-url postgres://USER@HOST:5432/postgres
    .venv/bin/python benchmarks/segments.py --contacts 20000 --outlets 50 --repeat 3
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from onboarding import (  # noqa: E402
    ThrowawayDatabase,
    command_line,
    cpu_model,
    database_info,
    git_revision,
    log,
    ms,
)

SEGMENTS = {
    # name: (rules, match)
    "Birthdays this month": (
        [
            {"type": "birthday_month", "value": {"month": "this"}},
            {"type": "consent", "value": {"channel": "email", "status": "granted"}},
        ],
        "all",
    ),
    "VIP AND email consent": (
        [
            {"type": "tag", "value": {"has": "yes", "tag": "vip"}},
            {"type": "consent", "value": {"channel": "email", "status": "granted"}},
        ],
        "all",
    ),
    "Newsletter AND (gold OR engaged in 30 days)": (
        [
            {"type": "tag", "value": {"has": "yes", "tag": "newsletter"}},
            {
                "type": "group",
                "value": {
                    "match": "any",
                    "rules": [
                        {
                            "type": "attribute",
                            "value": {
                                "attribute": "loyalty_level",
                                "operator": "eq",
                                "value": "gold",
                            },
                        },
                        {
                            "type": "last_engagement",
                            "value": {"when": "within", "days": 30},
                        },
                    ],
                },
            },
        ],
        "all",
    ),
    "Added in 90 days OR French": (
        [
            {"type": "created_since", "value": {"days": 90, "since": None}},
            {"type": "language", "value": {"language": "fr"}},
        ],
        "any",
    ),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--outlets", type=int, default=1000)
    parser.add_argument(
        "--real-outlets",
        type=int,
        default=10,
        help="outlets onboarded through onboard_outlet() (the rest are plain rows)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case")
    parser.add_argument(
        "--listing-repeat", type=int, default=3, help="timed listing requests"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--plans", action="store_true", help="print every query plan in full"
    )
    args = parser.parse_args(argv)
    if args.real_outlets < 1 or args.outlets < args.real_outlets:
        parser.error("need 1 <= --real-outlets <= --outlets")
    return args


# --------------------------------------------------------------------------
# The network and its contacts


def build_network(args):
    from django.contrib.auth import get_user_model

    from wagtail_distmark.outlets.models import Outlet
    from wagtail_distmark.outlets.onboarding import (
        create_region,
        ensure_network,
        onboard_outlet,
    )

    network = ensure_network()
    regions = [
        create_region(name=f"Region {n}", slug=f"bench-region-{n}") for n in range(4)
    ]
    for i in range(1, args.real_outlets + 1):
        onboard_outlet(
            name=f"Outlet {i:05d}",
            slug=f"outlet-{i:05d}",
            region=regions[i % 4],
            hostname=f"outlet-{i:05d}.bench.localhost",
            network=network,
        )
    Outlet.objects.bulk_create(
        Outlet(
            name=f"Outlet {i:05d}",
            slug=f"outlet-{i:05d}",
            region=regions[i % 4],
        )
        for i in range(args.real_outlets + 1, args.outlets + 1)
    )
    User = get_user_model()
    hq = User.objects.create_user("bench-hq")
    hq.groups.add(network.hq_group)
    editor = User.objects.create_user("bench-editor")
    first = Outlet.objects.get(slug="outlet-00001")
    editor.groups.add(first.editors_group)
    return first, {"HQ": hq, "Outlet editor": editor}


CONTACT_COLUMNS = (
    "outlet_id, email, email_hash, first_name, last_name, locale, birthday, "
    "birthday_month, gender, phone, attributes, email_consent, "
    "email_consent_at, email_consent_source, sms_consent, sms_consent_source, "
    "created_at, updated_at, last_engaged_at, erased_at"
)


def generate_contacts(args):
    """``--contacts`` rows in one INSERT … SELECT; tags and suppressions too.

    Contact g goes to outlet g mod n; birthdays and engagement spread with a
    multiplicative hash. The email hash is a stand-in (g padded to 64
    characters): the suppression list uses the same stand-ins for 1 % of them.
    """
    from django.db import connection

    n, count = args.outlets, args.contacts
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_outlet (n integer PRIMARY KEY, id bigint)"
        )
        cursor.execute(
            "INSERT INTO bench_outlet (n, id) SELECT ROW_NUMBER() OVER (ORDER BY id)"
            " - 1, id FROM wagtail_distmark_outlet"
        )
        if connection.vendor == "postgresql":
            series = f"SELECT g, g / {n} AS k FROM generate_series(1, {count}) AS g"
            birthday = "(DATE '1950-01-01' + ((k * 7919 + g) % 20000))"
            month = f"CAST(EXTRACT(MONTH FROM {birthday}) AS integer)"
            now = "NOW()"

            def days_ago(expr):
                return f"({now} - ({expr}) * INTERVAL '1 day')"

            pad = "LPAD(CAST(g AS text), 64, '0')"
            attrs = (
                "CAST('{\"loyalty_level\": \"' || (ARRAY['bronze','silver','gold'])"
                "[1 + k % 3] || '\", \"purchase_total\": ' || (k % 2500) || '}' "
                "AS jsonb)"
            )
            gender = "(ARRAY['f','m','x',''])[1 + k % 4]"
            locale = "(ARRAY['fr','nl','fr-BE','en'])[1 + k % 4]"
            with_clause = ""
        else:
            with_clause = (
                f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
                f"WHERE g < {count}) "
            )
            series = f"SELECT g, g / {n} AS k FROM s"
            birthday = "DATE('1950-01-01', '+' || ((k * 7919 + g) % 20000) || ' days')"
            month = f"CAST(STRFTIME('%m', {birthday}) AS integer)"

            def days_ago(expr):
                return f"DATETIME('now', '-' || ({expr}) || ' days')"

            now = "DATETIME('now')"
            pad = "PRINTF('%064d', g)"
            attrs = (
                "'{\"loyalty_level\": \"' || (CASE k % 3 WHEN 0 THEN 'bronze' "
                "WHEN 1 THEN 'silver' ELSE 'gold' END) || '\", \"purchase_total\": ' "
                "|| (k % 2500) || '}'"
            )
            gender = "(CASE k % 4 WHEN 0 THEN 'f' WHEN 1 THEN 'm' WHEN 2 THEN 'x' ELSE '' END)"
            locale = (
                "(CASE k % 4 WHEN 0 THEN 'fr' WHEN 1 THEN 'nl' WHEN 2 THEN 'fr-BE' "
                "ELSE 'en' END)"
            )
        consent = (
            "(CASE WHEN k % 20 < 14 THEN 'granted' WHEN k % 20 < 17 THEN 'none' "
            "WHEN k % 20 < 18 THEN 'pending' ELSE 'withdrawn' END)"
        )
        select = (
            f"{with_clause}"
            f"INSERT INTO wagtail_distmark_contact ({CONTACT_COLUMNS}) "
            f"SELECT (SELECT id FROM bench_outlet WHERE n = g % {n}), "
            f"'c' || g || '@bench.example', {pad}, 'First', 'Last', {locale}, "
            f"{birthday}, {month}, {gender}, '', {attrs}, {consent}, {now}, "
            f"'bench', 'none', '', {days_ago('(k * 7 + g) % 730')}, {now}, "
            f"CASE WHEN k % 3 = 0 THEN NULL ELSE {days_ago('(k * 31 + g) % 400')} END, "
            f"CASE WHEN k % 500 = 0 THEN {now} ELSE NULL END "
            f"FROM ({series}) AS series"
        )
        cursor.execute(select)
        log(f"  {count:,} contacts inserted")
        tags = (
            ("vip", f"(id / {n}) % 10 = 0"),
            ("newsletter", f"(id / {n}) % 3 = 1"),
            ("loyalty-card", f"(id / {n}) % 7 = 0"),
        )
        for name, condition in tags:
            cursor.execute(
                "INSERT INTO wagtail_distmark_contacttag (contact_id, name) "
                f"SELECT id, '{name}' FROM wagtail_distmark_contact WHERE {condition}"
            )
        cursor.execute(
            "INSERT INTO wagtail_distmark_suppression "
            "(email_hash, reason, source, created_at) "
            f"SELECT email_hash, 'bounce', 'bench', {now} "
            f"FROM wagtail_distmark_contact WHERE (id / {n}) % 100 = 7"
        )
        # What autovacuum does to a table after a bulk load: statistics, and
        # the visibility map index-only scans need.
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )
        cursor.execute("SELECT COUNT(*) FROM wagtail_distmark_contacttag")
        tag_rows = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM wagtail_distmark_suppression")
        suppressed = cursor.fetchone()[0]
    return tag_rows, suppressed


def make_segments():
    from wagtail_distmark.audiences.models import Segment
    from wagtail_distmark.contacts.models import AttributeDefinition

    AttributeDefinition.objects.create(
        key="loyalty_level",
        label="Loyalty level",
        type="choice",
        choices="bronze\nsilver\ngold",
        visibility="everyone",
    )
    return [
        Segment.objects.create(name=name, rules=rules, match=match)
        for name, (rules, match) in SEGMENTS.items()
    ]


# --------------------------------------------------------------------------
# Measuring


def timed(fn, repeat):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def explain(queryset):
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}", params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(str(r[-1]) for r in rows)


def scans_every_contact(plan, vendor):
    """Whether the plan reads the contact table without an index."""
    for line in plan.splitlines():
        if vendor == "postgresql":
            if "Seq Scan on wagtail_distmark_contact " in line + " ":
                return True
        elif line.strip() in (
            "SCAN wagtail_distmark_contact",
            "SCAN TABLE wagtail_distmark_contact",
        ):
            return True
    return False


def measure_counts(args, segments, outlet, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail_distmark.audiences.filters import FilterContext
    from wagtail_distmark.audiences.services import count_segment, segment_contacts
    from wagtail_distmark.outlets.access import user_is_hq

    for user in users.values():
        user_is_hq(user)  # permissions cached, as in any admin request
    scopes = [
        ("One outlet (`outlet=`)", {"outlet": outlet}),
        ("Outlet editor (`user=`)", {"user": users["Outlet editor"]}),
        ("Network (HQ)", {"user": users["HQ"]}),
    ]
    rows, plans, failures = [], [], []
    for segment in segments:
        for label, scope in scopes:
            context = FilterContext()

            def run(segment=segment, scope=scope, context=context):
                return count_segment(segment, context=context, **scope)

            counts, times = timed(run, args.repeat)
            with CaptureQueriesContext(connection) as queries:
                run()
            plan = explain(segment_contacts(segment, context=context, **scope))
            full_scan = scans_every_contact(plan, connection.vendor)
            if full_scan and "Network" not in label:
                failures.append(f"{segment.name} / {label}: scans every contact")
            rows.append(
                {
                    "segment": segment.name,
                    "scope": label,
                    "contacts": counts["contacts"],
                    "email": counts["email"],
                    "median": statistics.median(times),
                    "min": min(times),
                    "queries": len(queries),
                    "plan": "full scan" if full_scan else "index",
                }
            )
            plans.append((segment.name, label, plan))
            log(
                f"  {segment.name} / {label}: {counts['contacts']:,} contacts, "
                f"median {ms(statistics.median(times))} ms"
            )
    return rows, plans, failures


def measure_listing(args, users):
    """The listing as a browser gets it: the page, then (for network-wide
    counts the page leaves to its script) each count endpoint it names.

    - "page, cache empty": the page alone, no count cached (what the page
      itself costs; HQ's network-wide rows show a placeholder);
    - "page + its counts, cache empty": the page and every count request its
      script makes, one after the other (the time until every number shows);
    - "page, counts cached": the page within ``NETWORK_COUNT_SECONDS`` of a
      previous view (the cached counts are rendered, no request follows).
    """
    import re

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for label, user in users.items():
        client = Client()
        client.force_login(user)

        def page(client=client):
            response = client.get("/admin/segments/")
            assert response.status_code == 200, response.status_code
            return response

        def page_cold(page=page):
            cache.clear()
            return page()

        def page_and_counts(client=client, page=page):
            cache.clear()
            html = page().content.decode()
            urls = sorted(
                set(
                    re.findall(
                        r'data-distmark-segment-row-count data-url="([^"]+)"', html
                    )
                )
            )
            for count_url in urls:
                response = client.get(count_url)
                assert response.status_code == 200, response.status_code
            return len(urls)

        for case, fn in (
            ("page, cache empty", page_cold),
            ("page + its counts, cache empty", page_and_counts),
            ("page, counts cached", page),
        ):
            if case == "page, counts cached":
                page_and_counts()
            result, times = timed(fn, args.listing_repeat)
            if case == "page, counts cached":
                page_and_counts()
            elif case == "page, cache empty":
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                result = fn()
            requests = 1 + (result if isinstance(result, int) else 0)
            rows.append(
                {
                    "user": label,
                    "case": case,
                    "median": statistics.median(times),
                    "min": min(times),
                    "queries": len(queries),
                    "requests": requests,
                }
            )
            log(
                f"  listing as {label}, {case}: median "
                f"{ms(statistics.median(times))} ms"
            )
    return rows


# --------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(argv)
    revision = git_revision()  # the code as loaded, not as at the end
    started = time.perf_counter()
    loadavg = [os.getloadavg()[0]]
    db = ThrowawayDatabase(args.database_url, args.keep_db)
    db.configure_environment()
    import django

    django.setup()
    db.create()
    failures = []
    try:
        from django.core.management import call_command
        from django.db import connection

        log("Migrating the throwaway database…")
        call_command("migrate", verbosity=0)
        log(f"Building {args.outlets:,} outlets…")
        t0 = time.perf_counter()
        outlet, users = build_network(args)
        network_seconds = time.perf_counter() - t0
        log(f"Generating {args.contacts:,} contacts…")
        t0 = time.perf_counter()
        tag_rows, suppressed = generate_contacts(args)
        contact_seconds = time.perf_counter() - t0
        segments = make_segments()
        log("Timing counts…")
        rows, plans, failures = measure_counts(args, segments, outlet, users)
        log("Timing the listing…")
        listing = measure_listing(args, users)
        loadavg.append(os.getloadavg()[0])
        db_label = database_info()
        vendor = connection.vendor
    finally:
        db.drop()

    import wagtail

    print("## Segment counts\n")
    print(f"- Command: `{command_line()}`")
    print(f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"- Machine: {cpu_model()}, os.cpu_count() = {os.cpu_count()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, revision {revision}"
    )
    print(f"- Database: {db_label}")
    print(
        f"- Data: {args.contacts:,} contacts over {args.outlets:,} outlets "
        f"({args.contacts // args.outlets:,} each), {tag_rows:,} tags, "
        f"{suppressed:,} suppressed addresses; network built in "
        f"{network_seconds:.1f} s, contacts generated in {contact_seconds:.1f} s"
    )
    print(
        f"- Whole run: {time.perf_counter() - started:.0f} s; load average "
        f"(1 min) at start / end: {' / '.join(f'{x:.2f}' for x in loadavg)}"
    )
    print(f"\n`count_segment()`: median (min) of {args.repeat} runs after a warm-up.\n")
    print(
        "| Segment | Scope | Contacts | Reachable by email | Median ms | Min ms "
        "| Queries | Plan |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['segment']} | {r['scope']} | {r['contacts']:,} | {r['email']:,} "
            f"| {ms(r['median'])} | {ms(r['min'])} | {r['queries']} | {r['plan']} |"
        )
    print(
        f"\n`GET /admin/segments/` ({len(segments)} network segments; median (min) "
        f"of {args.listing_repeat}):\n"
    )
    print("| User | Case | HTTP requests | Median ms | Min ms | Queries |")
    print("|---|---|---:|---:|---:|---:|")
    for r in listing:
        print(
            f"| {r['user']} | {r['case']} | {r['requests']} | {ms(r['median'])} "
            f"| {ms(r['min'])} | {r['queries']} |"
        )
    print(f"\n### Query plans ({vendor})\n")
    for name, label, plan in plans:
        if not args.plans and label.startswith("Outlet editor"):
            continue
        print(f"{name} / {label}:\n\n```\n{plan}\n```\n")
    if failures:
        print("\n**Plan checks failed:**\n")
        for failure in failures:
            print(f"- {failure}")
        return 1
    print("\nPlan check: every count for one outlet reads the contacts by an index.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
