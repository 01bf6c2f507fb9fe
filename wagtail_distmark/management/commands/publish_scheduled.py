"""Wagtail's ``publish_scheduled``, with the brand checks on outlet content.

A revision scheduled to go live is checked again when its time comes (an
asset's usage rights may have expired since it was approved): an outlet's
page or item that fails the brand checks keeps its draft, its schedule is
cancelled, and its history says why. Everything else is Wagtail's command.

Django runs this command rather than Wagtail's because ``wagtail_distmark``
comes before ``wagtail`` in ``INSTALLED_APPS`` (system check
``wagtail_distmark.W010`` warns otherwise).
"""

from wagtail.management.commands.publish_scheduled import Command as WagtailCommand

from wagtail_distmark.workflows.publishing import refuse_failing_scheduled_revisions


class Command(WagtailCommand):
    help = (
        "Publish and unpublish scheduled pages and snippets; outlet content "
        "that fails the brand checks is not published."
    )

    def handle(self, *args, **options):
        refused = refuse_failing_scheduled_revisions(dryrun=options["dryrun"])
        if refused:
            self.stdout.write(
                "Not published, failing the brand checks:"
                if not options["dryrun"]
                else "Would not be published, failing the brand checks:"
            )
            for revision, obj, problems in refused:
                self.stdout.write(f"- {obj} (revision {revision.pk})")
                for problem in problems:
                    self.stdout.write(f"    {problem}")
        super().handle(*args, **options)
