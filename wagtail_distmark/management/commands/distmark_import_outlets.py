"""Import outlets from a CSV file: ``manage.py distmark_import_outlets FILE``.

A thin shell around ``wagtail_distmark.outlets.importing.import_outlets``.
Exits 0 when the file was processed, even with rejected rows (they are listed,
and written to ``--report`` if given); exits 1 when the file itself cannot be
imported (unreadable, required columns missing).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_distmark.outlets.importing import (
    OutletImportError,
    import_outlets,
    quoted,
)

from ..progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Create or update outlets from a CSV file (UTF-8 or Windows-1252, comma "
        "or semicolon). Rows are keyed by slug: an existing slug updates that "
        "outlet, so re-running a file changes nothing. Rows sharing a slug or a "
        "hostname are all rejected unless identical."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Go through every row as a real run would, then roll it all "
            "back: nothing is saved. Takes as long as a real run.",
        )
        parser.add_argument(
            "--create-regions",
            action="store_true",
            help="Create regions the file names but the network lacks, directly "
            "under the network, named after their slug (rename them later). A "
            "region is created with the first row that needs it, in that row's "
            "savepoint: a rejected row leaves no region behind. A region that "
            "differs from an existing one only by case, accents, spacing or "
            "punctuation is refused, naming the region to use.",
        )
        parser.add_argument(
            "--report",
            metavar="REJECTED_CSV",
            help="Write the rejected rows, with their errors, to this CSV file; "
            "once corrected it can be imported as it is.",
        )

    def handle(self, *args, file, dry_run, create_regions, report, **options):
        show_progress = options["verbosity"] >= 1
        progress = ProgressBar(self.stderr) if show_progress else None
        try:
            result = import_outlets(
                file,
                dry_run=dry_run,
                create_regions=create_regions,
                progress=progress,
            )
        except OutletImportError as error:
            raise CommandError(str(error)) from error
        finally:
            if progress is not None:
                progress.close()
        self._print_summary(result)
        if report:
            self._write_report(result, report)

    def _print_summary(self, result):
        counts = result.counts
        if result.dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was saved.")))
            line = _(
                "%(total)d rows: %(created)d would be created, %(updated)d "
                "updated, %(unchanged)d unchanged, %(rejected)d rejected."
            )
        else:
            line = _(
                "%(total)d rows: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(rejected)d rejected."
            )
        style = self.style.ERROR if counts["rejected"] else self.style.SUCCESS
        self.stdout.write(style(line % {"total": result.total, **counts}))
        if result.created_regions:
            if result.dry_run:
                regions = _("Regions to be created: %(regions)s")
            else:
                regions = _("Regions created: %(regions)s")
            self.stdout.write(regions % {"regions": ", ".join(result.created_regions)})
        if result.ignored_columns:
            self.stdout.write(
                self.style.WARNING(
                    _("Columns ignored: %(columns)s")
                    % {"columns": quoted(result.ignored_columns)}
                )
            )
        for slug, fields in result.changed_fields.items():
            self.stdout.write(
                _("Updated %(slug)s: %(fields)s")
                % {"slug": slug, "fields": quoted(fields)}
            )
        for repeat in result.repeated:
            self.stdout.write(
                _("line %(line)d: the same as line %(first)d, imported once.")
                % {"line": repeat.line, "first": repeat.same_as}
            )
        # Unknown regions once each, with their rows; the other errors row
        # by row (--report has every row with all its errors).
        for message in result.unknown_region_messages():
            self.stdout.write(message)
        if result.unknown_regions:
            self.stdout.write(result.unknown_regions_help())
        for error in result.row_errors:
            self.stdout.write(str(error))

    def _write_report(self, result, path):
        # BOM so that Excel opens it with the accents right; the importer
        # reads it back either way.
        try:
            with open(path, "w", encoding="utf-8-sig", newline="") as fileobj:
                result.write_rejected_csv(fileobj)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s")
                % {"path": path, "error": error.strerror or error}
            ) from error
        self.stdout.write(_("Rejected rows written to %(path)s") % {"path": path})
