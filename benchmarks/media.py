#!/usr/bin/env python
"""Benchmark: the image chooser with the brand library at network scale.

Not a test: it prints numbers to paste into docs/performance.md.

Builds a network of outlets in four regions and one sub-region (the real
services: ``ensure_network()``, ``create_region()``, ``onboard_outlet()``),
each outlet with an editor in its editors group, plus an HQ user (a member of
the HQ group, not a superuser). The brand library (``ensure_brand_library()``)
holds ``--brand-images`` images (default 200), each with an ``ImageRights``
row: most approved, some unapproved, some expired. Every outlet's collection
holds ``--images-per-outlet`` images (default 20): 20,200 images at 1,000
outlets. One small JPEG is stored once and every image row points at it
(``bulk_create``), and the rows are added to the search index in bulk.

Then, at every ``--outlets`` size (default 100 and 1,000), for the editor of
outlet 1 and for HQ, it times the image chooser, ``GET /admin/images/chooser/``
(first page, ``?p=2``, a search ``?q=brand`` that matches the brand library
and one, ``?q=photo``, that matches every image): median ms over ``--repeat``
requests (``--slow-repeat`` for the search matching every image) after one warm-up request (which makes
the page's ``max-165x165`` renditions; later requests find them), and the
number of SQL queries. Queries whose number changes between sizes are listed
by origin. It checks, and prints, that the outlet editor's results hold only
their own outlet's images and usable brand assets, and that their result
count is exactly that.

Every run uses a fresh throwaway database (a temporary SQLite file, or a new
database on the PostgreSQL server named by ``--database-url``) and a temporary
``MEDIA_ROOT``; the ``DATABASE_URL`` environment variable is ignored.

    .venv/bin/python benchmarks/media.py
    .venv/bin/python benchmarks/media.py --smoke
"""

import argparse
import datetime
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Shared with the onboarding and workflows benchmarks.
from onboarding import (  # noqa: E402
    CITIES,
    REGION_CYCLE,
    REGION_SPECS,
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
from workflows import OriginCounter  # noqa: E402

ROLES = ("Outlet editor", "HQ")
MEASURED_OUTLET = 1
CASES = (
    ("First page", {}),
    ("Page 2", {"p": "2"}),
    ("Search “brand”", {"q": "brand"}),  # the brand library's titles only
    ("Search “photo”", {"q": "photo"}),  # every image's title
)
# Cases timed --slow-repeat times only (a search matching every image).
SLOW_CASES = {"Search “photo”"}
# Brand image i: unapproved when i % 10 == 3, expired when i % 10 == 7,
# otherwise approved (every other one with an expiry date still to come).
UNAPPROVED, EXPIRED = 3, 7
SKIPPED = "not measured (--slow-repeat 0)"
SMOKE_SIZES = "10,30"
SMOKE_REPEAT = 3
TARGET_MS = 300


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--outlets",
        default="100,1000",
        help="comma-separated network sizes at which to measure; the network "
        "grows from one to the next",
    )
    parser.add_argument(
        "--images-per-outlet", type=int, default=20, help="images per outlet"
    )
    parser.add_argument(
        "--brand-images", type=int, default=200, help="images in the brand library"
    )
    parser.add_argument(
        "--repeat", type=int, default=15, help="timed requests per case"
    )
    parser.add_argument(
        "--slow-repeat",
        type=int,
        default=5,
        help="timed requests for the search that matches every image (0: skip it)",
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
        "--analyze",
        action="store_true",
        help="run ANALYZE after building each size, before measuring (the "
        "planner statistics a site running SQLite's PRAGMA optimize, or "
        "PostgreSQL's autovacuum, would have)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print the queries by table of every case at the largest size",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.outlets, args.repeat = SMOKE_SIZES, SMOKE_REPEAT
        args.slow_repeat = SMOKE_REPEAT
    try:
        args.sizes = sorted({int(x) for x in args.outlets.split(",") if x.strip()})
    except ValueError:
        parser.error("--outlets takes comma-separated integers")
    if (
        not args.sizes
        or args.sizes[0] < 2
        or args.repeat < 1
        or args.slow_repeat < 0
        or args.images_per_outlet < 1
        or args.brand_images < 10
    ):
        parser.error(
            "--outlets sizes must be at least 2, --repeat and "
            "--images-per-outlet positive, --brand-images at least 10"
        )
    return args


def small_jpeg():
    """A small JPEG's bytes, its width and height."""
    from PIL import Image as PILImage

    width, height = 640, 480
    picture = PILImage.new("RGB", (width, height), (200, 80, 40))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue(), width, height


def failure(error):
    """The exception and where it was raised: ours (innermost frame) or not."""
    from workflows import DISTMARK_DIR, _short

    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(DISTMARK_DIR)]
    where = ours[-1] if ours else frames[-1]
    return (
        f"{type(error).__name__}: {error} (via `{_short(where.filename)}:"
        f"{where.lineno} {where.name}`; raised at `{_short(frames[-1].filename)}:"
        f"{frames[-1].lineno}`)"
    )


