#!/usr/bin/env python
"""Benchmark: who sees which pending reviews of the local publishing workflow.

Not a test: it prints numbers to paste into docs/performance.md.

Builds a network of outlets in four regions and one sub-region, each outlet
with an editor and (but every fifth) a manager, a manager for three of the
regions, and an HQ user (a member of the HQ group, not a superuser). Every
outlet's editor submits one "Spring promotion" page to the Local publishing
workflow (``page.get_workflow().start(page, editor)``): the brand checks pass
and approve by themselves, and each submission waits at "Outlet approval".
Then, at every ``--outlets`` size (default 100 and 1,000 outlets, as many
pending submissions), for an outlet manager, a regional manager and HQ:

1. ``list(TaskState.objects.reviewable_by(user))``, which asks
   ``OutletApprovalTask.get_task_states_user_can_moderate(user)``: median ms
   over ``--repeat`` calls, each with the user freshly loaded as a request
   would, and the number of SQL queries;
2. the admin dashboard, ``GET /admin/``, whose "Awaiting your review" panel is
   built from the same call and then renders one row per state: median ms and
   query count through the Django test client;
3. where the dashboard's queries come from (our code, by function and line,
   or Wagtail's own per-row rendering), from one more request with every
   query's call stack recorded, so a count that grows with the network is
   attributed.

Approvers resolve per outlet: the outlet's managers, else the managers of the
nearest region above it, else HQ. Outlets without a manager are placed so that
both fallbacks occur: those in North go to North's manager, those in its
sub-region North Coast (which has no manager) also to North's, those in West
(no manager) to HQ. The states each user sees are checked against those rules,
and an outlet manager must see exactly their own outlet's submission.

Every run uses a fresh throwaway database (a temporary SQLite file, or a new
database on the PostgreSQL server named by ``--database-url``); the
``DATABASE_URL`` environment variable is ignored. Mail goes to Django's
in-memory backend.

    .venv/bin/python benchmarks/workflows.py
    .venv/bin/python benchmarks/workflows.py --smoke
"""

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Shared with the onboarding benchmark: the throwaway database, query capture,
# the network's regions and the report's header lines.
from onboarding import (  # noqa: E402
    CITIES,
    REGION_CYCLE,
    REGION_SPECS,
    REPO_ROOT,
    ExecuteWrapper,
    Queries,
    ThrowawayDatabase,
    database_info,
    git_revision,
    log,
    ms,
    print_query_breakdown,
    print_run_header,
    query_counts,
)

DASHBOARD_URL = "/admin/"
EVENT_DATE = "2027-04-10"  # the Spring promotion's required field
# Outlets i with i % NO_MANAGER_EVERY == 0 have no manager of their own.
NO_MANAGER_EVERY = 5
# Regions with a manager; North Coast (under North) and West have none, so
# their manager-less outlets go to North's manager and to HQ respectively.
MANAGED_REGIONS = ("bench-north", "bench-south", "bench-east")
MEASURED_REGION = "bench-north"
MEASURED_OUTLET = 1  # its manager is the measured outlet manager
OTHER_OUTLET = 2  # a submission the outlet manager must not see
ROLES = ("Outlet manager", "Regional manager", "HQ")
SMOKE_SIZES = "20,60"
SMOKE_REPEAT = 3

DISTMARK_DIR = str(REPO_ROOT / "wagtail_distmark") + os.sep
BENCH_FILE = str(Path(__file__).resolve())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--outlets",
        default="100,1000",
        help="comma-separated network sizes at which to measure (outlets, "
        "and as many pending submissions); the network grows from one to the next",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=15,
        help="timed calls per case (reviewable_by and the dashboard each)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to use, dj-database-url format; a throwaway "
        "database is created on it and dropped afterwards (default: a "
        "temporary SQLite file)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"a quick run: --outlets {SMOKE_SIZES} --repeat {SMOKE_REPEAT} "
        "(overrides both)",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the throwaway database (prints where it is)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print every query origin of the dashboard at the largest "
        "size, and the queries by table of reviewable_by and the dashboard",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.outlets, args.repeat = SMOKE_SIZES, SMOKE_REPEAT
    try:
        args.sizes = sorted({int(x) for x in args.outlets.split(",") if x.strip()})
    except ValueError:
        parser.error("--outlets takes comma-separated integers")
    if not args.sizes or args.sizes[0] < 2 * NO_MANAGER_EVERY or args.repeat < 1:
        parser.error(
            f"--outlets sizes must be at least {2 * NO_MANAGER_EVERY}, "
            "--repeat positive"
        )
    return args


