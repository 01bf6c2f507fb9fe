#!/usr/bin/env python
"""Benchmark: onboarding outlets, and the outlet listing at network scale.

Not a test: it prints numbers to paste into docs/performance.md.

1. Onboards ``--outlets`` outlets (default 1,000) through the real service,
   ``onboard_outlet()``, spread over four regions and one sub-region, and
   prints seconds, outlets/second and queries per outlet.
2. Grows the network to ``--listing-outlets`` (default 2,000) and times
   ``GET /admin/outlets/`` as an HQ user, a regional manager (~1/4 of the
   outlets) and an outlet editor (one outlet): median ms and query count, at
   every ``--checkpoints`` size (default 500 and 2,000), so a query count that
   grows with the network shows up. Page 2 and a search are timed too.
3. Prints a Markdown report: results, the command line, the machine, the
   database and the date.

Every run uses a fresh throwaway database: a temporary SQLite file by default,
or a new database created (and dropped afterwards) on the PostgreSQL server
named by ``--database-url``. The ``DATABASE_URL`` environment variable is
ignored, so a run never touches a real database.

    .venv/bin/python benchmarks/onboarding.py
    .venv/bin/python benchmarks/onboarding.py --database-url postgres://user@host:5432/postgres
"""

import argparse
import contextlib
import datetime
import inspect
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SITE = REPO_ROOT / "example_site"

REGION_SPECS = [
    # (slug, name, parent slug or None for the network root)
    ("bench-north", "North", None),
    ("bench-south", "South", None),
    ("bench-east", "East", None),
    ("bench-west", "West", None),
    ("bench-north-coast", "North Coast", "bench-north"),
]
# Outlet i goes to REGION_CYCLE[i % 8]: a quarter of the outlets under North
# (half of those in its sub-region), a quarter in each other region.
REGION_CYCLE = [
    "bench-north",
    "bench-south",
    "bench-east",
    "bench-west",
    "bench-north-coast",
    "bench-south",
    "bench-east",
    "bench-west",
]
MANAGED_REGION = "bench-north"  # the regional manager's region (~1/4 of outlets)
CITIES = [
    ("Lille", "59000", "FR"),
    ("Marseille", "13002", "FR"),
    ("Gent", "9000", "BE"),
    ("Lyon", "69002", "FR"),
    ("Antwerpen", "2000", "BE"),
    ("Nantes", "44000", "FR"),
    ("Utrecht", "3511", "NL"),
    ("Bordeaux", "33000", "FR"),
]
LISTING_URL = "/admin/outlets/"
DASHBOARD_URL = "/admin/"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--outlets",
        type=int,
        default=1000,
        help="outlets to onboard in the timed onboarding phase",
    )
    parser.add_argument(
        "--listing-outlets",
        type=int,
        default=2000,
        help="network size at which the listing is timed",
    )
    parser.add_argument(
        "--checkpoints",
        default="500",
        help="comma-separated extra network sizes at which the listing is also "
        "measured (the --listing-outlets size is always measured)",
    )
    parser.add_argument(
        "--repeat", type=int, default=15, help="timed requests per listing case"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to use, dj-database-url format; a throwaway "
        "database is created on it and dropped afterwards (default: a "
        "temporary SQLite file)",
    )
    parser.add_argument(
        "--name-order",
        choices=["interleaved", "ascending"],
        default="interleaved",
        help="interleaved: a new outlet's name sorts anywhere among its "
        "region's outlets, as when outlets are added one by one over time; "
        "ascending: each new name sorts last, as in a CSV import sorted by name",
    )
    parser.add_argument(
        "--no-shared-network",
        action="store_true",
        help="let onboard_outlet() look the network up for every outlet instead "
        "of passing network=ensure_network() as bulk callers do",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the throwaway database (prints where it is)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print where the queries of one onboarding go (by table) "
        "and the listing's queries",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default=None,
        help="run the onboarding phase under cProfile and write stats to FILE",
    )
    args = parser.parse_args(argv)
    args.checkpoint_sizes = sorted(
        {int(x) for x in args.checkpoints.split(",") if x.strip()}
        | {args.listing_outlets}
    )
    if args.outlets < 1 or args.listing_outlets < 1 or args.repeat < 1:
        parser.error("--outlets, --listing-outlets and --repeat must be positive")
    return args


def mask_url(url):
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def command_line():
    argv = list(sys.argv)
    for i, arg in enumerate(argv):
        if arg.startswith("--database-url="):
            argv[i] = "--database-url=" + mask_url(arg.split("=", 1)[1])
        elif i and argv[i - 1] == "--database-url":
            argv[i] = mask_url(arg)
    exe = sys.executable
    with contextlib.suppress(ValueError):
        exe = os.path.relpath(exe)
    return shlex.join([exe, *argv])