# --------------------------------------------------------------------------
# The bench


class Bench:
    def __init__(self, args):
        self.args = args
        self.regions = {}
        self.outlets = []  # Outlet, by index - 1
        self.users = {}
        self.setup = {"onboard": 0.0, "images": 0.0, "index": 0.0}
        self.results = {}  # size -> role -> case -> row

    # ---- set-up

    def create_network(self):
        from django.contrib.auth import get_user_model
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from wagtail_distmark.media.services import ensure_brand_library
        from wagtail_distmark.outlets.onboarding import create_region, ensure_network

        User = get_user_model()
        self.network = ensure_network()
        for slug, name, parent in REGION_SPECS:
            self.regions[slug] = create_region(
                name=name,
                slug=slug,
                parent=self.regions[parent] if parent else None,
            )
        hq = User.objects.create_user(username="bench-hq")
        hq.groups.add(self.network.hq_group)
        self.users["HQ"] = hq

        content, self.width, self.height = small_jpeg()
        self.file_name = default_storage.save(
            "original_images/bench-photo.jpg", ContentFile(content)
        )
        self.file_size = len(content)
        self.library = ensure_brand_library()
        self.add_brand_images()

    def image_rows(self, collection, titles):
        from wagtail.images import get_image_model

        Image = get_image_model()
        return [
            Image(
                title=title,
                file=self.file_name,
                width=self.width,
                height=self.height,
                file_size=self.file_size,
                collection=collection,
            )
            for title in titles
        ]

    def store_images(self, rows):
        """Bulk-create image rows and add them to the search index."""
        from wagtail.images import get_image_model
        from wagtail.search.backends import get_search_backend

        Image = get_image_model()
        start = time.perf_counter()
        created = Image.objects.bulk_create(rows, batch_size=1000)
        if not all(image.pk for image in created):  # no RETURNING: re-read
            titles = [row.title for row in rows]
            created = list(Image.objects.filter(title__in=titles))
        self.setup["images"] += time.perf_counter() - start
        start = time.perf_counter()
        backend = get_search_backend()
        for i in range(0, len(created), 1000):
            backend.add_bulk(Image, created[i : i + 1000])
        self.setup["index"] += time.perf_counter() - start
        return created

    def add_brand_images(self):
        from wagtail_distmark.media.models import ImageRights, today

        count = self.args.brand_images
        images = self.store_images(
            self.image_rows(
                self.library, [f"Brand photo {i:03d}" for i in range(count)]
            )
        )
        on = today()
        rights = []
        for i, image in enumerate(sorted(images, key=lambda image: image.title)):
            kind = i % 10
            rights.append(
                ImageRights(
                    image=image,
                    hq_approved=kind != UNAPPROVED,
                    expires_on=(
                        on - datetime.timedelta(days=1 + i)
                        if kind == EXPIRED
                        else (on + datetime.timedelta(days=30 + i) if i % 2 else None)
                    ),
                )
            )
        ImageRights.objects.bulk_create(rights, batch_size=1000)
        self.usable_brand = {
            r.image_id
            for r in rights
            if r.hq_approved and (r.expires_on is None or r.expires_on >= on)
        }
        self.brand_ids = {image.pk for image in images}

    def add_outlet(self, i):
        from django.contrib.auth import get_user_model

        from wagtail_distmark.outlets.onboarding import onboard_outlet

        User = get_user_model()
        city, postcode, country = CITIES[i % len(CITIES)]
        slug = f"outlet-{i:05d}"
        start = time.perf_counter()
        outlet = onboard_outlet(
            name=f"{city} {i:05d}",
            slug=slug,
            region=self.regions[REGION_CYCLE[i % len(REGION_CYCLE)]],
            hostname=f"{slug}.bench.localhost",
            city=city,
            postcode=postcode,
            country=country,
            network=self.network,
        )
        editor = User.objects.create_user(username=f"bench-editor-{i:05d}")
        editor.groups.add(outlet.editors_group)
        if i == MEASURED_OUTLET:
            self.users["Outlet editor"] = editor
        self.outlets.append(outlet)
        self.setup["onboard"] += time.perf_counter() - start

    def grow(self, size):
        pending = []
        while len(self.outlets) < size:
            i = len(self.outlets) + 1
            self.add_outlet(i)
            outlet = self.outlets[-1]
            pending += self.image_rows(
                outlet.collection,
                [
                    f"{outlet.name} photo {n:02d}"
                    for n in range(self.args.images_per_outlet)
                ],
            )
            if len(pending) >= 5000:
                self.store_images(pending)
                pending = []
            if i % 100 == 0:
                s = self.setup
                log(
                    f"  {i:,} outlets ({s['onboard']:.0f} s onboarding, "
                    f"{s['images']:.0f} s images, {s['index']:.0f} s indexing)"
                )
        if pending:
            self.store_images(pending)

    # ---- measuring

    def get(self, client, params):
        from django.urls import reverse

        response = client.get(reverse("wagtailimages_chooser:choose"), params)
        if response.status_code != 200:
            raise SystemExit(f"GET chooser {params}: {response.status_code}")
        return response

    def rendered_context(self, client, params):
        """One more request, untimed, with the templates' context recorded."""
        from django.template import Template
        from django.test.utils import instrumented_test_render

        original = Template._render
        Template._render = instrumented_test_render
        try:
            response = self.get(client, params)
        finally:
            Template._render = original
        return response.context

    def time_case(self, role, label, params):
        from django.test import Client

        client = Client()
        client.force_login(self.users[role])
        with Queries() as warm:
            start = time.perf_counter()
            try:
                self.get(client, params)  # warm-up: makes the page's renditions
            except Exception as error:  # the test client re-raises a view's
                return {"error": failure(error)}
            first = time.perf_counter() - start
        first_queries = len(warm)  # now: the next block clears the log
        timings, counts = [], []
        repeat = self.args.slow_repeat if label in SLOW_CASES else self.args.repeat
        for _ in range(repeat):
            with Queries() as queries:
                start = time.perf_counter()
                self.get(client, params)
                timings.append(time.perf_counter() - start)
            counts.append(len(queries))
        captured = list(queries.captured)
        with OriginCounter() as origins:
            self.get(client, params)
        results = self.rendered_context(client, params)["results"]
        images = list(results)
        return {
            "median": statistics.median(timings),
            "min": min(timings),
            "first": first,
            "first_queries": first_queries,
            "queries": sorted(set(counts)),
            "captured": captured,
            "origins": origins.by_origin,
            "shown": len(images),
            "total": results.paginator.count,
            "collections": {image.collection_id for image in images},
            "ids": {image.pk for image in images},
        }

    def measure(self):
        size = len(self.outlets)
        rows = {}
        for role in ROLES:
            rows[role] = {}
            for label, params in CASES:
                if label in SLOW_CASES and not self.args.slow_repeat:
                    rows[role][label] = {"error": SKIPPED}
                    continue
                log(f"  @{size:,}: {role}, {label}…")
                rows[role][label] = self.time_case(role, label, params)
        self.results[size] = rows

    def check_editor(self, size):
        """The editor sees only their outlet's images and usable brand assets."""
        own = self.outlets[MEASURED_OUTLET - 1].collection_id
        expected = self.args.images_per_outlet + len(self.usable_brand)
        problems = []
        for label, row in self.results[size]["Outlet editor"].items():
            if "error" in row:
                continue  # reported as a failed request
            others = row["collections"] - {own, self.library.pk}
            if others:
                problems.append(f"{label}: images of collections {sorted(others)}")
            unusable = (row["ids"] & self.brand_ids) - self.usable_brand
            if unusable:
                problems.append(f"{label}: unusable brand images {sorted(unusable)}")
            # A search narrows the results; browsing shows all of them.
            if not label.startswith("Search") and row["total"] != expected:
                problems.append(f"{label}: {row['total']} results, not {expected}")
        return problems

    def total_images(self):
        from wagtail.images import get_image_model

        return get_image_model().objects.count()

    def analyze(self):
        from django.db import connection

        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"  ANALYZE: {time.perf_counter() - start:.1f} s")

    def run(self):
        self.create_network()
        self.image_counts = {}
        for size in self.args.sizes:
            log(f"Growing the network to {size:,} outlets with their images…")
            self.grow(size)
            self.image_counts[size] = self.total_images()
            if self.args.analyze:
                self.analyze()
            self.measure()


