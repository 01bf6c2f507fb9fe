"""Import contacts from a CSV or XLSX file into one outlet."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from ...contacts.imports.mapping import (
    CONSENT_CONFIRMATIONS,
    ORIGIN_NAMES,
    apply_overrides,
    auto_map,
    detect_origin,
    is_valid_target,
)
from ...contacts.imports.reader import ImportFileError, open_table
from ...contacts.imports.services import ImportContactsAction, date_order_texts
from ...contacts.models import AttributeDefinition, ContactImport
from ...outlets.models import Outlet


class Command(BaseCommand):
    help = (
        "Import contacts from a CSV or XLSX file into an outlet: upserts by "
        "email, rejects bad rows into a report (see docs/imports.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("outlet", help="The outlet's slug.")
        parser.add_argument("path", help="The CSV or XLSX file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count what would change; write nothing.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=(
                "Map a column to a field (email, first_name, ..., tags, "
                "email_consent, attr:<key>) or leave it out with COLUMN=-. "
                "Repeat for several columns."
            ),
        )
        parser.add_argument(
            "--consent-confirmed",
            action="store_true",
            help=(
                "For a Mailchimp export of subscribed members or a Brevo "
                "export: its contacts gave email consent (except those it "
                "marks as unsubscribed or blocklisted). Without it, no email "
                "consent is imported from such a file."
            ),
        )

    def handle(
        self, *args, outlet, path, dry_run, map, consent_confirmed=False, **options
    ):
        try:
            target_outlet = Outlet.objects.get(slug=outlet)
        except Outlet.DoesNotExist:
            raise CommandError(f"No outlet with the slug {outlet!r}.") from None
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {path}")
        overrides = {}
        for item in map:
            column, sep, target = item.partition("=")
            if not sep or not is_valid_target(target.strip()) and target != "-":
                raise CommandError(f"--map {item!r}: expected COLUMN=FIELD.")
            overrides[column.strip()] = target.strip()
        with source.open("rb") as fileobj:
            try:
                table = open_table(fileobj)
            except ImportFileError as error:
                raise CommandError(str(error)) from None
            header = table.header
            table.close()
        keys = AttributeDefinition.objects.values_list("key", flat=True)
        try:
            mapping = apply_overrides(header, auto_map(header, keys), overrides)
        except ValueError as error:
            raise CommandError(f"--map: no column named {error}.") from None
        if "email" not in mapping:
            raise CommandError("No column is mapped to the email address.")
        origin = detect_origin(header)
        if origin:
            self.stdout.write(f"Recognised as: {ORIGIN_NAMES[origin]}.")
        if consent_confirmed and origin not in CONSENT_CONFIRMATIONS:
            raise CommandError(
                "--consent-confirmed is for a Mailchimp export of subscribed "
                "members or a Brevo export; map the file's consent column instead."
            )
        for column, target in zip(header, mapping, strict=True):
            self.stdout.write(f"  {column or '(blank)'} -> {target or '(left out)'}")

        with source.open("rb") as fileobj:
            job = ContactImport(
                outlet=target_outlet,
                original_name=source.name,
                mapping={
                    "columns": mapping,
                    "header": header,
                    "origin": origin,
                    "consent_confirmed": consent_confirmed,
                },
                dry_run=dry_run,
            )
            job.file.save(source.name, File(fileobj), save=False)
            job.save()
        job = ImportContactsAction(job).execute()
        if job.status == ContactImport.Status.FAILED:
            raise CommandError(job.error)
        prefix = "Dry run: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {job.created_count}, updated {job.updated_count}, "
            f"unchanged {job.unchanged_count}, rejected {job.rejected_count} "
            f"(of {job.total_rows} rows)."
        )
        for text in date_order_texts(job.mapping.get("date_orders") or []):
            self.stdout.write(text)
        not_restored = job.mapping.get("consent_not_restored")
        if not_restored:
            self.stdout.write(
                f"Consents not restored (withdrawn by the contact): {not_restored}."
            )
        if job.report:
            try:
                where = job.report.path
            except NotImplementedError:  # a remote private storage
                where = job.report.name
            self.stdout.write(f"Rejected rows: {where}")
