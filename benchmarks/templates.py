#!/usr/bin/env python
"""Benchmark: outlet pages built on HQ templates (render, publish, deploy).

Not a test: it prints numbers to paste into docs/performance.md.

(a) Rendering. ``GET /<slug>/`` on an outlet's hostname, through the Django
    test client, for an outlet page built on a ``--blocks`` (default 30)
    block template with ``--overrides`` (default 10) outlet overrides, against
    a plain Wagtail page holding the same merged blocks in its own StreamField
    (the baseline, see below). Median ms and query count over ``--repeat``
    requests, at 10, 30 and 60 blocks (``--block-counts``), so a query count
    that grows with the number of blocks shows up.
(b) Publishing a template change: ``template.save_revision().publish()`` on a
    template with 10 derived outlet pages and on one with ``--outlets``
    (default 1,000): ms, queries, writes (INSERT/UPDATE/DELETE) and the
    django-tasks rows it enqueues (reported apart from the other writes). The
    queued search refresh of the derived pages is timed too, run inline.
(c) Deploying a template to ``--outlets`` outlets with ``run_deployment``
    (``create_local_page`` in a loop if the deploy module is missing): as
    drafts (a template with a required block), and published (a template
    without required blocks). Seconds, outlets/s, queries and writes per
    outlet.

The baseline of (a) is a page model defined here, ``BenchPlainPage``, created
in the throwaway database with Django's schema editor (no migration in the
app): a plain ``Page`` whose StreamField, of the same block types, holds the
outlet page's merged content, served under the same outlet home page with the
same page template, context (the outlet with its hours and manager photo) and
language handling as ``LocalPage``. Its HTML is checked to be identical to the
outlet page's, so the difference is the cost of inheritance alone: loading the
template and merging it with the overrides.

Every run uses a fresh throwaway database (a temporary SQLite file, or a new
database on the PostgreSQL server named by ``--database-url``) and a temporary
``MEDIA_ROOT`` for the images; ``DATABASE_URL`` is ignored.

    .venv/bin/python benchmarks/templates.py
    .venv/bin/python benchmarks/templates.py --outlets 50 --repeat 5
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Shared with the onboarding benchmark: the throwaway database, query capture
# and the report's header lines.
from onboarding import (  # noqa: E402
    CITIES,
    REGION_CYCLE,
    REGION_SPECS,
    ExecuteWrapper,
    Queries,
    ThrowawayDatabase,
    database_info,
    git_revision,
    log,
    ms,
    print_query_breakdown,
    print_run_header,
    query_table,
)

WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
RENDER_SLUG_PREFIX = "bench"
SMALL_DEPLOYMENT = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--blocks", type=int, default=30, help="blocks of the main rendering case"
    )
    parser.add_argument(
        "--overrides",
        type=int,
        default=10,
        help="outlet overrides in the main rendering case (the other block "
        "counts get one override per three blocks)",
    )
    parser.add_argument(
        "--block-counts",
        default="10,60",
        help="comma-separated extra template sizes rendered to show the query "
        "count does not grow with blocks (--blocks is always rendered)",
    )
    parser.add_argument(
        "--repeat", type=int, default=30, help="timed requests per rendering case"
    )
    parser.add_argument(
        "--outlets",
        type=int,
        default=1000,
        help="outlets in the network: derived pages of the large publish (b) "
        "and outlets of each deployment (c)",
    )
    parser.add_argument(
        "--publish-repeat",
        type=int,
        default=3,
        help="template publishes timed per case in (b) (median reported)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to use, dj-database-url format; a throwaway "
        "database is created on it and dropped afterwards (default: a "
        "temporary SQLite file)",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the throwaway database (prints where it is)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print where the queries go (by table): one outlet page and "
        "baseline request with their SQL, a template publish, a deployment",
    )
    args = parser.parse_args(argv)
    args.block_sizes = sorted(
        {int(x) for x in args.block_counts.split(",") if x.strip()} | {args.blocks}
    )
    if min(args.block_sizes) < 1 or args.repeat < 1 or args.publish_repeat < 1:
        parser.error("block counts, --repeat and --publish-repeat must be positive")
    if args.outlets < SMALL_DEPLOYMENT:
        parser.error(f"--outlets must be at least {SMALL_DEPLOYMENT}")
    if not 0 <= args.overrides <= args.blocks:
        parser.error("--overrides must be between 0 and --blocks")
    return args


# --------------------------------------------------------------------------
# Counting queries without a limit


class QueryCounter(ExecuteWrapper):
    """Counts queries by ``(verb, table)`` through ``connection.execute_wrapper``.

    Unlike ``CaptureQueriesContext`` it keeps no log, so it counts the tens of
    thousands of queries of a deployment. ``snapshot()`` gives the running
    totals, for per-outlet differences.
    """

    def __init__(self, tasks_table=None):
        self.tasks_table = tasks_table
        self.by_table = Counter()
        self.total = 0
        self.writes = 0
        self.task_writes = 0

    def __call__(self, execute, sql, params, many, context):
        verb, table = query_table(sql)
        self.by_table[(verb, table)] += 1
        self.total += 1
        if verb in WRITE_VERBS:
            if self.tasks_table and table == self.tasks_table:
                self.task_writes += 1
            else:
                self.writes += 1
        return execute(sql, params, many, context)

    def snapshot(self):
        return self.total, self.writes, self.task_writes


def tasks_table():
    """The django-tasks database backend's table, when that backend is used."""
    from django.conf import settings

    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if "django_tasks_db" not in backend:
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult._meta.db_table