# --------------------------------------------------------------------------
# Counting and attributing queries


class QueryCount(ExecuteWrapper):
    """Counts queries through ``connection.execute_wrapper`` (no log kept)."""

    def __init__(self):
        self.total = 0

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        return execute(sql, params, many, context)


def _short(filename):
    if filename.startswith(DISTMARK_DIR):
        return os.path.relpath(filename, REPO_ROOT)
    marker = os.sep + "site-packages" + os.sep
    if marker in filename:
        return filename.split(marker, 1)[1]
    return filename


def query_origin(frame):
    """Where the query being executed at ``frame`` comes from.

    Ours when any frame of the stack is in ``wagtail_distmark/``: the frame
    where the chain of our calls was entered and the one that ran the query
    (innermost), by file, line and function. Otherwise Wagtail's or Django's:
    the innermost Wagtail frame or template tag, whichever is deeper.
    """
    ours = []
    theirs = None
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename
        if filename.startswith(DISTMARK_DIR):
            ours.append(f"{_short(filename)}:{frame.f_lineno} {code.co_name}")
        elif theirs is None and filename != BENCH_FILE:
            if (
                code.co_name == "render_annotated"
                and filename.endswith(os.path.join("django", "template", "base.py"))
                and hasattr(frame.f_locals.get("self"), "origin")
            ):
                node = frame.f_locals["self"]
                token = getattr(node, "token", None)
                line = f":{token.lineno}" if token is not None else ""
                name = getattr(node.origin, "template_name", None) or node.origin.name
                theirs = f"template {name}{line}"
            elif f"{os.sep}wagtail{os.sep}" in filename and "site-packages" in filename:
                theirs = f"{_short(filename)}:{frame.f_lineno} {code.co_name}"
        frame = frame.f_back
    if ours:
        entry, issued = ours[-1], ours[0]
        return ("ours", entry if entry == issued else f"{entry} → {issued}")
    return ("wagtail", theirs or "django (no Wagtail frame)")


class OriginCounter(ExecuteWrapper):
    """Counts queries by origin (see ``query_origin``)."""

    def __init__(self):
        self.by_origin = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.by_origin[query_origin(sys._getframe(1))] += 1
        return execute(sql, params, many, context)

    @property
    def ours(self):
        return sum(n for (kind, _), n in self.by_origin.items() if kind == "ours")


# --------------------------------------------------------------------------
# The bench