# --------------------------------------------------------------------------
# Django set-up on a throwaway database


class ThrowawayDatabase:
    """Points Django at a fresh database before ``django.setup()``."""

    def __init__(self, database_url, keep):
        self.database_url = database_url
        self.keep = keep
        self.tmpdir = None
        self.pg_name = None
        self.description = ""

    def configure_environment(self):
        sys.path[:0] = [str(REPO_ROOT), str(EXAMPLE_SITE)]
        os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
        os.environ["DJANGO_DEBUG"] = "0"
        if self.database_url:
            os.environ["DATABASE_URL"] = self.database_url
        else:
            self.tmpdir = tempfile.mkdtemp(prefix="distmark-bench-")
            path = Path(self.tmpdir) / "bench.sqlite3"
            os.environ["DATABASE_URL"] = f"sqlite:///{path}"
            self.description = str(path)

    def create(self):
        """After ``django.setup()``: create the PostgreSQL database if needed."""
        from django.conf import settings
        from django.db import connection

        if connection.vendor == "sqlite":
            return
        if connection.vendor != "postgresql":
            raise SystemExit(f"Unsupported database vendor: {connection.vendor}")
        self.pg_name = f"distmark_bench_{uuid.uuid4().hex[:10]}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.pg_name}"')
        connection.close()
        connection.settings_dict["NAME"] = self.pg_name
        settings.DATABASES["default"]["NAME"] = self.pg_name
        self.description = f"database {self.pg_name} on {mask_url(self.database_url)}"

    def drop(self):
        from django.db import connection

        connection.close()
        if self.keep:
            print(f"\nKept the benchmark database: {self.description}")
            return
        if self.pg_name:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


# --------------------------------------------------------------------------
# Measuring helpers


class Queries:
    """Counts the queries of a block with Django's ``CaptureQueriesContext``.

    Keep blocks under 9,000 queries: the debug cursor's log holds no more.
    """

    def __init__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)

    def __enter__(self):
        # The log is a deque of at most 9,000 entries: once full, counting by
        # its length (as CaptureQueriesContext does) would read 0. Start empty.
        self.context.connection.queries_log.clear()
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)

    def __len__(self):
        return len(self.context)

    @property
    def captured(self):
        return self.context.captured_queries


class ExecuteWrapper:
    """Base for query counters hooked in with ``connection.execute_wrapper``.

    Subclasses count in ``__call__(execute, sql, params, many, context)``;
    unlike ``CaptureQueriesContext`` no log is kept, so tens of thousands of
    queries cost nothing to count.
    """

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def query_table(sql):
    """``(verb, main table)`` of a captured SQL statement, for breakdowns."""
    words = sql.replace('"', "").replace("`", "").split()
    verb = words[0].upper() if words else "?"
    table = "?"
    upper = [w.upper() for w in words]
    keyword = {
        "SELECT": "FROM",
        "DELETE": "FROM",
        "INSERT": "INTO",
        "UPDATE": "UPDATE",
    }.get(verb)
    if keyword and keyword in upper:
        i = upper.index(keyword)
        if i + 1 < len(words):
            table = words[i + 1].strip("(),")
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        table = "(savepoint)"
    return verb, table


def print_query_breakdown(title, captured):
    print(f"\n#### {title}: {len(captured)} queries\n")
    counts = Counter(query_table(q["sql"]) for q in captured)
    print("| Statement | Table | Queries |")
    print("|---|---|---:|")
    for (verb, table), n in counts.most_common():
        print(f"| {verb} | {table} | {n} |")


def ms(seconds):
    return f"{seconds * 1000:.1f}"


def log(message):
    """Progress on stderr, so stdout holds only the Markdown report."""
    print(message, file=sys.stderr, flush=True)


def query_counts(row):
    """A report cell: a row's query counts, "12/14"."""
    return "/".join(str(c) for c in row["queries"])


# --------------------------------------------------------------------------
# The network