def queued_tasks():
    """``{task path: rows}`` in the django-tasks table (empty without it)."""
    if tasks_table() is None:
        return Counter()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    return Counter(
        {
            row["task_path"]: row["n"]
            for row in DBTaskResult.objects.values("task_path")
            .annotate(n=Count("id"))
            .order_by()
        }
    )


def new_tasks(before, after):
    return {
        path.rsplit(".", 1)[-1]: after[path] - before.get(path, 0)
        for path in sorted(after)
        if after[path] > before.get(path, 0)
    }


def describe_tasks(tasks, per=1):
    if not tasks:
        return "none"
    return ", ".join(
        f"`{name}` × {count / per:g}" for name, count in sorted(tasks.items())
    )


# --------------------------------------------------------------------------
# Template bodies: a realistic mix of every shipped template block


def block_id(size, index):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"distmark-bench/{size}/{index}"))


def block_values(k, images, *, required_event=False):
    """One cycle of ten blocks (the k-th); values as stored (raw JSON)."""
    from wagtail_distmark.blocks.base import EDITABLE, LOCKED, OPTIONAL, REQUIRED

    def image(offset):
        return images[(k + offset) % len(images)].pk

    def item(value, n):
        return {"type": "item", "value": value, "id": f"{k:04d}-{n:04d}-item"}

    return [
        (
            "hero",
            {
                "title": f"Spring week {k + 1}",
                "subtitle": "Fresh ideas for your home, in every store",
                "image": image(0),
                "cta_label": "See the offers",
                "cta_link": "https://www.example.com/offers",
                "local_policy": EDITABLE,
                "open_fields": ["subtitle"],
            },
        ),
        (
            "rich_text",
            {
                "content": (
                    "<p>Every product in our spring range is chosen by our "
                    "buyers for quality and fair prices. <b>Satisfied or "
                    "refunded</b> for 30 days. "
                    '<a href="https://www.example.com/guarantee">Our '
                    "guarantee</a>.</p><ul><li>Garden</li><li>Kitchen</li></ul>"
                ),
                "local_policy": LOCKED,
            },
        ),
        (
            "promotion",
            {
                "title": "Spring sale",
                "description": "On the whole garden range, this month only.",
                "discount_percent": 10,
                "image": image(1),
                "valid_until": "2027-06-30",
                "min_discount": 5,
                "max_discount": 20,
                "local_policy": EDITABLE,
                "open_fields": ["discount_percent"],
            },
        ),
        (
            "rich_text",
            {
                "content": "<h2>News from the store</h2><p>Our team is here.</p>",
                "local_policy": EDITABLE,
            },
        ),
        (
            "event",
            {
                "title": "Spring open day",
                "date": "2027-05-15",
                "time": "10:00:00",
                "description": "Workshops, coffee and advice from our team.",
                "local_policy": REQUIRED if required_event else EDITABLE,
                "open_fields": ["date", "time"],
            },
        ),
        (
            "call_to_action",
            {
                "label": "Book a visit",
                "link": "https://www.example.com/book",
                "style": "primary",
                "local_policy": EDITABLE,
                "open_fields": ["label"],
            },
        ),
        (
            "gallery",
            {
                "heading": "In store this spring",
                "images": [
                    item({"image": image(n + 2), "caption": f"Aisle {n + 1}"}, n)
                    for n in range(3)
                ],
                "local_policy": LOCKED,
                "open_fields": [],
            },
        ),
        (
            "outlet_info",
            {
                "heading": "Visit us",
                "show_address": True,
                "show_phone": True,
                "show_hours": True,
                "show_map_link": True,
                "local_policy": LOCKED,
                "open_fields": [],
            },
        ),
        (
            "opening_hours",
            {
                "heading": "Opening hours",
                "note": "Free parking.",
                "exceptions": [
                    item(
                        {
                            "date": "2099-12-24",
                            "closed": False,
                            "opens": "09:00:00",
                            "closes": "16:00:00",
                            "label": "Christmas Eve",
                        },
                        0,
                    )
                ],
                "local_policy": EDITABLE,
                "open_fields": ["note"],
            },
        ),
        ("manager_signature", {"closing": "See you soon,", "local_policy": OPTIONAL}),
    ]