# --------------------------------------------------------------------------
# Report


def print_report(bench, db_label, wall_seconds):
    args = bench.args
    sizes = args.sizes
    first, largest = sizes[0], sizes[-1]
    s = bench.setup
    print_run_header(
        "Brand library: image chooser",
        bench,
        db_label,
        f"{wall_seconds:.0f} s (of which building the network of {largest:,} "
        f"outlets: onboarding {s['onboard']:.0f} s, images {s['images']:.0f} s, "
        f"search index {s['index']:.0f} s)",
    )

    print("\n### The network\n")
    brand = args.brand_images
    print(
        f"{largest:,} outlets in {len(REGION_SPECS)} regions (one a sub-region), "
        f"each with an editor and {args.images_per_outlet} images in its "
        f"collection; {brand} images in the brand library, of which "
        f"{len(bench.usable_brand)} usable by outlets (the others unapproved or "
        "expired). Images per size: "
        + ", ".join(
            f"{bench.image_counts[size]:,} at {size:,} outlets" for size in sizes
        )
        + ". Every image row points at the same small JPEG (`bulk_create`); "
        "all are in the search index. Measured: the editor of outlet "
        f"{MEASURED_OUTLET} and a member of the HQ group (not a superuser)."
        + (
            " Planner statistics: `ANALYZE` after building each size (`--analyze`)."
            if args.analyze
            else ""
        )
        + "\n"
    )

    print("\n### Image chooser (`GET /admin/images/chooser/`)\n")
    print(
        "Django test client logged in with `force_login`; one warm-up request "
        "per case (it makes the page's `max-165x165` renditions), then median "
        f"of {args.repeat} ({args.slow_repeat} for the search matching every "
        "image). Queries include the session and user look-ups. "
        '"Results": the paginator\'s count.\n'
    )
    header, rule = "| User | Case |", "|---|---|"
    for size in sizes:
        header += f" Results @{size:,} | Median ms @{size:,} | Queries @{size:,} |"
        rule += "---:|---:|---:|"
    print(header)
    print(rule)
    for role in ROLES:
        for label, _params in CASES:
            line = f"| {role} | {label} |"
            for size in sizes:
                row = bench.results[size][role][label]
                if row.get("error") == SKIPPED:
                    line += " – | skipped | – |"
                elif "error" in row:
                    line += " – | **error** | – |"
                else:
                    line += f" {row['total']:,} | {ms(row['median'])} | {query_counts(row)} |"
            print(line)

    print("\n### Warm-up requests\n")
    print(
        "The first request of each case, which renders the renditions that "
        "page lacks (ms / queries):\n"
    )
    header, rule = "| User | Case |", "|---|---|"
    for size in sizes:
        header += f" @{size:,} |"
        rule += "---:|"
    print(header)
    print(rule)
    for role in ROLES:
        for label, _params in CASES:
            line = f"| {role} | {label} |"
            for size in sizes:
                row = bench.results[size][role][label]
                if "error" in row:
                    line += " skipped |" if row["error"] == SKIPPED else " **error** |"
                else:
                    line += f" {ms(row['first'])} / {row['first_queries']} |"
            print(line)

    failed = []
    print("\n### Checks\n")
    errors = {
        (role, label, bench.results[size][role][label]["error"])
        for size in sizes
        for role in ROLES
        for label, _params in CASES
        if "error" in bench.results[size][role][label]
    }
    for role, label, error in sorted(errors):
        if error == SKIPPED:
            continue
        print(f"- {role}, {label}: the request FAILS: {error}")
        failed.append(f"{role}, {label} fails")
    problems = []
    for size in sizes:
        problems += [f"@{size:,} {p}" for p in bench.check_editor(size)]
    expected = args.images_per_outlet + len(bench.usable_brand)
    print(
        "- The outlet editor's chooser shows only their own outlet's images "
        f"and usable brand assets, {expected} results in all, at every size "
        f"and case: {'yes' if not problems else 'NO (' + '; '.join(problems) + ')'}"
    )
    if problems:
        failed.append("outlet editor's chooser")
    hq_totals = [bench.results[size]["HQ"]["First page"]["total"] for size in sizes]
    ok = hq_totals == [bench.image_counts[size] for size in sizes]
    print(
        f"- HQ's chooser counts every image ({' / '.join(f'{t:,}' for t in hq_totals)}): "
        f"{'yes' if ok else 'NO'}"
    )
    if not ok:
        failed.append("HQ's chooser")

    print("\n### Targets\n")
    slow = [
        f"{role}, {label} {ms(row['median'])} ms"
        for role in ROLES
        for label, row in bench.results[largest][role].items()
        if "error" not in row and row["median"] * 1000 >= TARGET_MS
    ]
    print(
        f"- Median under {TARGET_MS} ms at {largest:,} outlets "
        f"({bench.image_counts[largest]:,} images): "
        + ("met" if not slow else "NOT MET (" + "; ".join(slow) + ")")
    )
    if len(sizes) >= 2:
        grows = []
        for role in ROLES:
            for label, _params in CASES:
                row_a = bench.results[first][role][label]
                row_b = bench.results[largest][role][label]
                if "error" in row_a or "error" in row_b:
                    continue
                a, b = max(row_a["queries"]), max(row_b["queries"])
                if a != b:
                    grows.append(f"{role}, {label} {a} → {b}")
        print(
            f"- Query count constant from {first:,} to {largest:,} outlets: "
            + ("met" if not grows else "GROWS (" + "; ".join(grows) + ")")
        )
        print_origins(bench)

    if args.breakdown:
        print("\n### Query breakdown\n")
        for role in ROLES:
            for label, row in bench.results[largest][role].items():
                if "error" in row:
                    continue
                print_query_breakdown(f"{role}, {label} @{largest:,}", row["captured"])
    return failed