class Bench:
    def __init__(self, args):
        self.args = args
        self.regions = {}
        self.outlets = []  # Outlet, by index - 1
        self.pages = {}  # outlet index -> LocalPage pk
        self.managers = {}  # outlet index -> manager user (absent: none)
        self.users = {}  # role -> measured user
        self.setup = {"onboard": 0.0, "pages": 0.0, "submit": []}
        self.submit_queries = []
        self.results = {}  # size -> role -> row

    # ---- set-up

    def create_network(self):
        from django.contrib.auth import get_user_model

        from wagtail_distmark.inheritance.demo import ensure_spring_promotion
        from wagtail_distmark.outlets.onboarding import create_region, ensure_network

        User = get_user_model()
        self.network = ensure_network()
        for slug, name, parent in REGION_SPECS:
            self.regions[slug] = create_region(
                name=name,
                slug=slug,
                parent=self.regions[parent] if parent else None,
            )
        self.region_managers = {}
        for slug in MANAGED_REGIONS:
            user = User.objects.create_user(username=f"bench-{slug}-manager")
            user.groups.add(self.regions[slug].managers_group)
            self.region_managers[slug] = user
        hq = User.objects.create_user(username="bench-hq")
        hq.groups.add(self.network.hq_group)
        self.users["HQ"] = hq
        self.users["Regional manager"] = self.region_managers[MEASURED_REGION]
        self.template, _created = ensure_spring_promotion()
        self.workflow = None

    def region_slug(self, i):
        return REGION_CYCLE[i % len(REGION_CYCLE)]

    def add_outlet(self, i):
        """Onboard outlet ``i`` with its people; its editor submits its page."""
        from django.contrib.auth import get_user_model

        from wagtail_distmark.inheritance import demo as spring
        from wagtail_distmark.inheritance.overrides import make_override
        from wagtail_distmark.inheritance.services import create_local_page
        from wagtail_distmark.outlets.onboarding import onboard_outlet

        User = get_user_model()
        city, postcode, country = CITIES[i % len(CITIES)]
        slug = f"outlet-{i:05d}"
        start = time.perf_counter()
        outlet = onboard_outlet(
            name=f"{city} {i:05d}",
            slug=slug,
            region=self.regions[self.region_slug(i)],
            hostname=f"{slug}.bench.localhost",
            city=city,
            postcode=postcode,
            country=country,
            network=self.network,
        )
        editor = User.objects.create_user(username=f"bench-editor-{i:05d}")
        editor.groups.add(outlet.editors_group)
        if i % NO_MANAGER_EVERY:
            manager = User.objects.create_user(username=f"bench-manager-{i:05d}")
            manager.groups.add(outlet.managers_group)
            self.managers[i] = manager
        self.outlets.append(outlet)
        self.setup["onboard"] += time.perf_counter() - start

        # The editor fills in the required event date and saves a draft.
        start = time.perf_counter()
        page = create_local_page(self.template, outlet)
        merged = page.merge.by_id(spring.EVENT_ID)
        page.overrides = {
            spring.EVENT_ID: make_override(merged, {"date": EVENT_DATE}),
        }
        page.save_revision(user=editor, clean=False)
        self.setup["pages"] += time.perf_counter() - start
        self.pages[i] = page.pk

        if self.workflow is None:
            self.workflow = page.get_workflow()
        with QueryCount() as counter:
            start = time.perf_counter()
            state = self.workflow.start(page, editor)
            self.setup["submit"].append(time.perf_counter() - start)
        self.submit_queries.append(counter.total)
        task = state.current_task_state
        if task is None or type(task.task.specific).__name__ != "OutletApprovalTask":
            raise SystemExit(
                f"Outlet {i}: the submission is at {task and task.task.specific!r} "
                f"({state.status}), not at the outlet approval step"
            )

    def grow(self, size):
        while len(self.outlets) < size:
            i = len(self.outlets) + 1
            self.add_outlet(i)
            if i == MEASURED_OUTLET:
                self.users["Outlet manager"] = self.managers[MEASURED_OUTLET]
            if i % 100 == 0:
                s = self.setup
                log(
                    f"  {i:,} outlets ({s['onboard']:.0f} s onboarding, "
                    f"{s['pages']:.0f} s pages, {sum(s['submit']):.0f} s "
                    f"submitting; last 100 submissions "
                    f"{statistics.mean(s['submit'][-100:]) * 1000:.0f} ms each)"
                )

    # ---- what each user should see

    def expected_pages(self, role):
        """Page ids awaiting ``role``'s review, from the approver rules."""
        if role == "Outlet manager":
            return {self.pages[MEASURED_OUTLET]}
        pages = set()
        for i, page_id in self.pages.items():
            if i in self.managers:
                continue
            region = self.region_slug(i)
            if region == "bench-north-coast":
                region = "bench-north"  # no manager: the parent's
            approver = region if region in MANAGED_REGIONS else "HQ"
            if (role == "HQ" and approver == "HQ") or (
                role == "Regional manager" and approver == MEASURED_REGION
            ):
                pages.add(page_id)
        return pages

    # ---- measuring

    def fresh_user(self, role):
        """The user as a request loads it: no role or permission cache."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(pk=self.users[role].pk)

    def time_reviewable(self, role):
        from wagtail.models import TaskState

        list(TaskState.objects.reviewable_by(self.fresh_user(role)))  # warm-up
        timings, counts = [], []
        for _ in range(self.args.repeat):
            user = self.fresh_user(role)
            with Queries() as queries:
                start = time.perf_counter()
                states = list(TaskState.objects.reviewable_by(user))
                timings.append(time.perf_counter() - start)
            counts.append(len(queries))
        seen = {
            int(object_id)
            for object_id in TaskState.objects.filter(
                pk__in=[s.pk for s in states]
            ).values_list("workflow_state__object_id", flat=True)
        }
        return {
            "median": statistics.median(timings),
            "min": min(timings),
            "queries": sorted(set(counts)),
            "captured": list(queries.captured),
            "states": len(states),
            "seen": seen,
        }

    def time_dashboard(self, role):
        from django.test import Client

        client = Client()
        client.force_login(self.users[role])
        response = client.get(DASHBOARD_URL)  # warm-up
        if response.status_code != 200:
            raise SystemExit(f"GET {DASHBOARD_URL} as {role}: {response.status_code}")
        timings, counts = [], []
        for _ in range(self.args.repeat):
            with Queries() as queries:
                start = time.perf_counter()
                response = client.get(DASHBOARD_URL)
                timings.append(time.perf_counter() - start)
            counts.append(len(queries))
        # Now: the next request resets Django's query log.
        captured = list(queries.captured)
        with OriginCounter() as origins:
            client.get(DASHBOARD_URL)
        if sum(origins.by_origin.values()) not in counts:
            log(
                f"  warning: the attributed request ran "
                f"{sum(origins.by_origin.values())} queries, the timed ones {counts}"
            )
        return {
            "median": statistics.median(timings),
            "min": min(timings),
            "queries": sorted(set(counts)),
            "captured": captured,
            "html": response.content.decode(),
            "origins": origins.by_origin,
            "ours": origins.ours,
        }

    def dashboard_links(self, html, outlet_index):
        from django.urls import reverse

        url = reverse("wagtailadmin_pages:edit", args=[self.pages[outlet_index]])
        return f'href="{url}"' in html

    def measure(self):
        size = len(self.outlets)
        rows = {}
        for role in ROLES:
            log(f"  @{size:,}: {role}…")
            reviewable = self.time_reviewable(role)
            dashboard = self.time_dashboard(role)
            expected = self.expected_pages(role)
            row = {
                "reviewable": reviewable,
                "dashboard": dashboard,
                "expected": len(expected),
                "as_expected": reviewable["seen"] == expected
                and reviewable["states"] == len(expected),
            }
            if role == "Outlet manager":
                row["own_only"] = reviewable["seen"] == {self.pages[MEASURED_OUTLET]}
                row["dashboard_own"] = self.dashboard_links(
                    dashboard["html"], MEASURED_OUTLET
                ) and not self.dashboard_links(dashboard["html"], OTHER_OUTLET)
            dashboard.pop("html")
            rows[role] = row
        self.results[size] = rows

    def pending(self):
        from wagtail.models import TaskState

        from wagtail_distmark.workflows.models import OutletApprovalTask

        return TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__in=OutletApprovalTask.objects.all(),
        ).count()

    def run(self):
        self.create_network()
        for size in self.args.sizes:
            log(f"Growing the network to {size:,} outlets, each submitting a page…")
            self.grow(size)
            pending = self.pending()
            if pending != size:
                raise SystemExit(
                    f"{pending} submissions at outlet approval, not {size}"
                )
            self.measure()


# --------------------------------------------------------------------------
# Report


def print_report(bench, db_label, wall_seconds):
    args = bench.args
    sizes = args.sizes
    largest = sizes[-1]
    setup = bench.setup
    submit = setup["submit"]
    print_run_header(
        "Local publishing workflow: reviews awaiting each user",
        bench,
        db_label,
        f"{wall_seconds:.0f} s (of which building the network of "
        f"{largest:,} outlets: onboarding {setup['onboard']:.0f} s, pages "
        f"{setup['pages']:.0f} s, submitting {sum(submit):.0f} s)",
    )

    print("\n### The network\n")
    managers = len(bench.managers)
    print(
        f"{largest:,} outlets in {len(REGION_SPECS)} regions (one a sub-region), "
        f"each with an editor; {managers:,} with a manager, every "
        f"{NO_MANAGER_EVERY}th without. Regional managers for North, South and "
        "East; North Coast (under North) and West have none, so their outlets "
        "without a manager wait for North's manager and for HQ. Each outlet's "
        "editor submitted its Spring promotion page (event date filled in) with "
        "`page.get_workflow().start(page, editor)`: the brand checks approved "
        "each, which then waits at Outlet approval. Measured: the manager of "
        f"outlet {MEASURED_OUTLET}, North's regional manager, and a member of "
        "the HQ group (not a superuser).\n"
    )
    tenth = max(1, len(submit) // 10)
    print(
        f"Submitting (`Workflow.start()`, the brand checks included): median "
        f"{ms(statistics.median(submit))} ms, first {tenth:,} → last {tenth:,} "
        f"{ms(statistics.mean(submit[:tenth]))} → "
        f"{ms(statistics.mean(submit[-tenth:]))} ms; "
        f"{statistics.mean(bench.submit_queries):.1f} queries per submission "
        f"(first → last {tenth:,}: "
        f"{statistics.mean(bench.submit_queries[:tenth]):.1f} → "
        f"{statistics.mean(bench.submit_queries[-tenth:]):.1f})."
    )

    print("\n### `TaskState.objects.reviewable_by(user)`\n")
    print(
        "`list()` of the call Wagtail's dashboard makes; the user loaded afresh "
        f"before each call (no role cache), one warm-up, median of {args.repeat}. "
        "Queries include the user's groups and permissions.\n"
    )
    header, rule = "| User |", "|---|"
    for size in sizes:
        header += f" Sees @{size:,} | Median ms @{size:,} | Queries @{size:,} |"
        rule += "---:|---:|---:|"
    print(header)
    print(rule)
    for role in ROLES:
        line = f"| {role} |"
        for size in sizes:
            row = bench.results[size][role]
            r = row["reviewable"]
            line += f" {r['states']:,} | {ms(r['median'])} | {query_counts(r)} |"
        print(line)

    print(f"\n### Dashboard (`GET {DASHBOARD_URL}`)\n")
    print(
        "Django test client logged in with `force_login`; one warm-up request, "
        f"then median of {args.repeat}. Queries include the session and user "
        'look-ups. "Ours": the queries run inside `wagtail_distmark` code, '
        "from one more request with each query's call stack recorded.\n"
    )
    header, rule = "| User |", "|---|"
    for size in sizes:
        header += (
            f" Rows @{size:,} | Median ms @{size:,} | Queries @{size:,} "
            f"| Ours @{size:,} |"
        )
        rule += "---:|---:|---:|---:|"
    print(header)
    print(rule)
    for role in ROLES:
        line = f"| {role} |"
        for size in sizes:
            row = bench.results[size][role]
            d = row["dashboard"]
            line += (
                f" {row['reviewable']['states']:,} | {ms(d['median'])} "
                f"| {query_counts(d)} | {d['ours']} |"
            )
        print(line)

    print_growth(bench)

    print("\n### Checks\n")
    failed = []
    own = [bench.results[size]["Outlet manager"] for size in sizes]
    ok = all(row["own_only"] for row in own)
    print(
        f"- The outlet manager sees exactly their own outlet's submission "
        f"(`reviewable_by`), at every size: {'yes' if ok else 'NO'}"
    )
    if not ok:
        failed.append("outlet manager sees other outlets' submissions")
    ok = all(row["dashboard_own"] for row in own)
    print(
        "- Their dashboard links to their own page and not to outlet "
        f"{OTHER_OUTLET}'s: {'yes' if ok else 'NO'}"
    )
    if not ok:
        failed.append("outlet manager's dashboard")
    for role in ROLES[1:]:
        rows = [bench.results[size][role] for size in sizes]
        ok = all(row["as_expected"] for row in rows)
        seen = " / ".join(f"{row['reviewable']['states']:,}" for row in rows)
        want = " / ".join(f"{row['expected']:,}" for row in rows)
        print(
            f"- {role} sees the submissions the approver rules give them "
            f"({seen}; expected {want}): {'yes' if ok else 'NO'}"
        )
        if not ok:
            failed.append(f"{role} sees other submissions than expected")

    print("\n### Targets\n")
    if len(sizes) >= 2:
        first, last = sizes[0], sizes[-1]
        for label, key in (
            ("`reviewable_by`", "reviewable"),
            ("Dashboard", "dashboard"),
        ):
            grows = []
            for role in ROLES:
                a = max(bench.results[first][role][key]["queries"])
                b = max(bench.results[last][role][key]["queries"])
                if b != a:
                    grows.append(f"{role} {a} → {b}")
            verdict = f"GROWS ({'; '.join(grows)})" if grows else "met"
            print(
                f"- {label} query count constant from {first:,} to {last:,} "
                f"outlets: {verdict}"
            )
        grows = [
            f"{role} {bench.results[first][role]['dashboard']['ours']} → "
            f"{bench.results[last][role]['dashboard']['ours']}"
            for role in ROLES
            if bench.results[last][role]["dashboard"]["ours"]
            != bench.results[first][role]["dashboard"]["ours"]
        ]
        print(
            f"- Dashboard queries in our code constant from {first:,} to "
            f"{last:,} outlets: {'GROWS (' + '; '.join(grows) + ')' if grows else 'met'}"
        )
        slopes = []
        for role in ROLES:
            a, b = bench.results[first][role], bench.results[last][role]
            rows = b["reviewable"]["states"] - a["reviewable"]["states"]
            if not rows:
                continue
            total = max(b["dashboard"]["queries"]) - max(a["dashboard"]["queries"])
            ours = b["dashboard"]["ours"] - a["dashboard"]["ours"]
            slopes.append(
                f"{role} {total / rows:.1f} per row ({ours / rows:.1f} ours, "
                f"{(total - ours) / rows:.1f} Wagtail's)"
            )
        if slopes:
            print(
                '- Dashboard queries per extra row of "Awaiting your review", '
                f"from {first:,} to {last:,} outlets: " + "; ".join(slopes)
            )

    if args.breakdown:
        print("\n### Query breakdown\n")
        for role in ROLES:
            row = bench.results[largest][role]
            print_query_breakdown(
                f"{role}: reviewable_by @{largest:,}", row["reviewable"]["captured"]
            )
            print()
            for q in row["reviewable"]["captured"]:
                print(f"    {q['sql'][:240]}")
            print_query_breakdown(
                f"{role}: GET {DASHBOARD_URL} @{largest:,}",
                row["dashboard"]["captured"],
            )
        print("\n### Every dashboard query origin\n")
        print_origins(bench, only_changing=False)
    return failed


def print_origins(bench, *, only_changing):
    """Dashboard queries by origin and size, per user."""
    sizes = bench.args.sizes
    first, last = sizes[0], sizes[-1]
    header = "| User | Origin |" + "".join(f" @{s:,} |" for s in sizes)
    rule = "|---|---|" + "---:|" * len(sizes)
    lines = []
    for role in ROLES:
        per_size = {s: bench.results[s][role]["dashboard"]["origins"] for s in sizes}
        keys = set().union(*per_size.values())
        for kind, origin in sorted(keys, key=lambda k: (k[0] != "ours", k[1])):
            values = [per_size[s].get((kind, origin), 0) for s in sizes]
            if only_changing and values[0] == values[-1]:
                continue
            who = "ours: " if kind == "ours" else ""
            lines.append(
                f"| {role} | {who}`{origin}` |" + "".join(f" {v} |" for v in values)
            )
    if not lines:
        print(f"No dashboard query origin changes between {first:,} and {last:,}.")
        return
    print(header)
    print(rule)
    for line in lines:
        print(line)


def print_growth(bench):
    sizes = bench.args.sizes
    if len(sizes) < 2:
        return
    print(
        f"\n### Dashboard queries that change from {sizes[0]:,} to {sizes[-1]:,} outlets\n"
    )
    print(
        "By origin. Ours: where our code was entered → where it ran the query "
        "(`wagtail_distmark/`, line, function). Otherwise Wagtail's: the "
        "innermost Wagtail frame or template line.\n"
    )
    print_origins(bench, only_changing=True)


def main(argv=None):
    args = parse_args(argv)
    db = ThrowawayDatabase(args.database_url, args.keep_db)
    db.configure_environment()
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    started = time.perf_counter()
    db.create()
    failed = []
    try:
        log(f"Migrating a fresh database ({db.description})…")
        call_command("migrate", verbosity=0, interactive=False)
        db_label = database_info()
        bench = Bench(args)
        bench.revision = git_revision()
        bench.loadavg = [os.getloadavg()[0]]
        bench.run()
        bench.loadavg.append(os.getloadavg()[0])
        failed = print_report(bench, db_label, time.perf_counter() - started)
    finally:
        db.drop()
    if failed:
        raise SystemExit("Sanity checks failed: " + "; ".join(failed))


if __name__ == "__main__":
    main()
