from django.core.management.base import BaseCommand

from wagtail_distmark.media.usage import (
    EXPIRED,
    notify_unusable_asset_uses,
    report_unusable_assets,
)


class Command(BaseCommand):
    help = (
        "List every page still using an asset outlets may no longer use "
        "(expired usage rights, not approved by HQ), and email HQ and the "
        "outlets concerned. Run it daily (cron), or enqueue check_assets_task."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-notify", action="store_true", help="List only; send no email."
        )

    def handle(self, *args, no_notify=False, **options):
        report = report_unusable_assets()
        if not report:
            self.stdout.write("No unusable asset is in use.")
            return
        for entry in report:
            reason = (
                f"usage rights expired on {entry.expires_on.isoformat()}"
                if entry.reason == EXPIRED
                else "not approved by HQ"
            )
            self.stdout.write(f"{entry.asset.title} ({reason}):")
            for use in entry.uses:
                title = use.obj.get_admin_display_title()
                if use.derived_pages:
                    where = (
                        f"HQ template, {use.derived_pages} outlet page(s) built on it"
                    )
                else:
                    where = use.outlet_name or "HQ"
                self.stdout.write(f"  - {title} [{where}] (page {use.obj.pk})")
        if not no_notify:
            sent = notify_unusable_asset_uses(report)
            self.stdout.write(f"{sent} email(s) sent.")