def print_origins(bench):
    sizes = bench.args.sizes
    first, last = sizes[0], sizes[-1]
    lines = []
    for role in ROLES:
        for label, _params in CASES:
            if any("error" in bench.results[s][role][label] for s in (first, last)):
                continue
            a = bench.results[first][role][label]["origins"]
            b = bench.results[last][role][label]["origins"]
            for key in sorted(set(a) | set(b), key=lambda k: (k[0] != "ours", k[1])):
                if a.get(key, 0) != b.get(key, 0):
                    kind, origin = key
                    who = "ours: " if kind == "ours" else ""
                    lines.append(
                        f"| {role} | {label} | {who}`{origin}` | {a.get(key, 0)} "
                        f"| {b.get(key, 0)} |"
                    )
    if lines:
        print(f"\nQueries that change from {first:,} to {last:,} outlets, by origin:\n")
        print(f"| User | Case | Origin | @{first:,} | @{last:,} |")
        print("|---|---|---|---:|---:|")
        for line in lines:
            print(line)


def main(argv=None):
    args = parse_args(argv)
    db = ThrowawayDatabase(args.database_url, args.keep_db)
    db.configure_environment()
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    media_root = tempfile.mkdtemp(prefix="distmark-bench-media-")
    settings.MEDIA_ROOT = media_root  # before the storage is first used
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
        if args.keep_db:
            print(f"Kept the media files: {media_root}")
        else:
            shutil.rmtree(media_root, ignore_errors=True)
    if failed:
        raise SystemExit("Sanity checks failed: " + "; ".join(failed))


if __name__ == "__main__":
    main()