def template_body(size, images, *, required_event=False):
    """``size`` blocks: the ten-block cycle repeated (and cut)."""
    body = []
    k = 0
    while len(body) < size:
        for type_name, value in block_values(k, images, required_event=required_event):
            if len(body) == size:
                break
            body.append(
                {"type": type_name, "value": value, "id": block_id(size, len(body))}
            )
        k += 1
    return body


def image_count(body):
    """Images shown by a body's blocks (hero, promotion, gallery items)."""
    count = 0
    for child in body:
        value = child["value"]
        if value.get("image"):
            count += 1
        count += sum(1 for item in value.get("images") or () if item["value"]["image"])
    return count


OVERRIDE_VALUES = {
    "hero": lambda n: {"subtitle": f"Our own spring offers ({n})"},
    "rich_text": lambda n: {"content": f"<p>News from our store, week {n}.</p>"},
    "promotion": lambda n: {"discount_percent": 15},
    "event": lambda n: {"date": "2027-05-22", "time": "14:30:00"},
    "call_to_action": lambda n: {"label": f"Call us ({n})"},
    "opening_hours": lambda n: {"note": "Parking free on Saturdays."},
}


def make_overrides(template, count):
    """``count`` overrides spread evenly over the template's open blocks."""
    from wagtail_distmark.inheritance.merge import merge_template
    from wagtail_distmark.inheritance.overrides import make_override

    merge = merge_template(template, {})
    open_blocks = [
        merged
        for merged in merge.blocks
        if merged.is_open and merged.type in OVERRIDE_VALUES
    ]
    if count > len(open_blocks):
        raise SystemExit(
            f"{count} overrides asked, the template has {len(open_blocks)} open blocks"
        )
    chosen = [open_blocks[i * len(open_blocks) // count] for i in range(count)]
    overrides = {}
    for n, merged in enumerate(chosen):
        override = make_override(merged, OVERRIDE_VALUES[merged.type](n))
        assert override is not None, merged.type
        overrides[merged.id] = override
    return overrides


# --------------------------------------------------------------------------
# The baseline page model (no migration: its table is made here)


def define_baseline_model():
    """A plain page with the template's block types, served like ``LocalPage``."""
    from django.db import connection, models
    from django.utils import translation
    from wagtail.fields import StreamField
    from wagtail.models import Page

    from wagtail_distmark.blocks.registry import template_stream_block
    from wagtail_distmark.inheritance.models import LocalPage
    from wagtail_distmark.outlets.models import Outlet

    class BenchPlainPage(Page):
        outlet = models.ForeignKey(
            Outlet, null=True, on_delete=models.SET_NULL, related_name="+"
        )
        body = StreamField(template_stream_block(), blank=True)

        template = LocalPage.template

        class Meta:
            app_label = "wagtail_distmark"

        # As LocalPage's, with the page's own StreamField as the content.
        def get_context(self, request, *args, **kwargs):
            context = super().get_context(request, *args, **kwargs)
            context["outlet"] = (
                Outlet.objects.select_related("manager_photo")
                .prefetch_related("opening_hours")
                .filter(pk=self.outlet_id)
                .first()
            )
            context["content"] = self.body
            context["template_missing"] = False
            return context

        def serve(self, request, *args, **kwargs):
            outlet = self.outlet
            language = outlet.locale if outlet else None
            with translation.override(language or translation.get_language()):
                response = super().serve(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            return response

    with connection.schema_editor() as editor:
        editor.create_model(BenchPlainPage)
    return BenchPlainPage


# --------------------------------------------------------------------------
# The bench


class Bench:
    def __init__(self, args):
        self.args = args
        self.regions = {}
        self.images = []
        self.outlets = []
        self.render_rows = []
        self.publish_rows = []
        self.reindex_rows = []
        self.deploy_rows = []
        self.growth_seconds = 0.0
        self.tasks_table = tasks_table()
        try:
            from wagtail_distmark.inheritance.deploy import (  # noqa: F401
                DeployTemplateAction,
                run_deployment,
            )
        except ImportError:
            self.deploy_path = "create_local_page"
        else:
            self.deploy_path = "run_deployment"

    # ---- set-up

    def create_network(self):
        from wagtail_distmark.inheritance.services import ensure_template_library
        from wagtail_distmark.outlets.onboarding import create_region, ensure_network

        self.network = ensure_network()
        for slug, name, parent in REGION_SPECS:
            self.regions[slug] = create_region(
                name=name,
                slug=slug,
                parent=self.regions[parent] if parent else None,
            )
        self.library = ensure_template_library()

    def create_images(self, count=6):
        from wagtail.images import get_image_model
        from wagtail.images.tests.utils import get_test_image_file

        Image = get_image_model()
        colours = ["red", "green", "blue", "orange", "purple", "teal"]
        for i in range(count):
            colour = colours[i % len(colours)]
            image = Image(
                title=f"Spring {colour}",
                file=get_test_image_file(
                    filename=f"spring-{i}.png", colour=colour, size=(1600, 1000)
                ),
            )
            image.save()
            self.images.append(image)

    def onboard(self, i, **extra):
        from wagtail_distmark.outlets.onboarding import onboard_outlet

        city, postcode, country = CITIES[i % len(CITIES)]
        slug = f"outlet-{i:05d}"
        outlet = onboard_outlet(
            name=f"{city} {i:05d}",
            slug=slug,
            region=self.regions[REGION_CYCLE[i % len(REGION_CYCLE)]],
            hostname=f"{slug}.bench.localhost",
            city=city,
            postcode=postcode,
            country=country,
            address=f"{i} rue de la Gare",
            phone="+33 3 20 00 00 00",
            network=self.network,
            **extra,
        )
        self.outlets.append(outlet)
        return outlet

    def onboard_render_outlet(self):
        from wagtail_distmark.outlets.models import OpeningHours

        hours = [
            OpeningHours(weekday=day, opens=opens, closes=closes)
            for day in range(6)
            for opens, closes in ((clock(9), clock(12, 30)), (clock(14), clock(19)))
        ]
        self.render_outlet = self.onboard(
            0,
            opening_hours=hours,
            manager_name="Marie Dupont",
            manager_signature="Marie Dupont, store manager",
            manager_photo=self.images[0],
        )

    def grow_network(self):
        start = time.perf_counter()
        while len(self.outlets) < self.args.outlets:
            self.onboard(len(self.outlets))
            if len(self.outlets) % 250 == 0:
                log(
                    f"  {len(self.outlets):,} outlets "
                    f"({time.perf_counter() - start:.0f} s)"
                )
        self.growth_seconds = time.perf_counter() - start

    def create_template(self, slug, title, body):
        from wagtail_distmark.inheritance.models import TemplatePage

        template = TemplatePage(title=title, slug=slug, body=body)
        self.library.add_child(instance=template)
        template.save_revision().publish()
        return TemplatePage.objects.get(pk=template.pk)

    # ---- (a) rendering

    def create_render_pages(self, size, overrides_count):
        from wagtail_distmark.inheritance.models import LocalPage
        from wagtail_distmark.inheritance.services import create_local_page

        template = self.create_template(
            f"{RENDER_SLUG_PREFIX}-{size}-blocks",
            "Spring promotion",
            template_body(size, self.images),
        )
        outlet = self.render_outlet
        page = create_local_page(template, outlet)
        page = LocalPage.objects.get(pk=page.pk)
        page.overrides = make_overrides(template, overrides_count)
        page.save_revision().publish()  # full_clean validates the overrides
        page = LocalPage.objects.get(pk=page.pk)
        merge = page.merge
        shown = Counter(merged.state for merged in merge.blocks)
        if merge.stale or shown["outlet"] != overrides_count:
            raise SystemExit(f"Unexpected merge: {dict(shown)}, stale {merge.stale}")

        plain = self.BaselinePage(
            title=page.title,  # the same title: the same HTML
            slug=f"{page.slug}-plain",
            outlet=outlet,
            body=[
                {"type": b.type, "value": b.raw, "id": b.id}
                for b in merge.blocks
                if b.state != "hidden"
            ],
        )
        outlet.home_page.add_child(instance=plain)
        plain.save_revision().publish()
        return template, page, plain

    def time_requests(self, client, host, paths):
        """Each path ``--repeat`` times, interleaved, the order alternating.

        Interleaving shares any drift in the machine's load between the
        pages. Returns, per path: median and min seconds, query counts, the
        last request's captured queries and HTML.
        """
        for path in paths:
            for _ in range(2):  # warm-up: renditions, caches, template loading
                response = client.get(path, HTTP_HOST=host)
                if response.status_code != 200:
                    raise SystemExit(
                        f"GET {path} on {host}: HTTP {response.status_code}"
                    )
        results = {path: {"timings": [], "counts": []} for path in paths}
        for i in range(self.args.repeat):
            for path in paths if i % 2 == 0 else paths[::-1]:
                result = results[path]
                with Queries() as queries:
                    start = time.perf_counter()
                    response = client.get(path, HTTP_HOST=host)
                    result["timings"].append(time.perf_counter() - start)
                result["counts"].append(len(queries))
                result["captured"] = queries.captured
                result["html"] = response.content
        for result in results.values():
            result["median"] = statistics.median(result["timings"])
            result["min"] = min(result["timings"])
            result["queries"] = sorted(set(result["counts"]))
        return [results[path] for path in paths]

    def time_merge(self, page):
        """Median seconds of ``merge_template`` alone (the template loaded)."""
        from wagtail_distmark.inheritance.merge import merge_template

        template = page.hq_template
        timings = []
        for _ in range(max(self.args.repeat, 50)):
            start = time.perf_counter()
            merge_template(template, page.overrides).stream_value  # noqa: B018
            timings.append(time.perf_counter() - start)
        return statistics.median(timings)

    def measure_rendering(self):
        from django.test import Client

        self.BaselinePage = define_baseline_model()
        site = self.render_outlet.site
        host = (
            site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
        )
        for size in self.args.block_sizes:
            overrides = (
                self.args.overrides if size == self.args.blocks else round(size / 3)
            )
            log(f"(a) rendering: {size} blocks, {overrides} overrides…")
            template, page, plain = self.create_render_pages(size, overrides)
            client = Client()
            # The outlet's home page is its site's root.
            path, plain_path = f"/{page.slug}/", f"/{plain.slug}/"
            local, base = self.time_requests(client, host, [path, plain_path])
            row = {
                "blocks": size,
                "overrides": overrides,
                "images": image_count(template.body.raw_data),
                "local": local,
                "base": base,
                "same_html": local["html"] == base["html"],
                "merge": self.time_merge(page),
                "path": path,
                "plain_path": plain_path,
            }
            self.render_rows.append(row)

    # ---- (b) publishing

    def publish_change(self, template, derived, label):
        """Publish an edit of a locked text block ``--publish-repeat`` times."""
        from wagtail_distmark.inheritance.models import TemplatePage

        timings, counts = [], []
        for n in range(self.args.publish_repeat):
            template = TemplatePage.objects.get(pk=template.pk)
            body = list(template.body.raw_data)
            for child in body:
                if child["type"] == "rich_text":
                    child["value"]["content"] = f"<p>Brand promise, version {n}.</p>"
                    break
            template.body = body
            before = queued_tasks()
            with QueryCounter(self.tasks_table) as counter:
                start = time.perf_counter()
                template.save_revision().publish()
                timings.append(time.perf_counter() - start)
            counts.append((counter.total, counter.writes, counter.task_writes))
            tasks = new_tasks(before, queued_tasks())
        self.publish_rows.append(
            {
                "label": label,
                "derived": derived,
                "median": statistics.median(timings),
                "counts": sorted(set(counts)),
                "tasks": tasks,
                "by_table": counter.by_table,
            }
        )
        return template

    def time_reindex(self, template, derived, label):
        """The queued search refresh of the derived pages, run here inline."""
        try:
            from wagtail_distmark.inheritance.indexing import reindex_outlet_pages
        except ImportError:
            return
        with QueryCounter(self.tasks_table) as counter:
            start = time.perf_counter()
            done = reindex_outlet_pages(template)
            seconds = time.perf_counter() - start
        self.reindex_rows.append(
            {
                "label": label,
                "derived": derived,
                "done": done,
                "seconds": seconds,
                "queries": counter.total,
                "writes": counter.writes,
                "by_table": counter.by_table,
            }
        )

    # ---- (c) deploying

    def deploy(self, template, outlets, *, publish, label, measure=True):
        from wagtail_distmark.inheritance.models import LocalPage

        marks = []
        before = queued_tasks()
        with QueryCounter(self.tasks_table) as counter:
            start = time.perf_counter()
            if self.deploy_path == "run_deployment":
                from wagtail_distmark.inheritance.deploy import (
                    DeployTemplateAction,
                    run_deployment,
                )

                target = (
                    {"all": True}
                    if len(outlets) == len(self.outlets)
                    else {"outlets": [o.pk for o in outlets]}
                )
                deployment = DeployTemplateAction(
                    template, None, target=target, publish=publish
                ).execute(skip_permission_checks=True, enqueue=False)
                request_seconds = time.perf_counter() - start

                def progress(done, total):
                    marks.append((time.perf_counter(), *counter.snapshot()))
                    if done and done % 250 == 0:
                        log(f"  {done:,}/{total:,} ({marks[-1][0] - start:.0f} s)")

                run_deployment(deployment, progress=progress)
                if deployment.failed_count or deployment.errors:
                    raise SystemExit(
                        f"Deployment {label}: {deployment.failed_count} failed, "
                        f"{deployment.errors[:3]}"
                    )
            else:
                from wagtail_distmark.inheritance.services import create_local_page

                request_seconds = 0.0
                marks.append((time.perf_counter(), *counter.snapshot()))
                for outlet in outlets:
                    create_local_page(template, outlet, publish=publish)
                    marks.append((time.perf_counter(), *counter.snapshot()))
            seconds = time.perf_counter() - start
        created = LocalPage.objects.filter(hq_template=template).count()
        if created != len(outlets):
            raise SystemExit(f"Deployment {label}: {created} pages, not {len(outlets)}")
        if not measure:
            return
        n = len(outlets)
        # Per outlet: between successive progress calls (the first is the start).
        per = [
            [b[i] - a[i] for a, b in zip(marks, marks[1:], strict=False)]
            for i in range(4)
        ]
        self.deploy_rows.append(
            {
                "label": label,
                "outlets": n,
                "seconds": seconds,
                "request_seconds": request_seconds,
                "per_seconds": per[0],
                "per_queries": per[1],
                "queries": counter.total / n,
                "writes": counter.writes / n,
                "task_writes": counter.task_writes / n,
                "tasks": new_tasks(before, queued_tasks()),
                "by_table": counter.by_table,
            }
        )

    # ---- run

    def run(self):
        args = self.args
        self.create_network()
        self.create_images()
        self.onboard_render_outlet()
        self.measure_rendering()

        log(f"Onboarding outlets until the network has {args.outlets:,}…")
        self.grow_network()

        body = template_body(args.blocks, self.images)
        small = self.create_template("bench-small", "Small deployment", body)
        published = self.create_template("bench-published", "Published pages", body)
        drafts = self.create_template(
            "bench-drafts",
            "Draft pages",
            template_body(args.blocks, self.images, required_event=True),
        )
        assert drafts.required_block_count and not published.required_block_count

        log(f"(b) {SMALL_DEPLOYMENT} outlet pages built on a template…")
        self.deploy(
            small,
            self.outlets[:SMALL_DEPLOYMENT],
            publish=True,
            label="small",
            measure=False,
        )
        log(f"(c) deploying as drafts to {args.outlets:,} outlets…")
        self.deploy(drafts, self.outlets, publish=False, label="Drafts")
        log(f"(c) deploying published pages to {args.outlets:,} outlets…")
        self.deploy(published, self.outlets, publish=True, label="Published")

        log("(b) publishing template changes…")
        self.publish_change(small, SMALL_DEPLOYMENT, "published pages")
        self.publish_change(published, args.outlets, "published pages")
        self.publish_change(drafts, args.outlets, "draft pages")
        self.time_reindex(small, SMALL_DEPLOYMENT, "published pages")
        self.time_reindex(published, args.outlets, "published pages")


# --------------------------------------------------------------------------
# Report


def print_report(bench, db_label, wall_seconds):

    args = bench.args
    print_run_header(
        "Template rendering, publishing and deployment benchmark",
        bench,
        db_label,
        f"{wall_seconds:.0f} s (of which onboarding "
        f"{len(bench.outlets):,} outlets: {bench.growth_seconds:.0f} s)",
    )

    # (a)
    print("\n### (a) Rendering an outlet page\n")
    print(
        "`GET` of the page on its outlet's hostname through the Django test "
        f"client (anonymous): two warm-up requests each, then {args.repeat} timed "
        "requests each, interleaved with the baseline's (the order alternating). "
        "Each template cycles through hero (image), locked rich text, "
        "promotion (image), editable rich text, event, call to action, "
        "gallery (3 images), outlet details, opening hours and manager's "
        "signature; the outlet has weekly hours and a manager photo. Overrides "
        "are spread over the open blocks (hero subtitle, discount, text, event "
        "date, button text, hours note).\n"
    )
    print(
        "Baseline: a plain Wagtail page (`BenchPlainPage`, defined by the "
        "script, its table created in the throwaway database) under the same "
        "outlet home page, whose own StreamField, of the same block types, "
        "holds the outlet page's merged content; same page template, same "
        "context (the outlet with its hours and manager photo) and language "
        "handling as `LocalPage`. The two responses' HTML is compared: the "
        "difference measured is loading the template and merging it.\n"
    )
    print(
        "| Blocks | Overrides | Images | Outlet page ms, median (min) "
        "| Baseline ms, median (min) | Ratio of medians (of mins) "
        "| Outlet page queries | Baseline queries | `merge_template()` ms "
        "| Same HTML |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in bench.render_rows:
        local, base = row["local"], row["base"]
        print(
            f"| {row['blocks']} | {row['overrides']} | {row['images']} "
            f"| {ms(local['median'])} ({ms(local['min'])}) "
            f"| {ms(base['median'])} ({ms(base['min'])}) "
            f"| {local['median'] / base['median']:.2f} "
            f"({local['min'] / base['min']:.2f}) "
            f"| {'/'.join(map(str, local['queries']))} "
            f"| {'/'.join(map(str, base['queries']))} "
            f"| {row['merge'] * 1000:.2f} | {'yes' if row['same_html'] else 'NO'} |"
        )
    print(
        "\nOn a loaded machine (load average above the core count) request "
        "times are bimodal, each request either having a core or sharing one, "
        "so a median can land in either mode; the ratio of the fastest "
        "requests is then the steadier comparison. `merge_template()` is the "
        "merge alone, the template already loaded (median of at least 50)."
    )

    # (b)
    print("\n### (b) Publishing a template change\n")
    print(
        "`template.save_revision().publish()` after editing one locked text "
        f"block, {args.publish_repeat} times per template (median ms; the "
        "counts are the same every time unless shown as a/b). Writes are "
        "INSERT/UPDATE/DELETE statements, django-tasks rows apart. Queries "
        "counted with `connection.execute_wrapper`.\n"
    )
    print(
        "| Derived outlet pages | ms (median) | Queries | Writes (excl. tasks) "
        "| django-tasks rows written | Tasks enqueued |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for row in bench.publish_rows:
        counts = row["counts"]

        def col(i, counts=counts):
            return "/".join(str(c) for c in sorted({c[i] for c in counts}))

        print(
            f"| {row['derived']:,} {row['label']} | {ms(row['median'])} "
            f"| {col(0)} | {col(1)} | {col(2)} | {describe_tasks(row['tasks'])} |"
        )
    if bench.reindex_rows:
        print(
            "\nThe enqueued search refresh of the derived pages "
            "(`reindex_outlet_pages`, the task's body), run inline here: "
            + "; ".join(
                f"{row['derived']:,} pages: {row['seconds']:.2f} s, "
                f"{row['queries']:,} queries ({row['writes']:,} writes)"
                for row in bench.reindex_rows
            )
            + ". It runs in the task worker, not in HQ's publish request."
        )

    # (c)
    print("\n### (c) Deploying a template\n")
    how = (
        "`DeployTemplateAction(...).execute(enqueue=False)` then "
        "`run_deployment()` (as `manage.py distmark_deploy_template` does)"
        if bench.deploy_path == "run_deployment"
        else "`create_local_page()` in a loop (the deploy module was missing)"
    )
    print(
        f"{how}, to every outlet of the network, each page in its own "
        f"transaction; {args.blocks}-block templates. Drafts: a template with "
        "a required block (the event's date); published: the same template "
        "without required blocks. Per-outlet figures are between successive "
        "progress callbacks.\n"
    )
    print(
        "| Deployment | Outlets | Total (s) | Outlets/s | ms/outlet (median) "
        "| ms/outlet, first → last tenth | Queries/outlet (mean) "
        "| Queries/outlet, first → last tenth | Writes/outlet (excl. tasks) "
        "| django-tasks rows/outlet |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in bench.deploy_rows:
        per, qs = row["per_seconds"], row["per_queries"]
        tenth = max(1, len(per) // 10)
        print(
            f"| {row['label']} | {row['outlets']:,} | {row['seconds']:.1f} "
            f"| {row['outlets'] / row['seconds']:.1f} | {ms(statistics.median(per))} "
            f"| {ms(statistics.mean(per[:tenth]))} → "
            f"{ms(statistics.mean(per[-tenth:]))} "
            f"| {row['queries']:.1f} | {statistics.mean(qs[:tenth]):.1f} → "
            f"{statistics.mean(qs[-tenth:]):.1f} | {row['writes']:.1f} "
            f"| {row['task_writes']:.1f} |"
        )
    for row in bench.deploy_rows:
        print(
            f"\n{row['label']}: tasks enqueued per outlet: "
            f"{describe_tasks(row['tasks'], per=row['outlets'])}"
            + (
                f"; checking and recording the request took "
                f"{ms(row['request_seconds'])} ms"
                if bench.deploy_path == "run_deployment"
                else ""
            )
            + "."
        )

    # Targets
    print("\n### Targets\n")
    main = next(r for r in bench.render_rows if r["blocks"] == args.blocks)
    local, base = main["local"], main["base"]
    ratio = local["median"] / base["median"]
    print(
        f"- Outlet page ({args.blocks} blocks, {main['overrides']} overrides) "
        f"within 1.5× of the plain page: {ratio:.2f}× "
        f"({ms(local['median'])} vs {ms(base['median'])} ms; of the fastest "
        f"requests: {local['min'] / base['min']:.2f}×) — "
        f"{'met' if ratio <= 1.5 else 'MISSED'}"
    )
    sizes = [r["blocks"] for r in bench.render_rows]
    local_counts = {max(r["local"]["queries"]) for r in bench.render_rows}
    verdict = "met" if len(local_counts) == 1 else "GROWS"
    print(
        f"- Outlet page query count constant from {sizes[0]} to {sizes[-1]} "
        f"blocks: {' / '.join(str(max(r['local']['queries'])) for r in bench.render_rows)}"
        f" — {verdict}"
    )
    by_size = {}
    for row in bench.publish_rows:
        if row["label"] == "published pages":
            by_size[row["derived"]] = row["counts"]
    if len(by_size) >= 2:
        first, last = min(by_size), max(by_size)
        w_first = max(c[1] + c[2] for c in by_size[first])
        w_last = max(c[1] + c[2] for c in by_size[last])
        print(
            f"- Template publish writes constant from {first:,} to {last:,} "
            f"derived pages: {w_first} → {w_last} (tasks included) — "
            f"{'met' if w_first == w_last else 'GROWS'}"
        )

    if args.breakdown:
        print("\n### Query breakdown\n")
        print_query_breakdown(
            f"Outlet page GET {main['path']} ({args.blocks} blocks)",
            main["local"]["captured"],
        )
        print()
        for q in main["local"]["captured"]:
            print(f"    {q['sql'][:220]}")
        print_query_breakdown(
            f"Baseline GET {main['plain_path']}", main["base"]["captured"]
        )
        for row in bench.publish_rows:
            print_counter(
                f"Template publish, {row['derived']:,} {row['label']} (last run)",
                row["by_table"],
            )
        for row in bench.reindex_rows:
            print_counter(
                f"Search refresh of {row['derived']:,} derived pages (inline)",
                row["by_table"],
            )
        for row in bench.deploy_rows:
            print_counter(
                f"Deployment, {row['label'].lower()}: per outlet (whole run / "
                f"{row['outlets']:,})",
                row["by_table"],
                per=row["outlets"],
            )


def print_counter(title, by_table, per=1):
    total = sum(by_table.values())
    print(f"\n#### {title}: {total / per:g} queries\n")
    print("| Statement | Table | Queries |")
    print("|---|---|---:|")
    for (verb, table), n in by_table.most_common():
        print(f"| {verb} | {table} | {n / per:g} |")


def main(argv=None):
    args = parse_args(argv)
    db = ThrowawayDatabase(args.database_url, args.keep_db)
    db.configure_environment()
    media_root = tempfile.mkdtemp(prefix="distmark-bench-media-")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.MEDIA_ROOT = media_root
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not any(h in (".localhost", "*") for h in settings.ALLOWED_HOSTS):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".localhost"]

    started = time.perf_counter()
    db.create()
    try:
        log(f"Migrating a fresh database ({db.description})…")
        call_command("migrate", verbosity=0, interactive=False)
        db_label = database_info()
        bench = Bench(args)
        bench.revision = git_revision()
        bench.loadavg = [os.getloadavg()[0]]
        bench.run()
        bench.loadavg.append(os.getloadavg()[0])
        print_report(bench, db_label, time.perf_counter() - started)
    finally:
        db.drop()
        if args.keep_db:
            print(f"Kept the images: {media_root}")
        else:
            shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