class Bench:
    def __init__(self, args):
        self.args = args
        self.regions = {}
        self.outlet_count = 0
        self.users = {}
        self.onboarding = {"seconds": 0.0, "queries": [], "per_outlet": []}
        self.growth = {"seconds": 0.0, "outlets": 0}
        self.listing = {}  # size -> list of result rows
        self.last_onboarding_queries = None

    # ---- set-up

    def create_regions(self):
        from wagtail_distmark.outlets.onboarding import (
            create_region,
            ensure_network,
            onboard_outlet,
        )

        self.network = ensure_network()
        # Bulk callers (the CSV import) look the network up once and pass it.
        self.shared_network = (
            not self.args.no_shared_network
            and "network" in inspect.signature(onboard_outlet).parameters
        )
        for slug, name, parent in REGION_SPECS:
            self.regions[slug] = create_region(
                name=name,
                slug=slug,
                parent=self.regions[parent] if parent else None,
            )

    def create_users(self):
        """HQ, the managed region's manager and the first outlet's editor."""
        from django.contrib.auth import get_user_model

        from wagtail_distmark.outlets.models import Outlet

        User = get_user_model()
        first_outlet = Outlet.objects.get(slug=self.outlet_slug(1))
        groups = {
            "HQ": self.network.hq_group,
            "Regional manager": self.regions[MANAGED_REGION].managers_group,
            "Outlet editor": first_outlet.editors_group,
        }
        for label, group in groups.items():
            username = "bench-" + label.lower().replace(" ", "-")
            user = User.objects.create_user(username=username, password=None)
            user.groups.add(group)
            self.users[label] = user

    @staticmethod
    def outlet_slug(i):
        return f"outlet-{i:05d}"

    def outlet_fields(self, i):
        # Every region gets every city in turn (a city is 1/8 of any region).
        cycle = len(REGION_CYCLE)
        city, postcode, country = CITIES[(i + i // cycle) % len(CITIES)]
        slug = self.outlet_slug(i)
        if self.args.name_order == "ascending":
            name = f"{i:05d} {city}"  # each new outlet sorts after the others
        else:
            name = f"{city} {i:05d}"  # lands anywhere among its region's outlets
        return {
            "name": name,
            "slug": slug,
            "region": self.regions[REGION_CYCLE[i % len(REGION_CYCLE)]],
            "hostname": f"{slug}.bench.localhost",
            "city": city,
            "postcode": postcode,
            "country": country,
        }

    # ---- onboarding

    def onboard_until(self, target, *, measure):
        """Onboard outlets until the network has ``target`` of them.

        With ``measure``, each outlet's time and queries are recorded in the
        onboarding results; otherwise the time is added to the growth phase.
        """
        from wagtail_distmark.outlets.onboarding import onboard_outlet

        while self.outlet_count < target:
            i = self.outlet_count + 1
            fields = self.outlet_fields(i)
            if self.shared_network:
                fields["network"] = self.network
            if measure:
                with Queries() as queries:
                    start = time.perf_counter()
                    onboard_outlet(**fields)
                    elapsed = time.perf_counter() - start
                self.onboarding["seconds"] += elapsed
                self.onboarding["queries"].append(len(queries))
                self.onboarding["per_outlet"].append(elapsed)
                self.last_onboarding_queries = queries.captured
            else:
                start = time.perf_counter()
                onboard_outlet(**fields)
                self.growth["seconds"] += time.perf_counter() - start
                self.growth["outlets"] += 1
            self.outlet_count = i
            if i % 100 == 0:
                self.progress(i)
            if i == 1:
                self.create_users()
            if i in self.args.checkpoint_sizes:
                self.measure_listing()

    def progress(self, i):
        onb, growth = self.onboarding, self.growth
        recent = onb["per_outlet"][-100:] if not growth["outlets"] else None
        detail = (
            f"last 100: {statistics.mean(recent) * 1000:.0f} ms/outlet, "
            f"{statistics.mean(onb['queries'][-100:]):.0f} queries/outlet"
            if recent
            else f"growth phase {growth['seconds']:.0f} s"
        )
        print(
            f"  {i:,} outlets ({onb['seconds']:.0f} s onboarding; {detail})",
            file=sys.stderr,
        )

    # ---- listing

    def listing_cases(self):
        q = CITIES[0][0]  # a city shared by 1/8 of the outlets
        return [
            ("HQ", LISTING_URL),
            ("Regional manager", LISTING_URL),
            ("Outlet editor", LISTING_URL),
            ("HQ", LISTING_URL + "?p=2"),
            ("HQ", LISTING_URL + f"?q={q}"),
            ("Regional manager", LISTING_URL + "?p=2"),
            ("Regional manager", LISTING_URL + f"?q={q}"),
            # Not the listing: the admin home shares its menu, and its summary
            # counts pages, images and documents through Wagtail's policies.
            ("HQ", DASHBOARD_URL),
            ("Regional manager", DASHBOARD_URL),
            ("Outlet editor", DASHBOARD_URL),
        ]

    def get(self, client, url, role):
        """GET ``url``: the response, or the error's one-line description."""
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 (reported, not hidden)
            return None, f"{type(error).__name__}: {error}"
        if response.status_code != 200:
            location = response.get("Location", "")
            return None, f"HTTP {response.status_code} {location}".strip()
        return response, None

    def measure_listing(self):
        from django.test import Client

        from wagtail_distmark.outlets.access import clear_network_roles
        from wagtail_distmark.outlets.models import Outlet

        rows = []
        for role, url in self.listing_cases():
            user = self.users[role]
            clear_network_roles(user)
            visible = Outlet.objects.for_user(user).count()
            client = Client()
            client.force_login(user)
            row = {"role": role, "url": url, "visible": visible, "error": None}
            rows.append(row)
            response, row["error"] = self.get(client, url, role)  # warm-up
            if row["error"]:
                print(f"  GET {url} as {role}: {row['error']}", file=sys.stderr)
                continue
            timings, counts = [], []
            for _ in range(self.args.repeat):
                with Queries() as queries:
                    start = time.perf_counter()
                    response, row["error"] = self.get(client, url, role)
                    timings.append(time.perf_counter() - start)
                if row["error"]:
                    break
                counts.append(len(queries))
            row.update(
                median=statistics.median(timings),
                min=min(timings),
                queries=sorted(set(counts)),
                captured=queries.captured,
            )
        self.listing[self.outlet_count] = rows

    # ---- run

    def run(self):
        args = self.args
        self.create_regions()
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        self.onboard_until(args.outlets, measure=True)
        if args.profile:
            profiler.disable()
            profiler.dump_stats(args.profile)
        self.onboard_until(max(args.checkpoint_sizes), measure=False)


# --------------------------------------------------------------------------
# Report


def git_revision():
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def database_info():
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (temporary file)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (throwaway database)"


def tasks_backend():
    """Where Wagtail's search and reference index updates run."""
    from django.conf import settings

    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    return f"`{backend.rsplit('.', 1)[-1]}`" if backend else "none configured"


def print_run_header(title, bench, db_label, whole_run):
    """The report's heading: command, date, machine, versions, database, load."""
    import django
    import wagtail

    print(f"\n## {title}\n")
    print(f"- Command: `{command_line()}`")
    print(f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"- Machine: {cpu_model()}, os.cpu_count() = {os.cpu_count()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, revision {bench.revision}"
    )
    print(f"- Database: {db_label}; DEBUG = False; tasks backend: {tasks_backend()}")
    load = " / ".join(f"{x:.2f}" for x in bench.loadavg)
    print(f"- Whole run: {whole_run}; load average (1 min) at start / end: {load}")


def print_report(bench, db_label, wall_seconds):

    args = bench.args
    onb = bench.onboarding
    n = len(onb["queries"])
    total = onb["seconds"]
    per = onb["per_outlet"]
    tenth = max(1, n // 10)
    target_seconds = 60 * n / 1000

    print_run_header(
        "Onboarding and outlet listing benchmark",
        bench,
        db_label,
        f"{wall_seconds:.0f} s",
    )

    print("\n### Onboarding\n")
    shared = (
        "with `network=ensure_network()` looked up once"
        if bench.shared_network
        else "without `network=` (looked up per outlet)"
    )
    order = (
        "each new name sorting after the others"
        if args.name_order == "ascending"
        else "names in no particular order within a region"
    )
    print(
        "`onboard_outlet()` called once per outlet, each in its own transaction, "
        f"{shared}, in {len(REGION_SPECS)} regions (one a sub-region), {order}; "
        "queries counted with `CaptureQueriesContext` around each call.\n"
    )
    queries = onb["queries"]
    print(
        "| Outlets | Total (s) | Outlets/s | ms/outlet (median) "
        f"| ms/outlet, first {tenth} → last {tenth} | Queries/outlet (mean) "
        f"| Queries/outlet, first {tenth} → last {tenth} |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {n:,} | {total:.1f} | {n / total:.1f} | {ms(statistics.median(per))} "
        f"| {ms(statistics.mean(per[:tenth]))} → {ms(statistics.mean(per[-tenth:]))} "
        f"| {statistics.mean(queries):.1f} "
        f"| {statistics.mean(queries[:tenth]):.1f} → "
        f"{statistics.mean(queries[-tenth:]):.1f} |"
    )
    if bench.growth["outlets"]:
        g = bench.growth
        print(
            f"\nGrowing on to {bench.outlet_count:,} outlets (no query capture): "
            f"{g['outlets']:,} more in {g['seconds']:.1f} s, "
            f"{g['outlets'] / g['seconds']:.1f} outlets/s."
        )

    sizes = sorted(bench.listing)
    print("\n### Outlet listing (`GET /admin/outlets/`, 50 per page)\n")
    print(
        f"Django test client, logged in with `force_login`; one warm-up request, "
        f"then median of {args.repeat} requests. Queries include the session "
        "and user look-ups.\n"
    )
    header = "| User | Request |"
    rule = "|---|---|"
    for size in sizes:
        header += f" Visible @{size:,} | Median ms @{size:,} | Queries @{size:,} |"
        rule += "---:|---:|---:|"
    print(header)
    print(rule)
    by_case = defaultdict(dict)
    for size in sizes:
        for row in bench.listing[size]:
            by_case[(row["role"], row["url"])][size] = row
    errors = []
    for (role, url), per_size in by_case.items():
        line = f"| {role} | `{url}` |"
        for size in sizes:
            row = per_size[size]
            if row["error"]:
                error = row["error"].replace("|", "\\|")
                line += f" {row['visible']:,} | **error**: {error} | – |"
                errors.append(f"{role} `{url}` @{size:,}: {error}")
                continue
            counts = "/".join(str(c) for c in row["queries"])
            line += f" {row['visible']:,} | {ms(row['median'])} | {counts} |"
        print(line)

    print("\n### Targets\n")
    ok = total < target_seconds
    print(
        f"- Onboard {n:,} outlets in under {target_seconds:.0f} s: "
        f"{total:.1f} s — {'met' if ok else 'MISSED'}"
    )
    if len(sizes) >= 2:
        grows = []
        for (role, url), per_size in by_case.items():
            first, last = per_size[sizes[0]], per_size[sizes[-1]]
            if first["error"] or last["error"]:
                continue
            if max(last["queries"]) > max(first["queries"]):
                grows.append(
                    f"{role} {url}: {max(first['queries'])} → {max(last['queries'])}"
                )
        if grows:
            print(
                f"- Listing query count constant from {sizes[0]:,} to "
                f"{sizes[-1]:,} outlets: GROWS ({'; '.join(grows)})"
            )
        else:
            print(
                f"- Listing query count constant from {sizes[0]:,} to "
                f"{sizes[-1]:,} outlets: met"
            )
        slower = [
            f"{role} `{url}` {ms(per_size[sizes[0]]['median'])} → "
            f"{ms(per_size[sizes[-1]]['median'])} ms"
            for (role, url), per_size in by_case.items()
            if not (per_size[sizes[0]]["error"] or per_size[sizes[-1]]["error"])
            and per_size[sizes[-1]]["median"] > 2 * per_size[sizes[0]]["median"]
        ]
        if slower:
            print(
                f"- Median time more than doubles from {sizes[0]:,} to "
                f"{sizes[-1]:,} outlets (not a target, but a warning): "
                + "; ".join(slower)
            )
    if errors:
        print("- Requests that failed: " + "; ".join(errors))

    if args.breakdown:
        print("\n### Query breakdown\n")
        print_query_breakdown(f"Onboarding outlet #{n}", bench.last_onboarding_queries)
        for row in bench.listing[sizes[-1]][:3]:
            if row["error"]:
                continue
            print_query_breakdown(
                f"{row['role']} GET {row['url']} @{sizes[-1]:,}", row["captured"]
            )
            print()
            for q in row["captured"]:
                print(f"    {q['sql'][:200]}")


def main(argv=None):
    args = parse_args(argv)
    db = ThrowawayDatabase(args.database_url, args.keep_db)
    db.configure_environment()

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    started = time.perf_counter()
    db.create()
    try:
        print(f"Migrating a fresh database ({db.description})…", file=sys.stderr)
        call_command("migrate", verbosity=0, interactive=False)
        db_label = database_info()
        bench = Bench(args)
        print(
            f"Onboarding {args.outlets:,} outlets, then growing to "
            f"{max(args.checkpoint_sizes):,} and timing the listing at "
            f"{', '.join(f'{s:,}' for s in args.checkpoint_sizes)}…",
            file=sys.stderr,
        )
        bench.revision = git_revision()  # the code as loaded, not as at the end
        bench.loadavg = [os.getloadavg()[0]]
        bench.run()
        bench.loadavg.append(os.getloadavg()[0])
        print_report(bench, db_label, time.perf_counter() - started)
    finally:
        db.drop()


if __name__ == "__main__":
    main()
