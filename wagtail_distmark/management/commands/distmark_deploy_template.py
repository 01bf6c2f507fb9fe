"""Deploy an HQ template to outlets: ``manage.py distmark_deploy_template SLUG``.

Runs the deployment here and now (not through the task worker), with a
progress bar, then lists created, skipped and failed outlets. Like the admin's
deployments, it is recorded as a ``TemplateDeployment`` and is idempotent.
Exits 0 when the deployment ran, even if some outlets failed (they are listed);
exits 1 when it cannot run at all, or no page could be created where needed.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_distmark.inheritance.deploy import DeployTemplateAction, run_deployment
from wagtail_distmark.inheritance.models import TemplateDeployment, TemplatePage
from wagtail_distmark.outlets.models import Outlet, Region

from ..progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Create an HQ template's page in every targeted outlet, as drafts or "
        "published. Outlets that already have it are skipped, so running the "
        "command again creates nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("template", help="The template's slug.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--all", action="store_true", help="Deploy to every outlet."
        )
        target.add_argument(
            "--region",
            nargs="+",
            metavar="SLUG",
            help="Deploy to the outlets of these regions and their sub-regions.",
        )
        target.add_argument(
            "--outlet", nargs="+", metavar="SLUG", help="Deploy to these outlets."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the pages at once (refused when the template has "
            "blocks each outlet must fill in). Default: drafts.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="HQ user recorded as requester, page owner and revision author.",
        )

    def handle(self, *args, template, publish, user, **options):
        template_page = TemplatePage.objects.filter(slug=template).first()
        if template_page is None:
            raise CommandError(
                _("No template with the slug “%(slug)s”.") % {"slug": template}
            )
        requester = self._get_user(user) if user else None
        action = DeployTemplateAction(
            template_page,
            requester,
            target=self._get_target(options),
            publish=publish,
        )
        try:
            # The shell is trusted; a user named with --user must be HQ staff.
            deployment = action.execute(
                skip_permission_checks=requester is None, enqueue=False
            )
        except PermissionDenied as error:
            raise CommandError(
                _("%(username)s is not HQ staff: only HQ can deploy templates.")
                % {"username": user}
            ) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        show_progress = options["verbosity"] >= 1
        progress = ProgressBar(self.stderr) if show_progress else None
        try:
            run_deployment(deployment, progress=progress)
        finally:
            if progress is not None:
                progress.close()
        self._print_summary(deployment)
        if deployment.status == TemplateDeployment.FAILED:
            raise CommandError(_("The deployment failed: no page could be created."))

    def _get_user(self, username):
        User = get_user_model()
        try:
            return User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                _("No user named “%(username)s”.") % {"username": username}
            ) from None

    def _get_target(self, options):
        if options["all"]:
            return {"all": True}
        model, slugs = (
            (Region, options["region"])
            if options["region"]
            else (Outlet, options["outlet"])
        )
        ids = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [slug for slug in slugs if slug not in ids]
        if unknown:
            message = (
                _("Unknown regions: %(slugs)s.")
                if model is Region
                else _("Unknown outlets: %(slugs)s.")
            )
            raise CommandError(message % {"slugs": ", ".join(unknown)})
        key = "regions" if model is Region else "outlets"
        return {key: [ids[slug] for slug in slugs]}

    def _print_summary(self, deployment):
        line = _(
            "“%(template)s”, %(total)d outlets: %(created)d created, "
            "%(skipped)d skipped (already there), %(failed)d failed."
        ) % {
            "template": deployment.template_page.title,
            "total": deployment.total,
            "created": deployment.created_count,
            "skipped": deployment.skipped_count,
            "failed": deployment.failed_count,
        }
        style = self.style.ERROR if deployment.errors else self.style.SUCCESS
        self.stdout.write(style(line))
        for error in deployment.errors:
            if error["outlet"] is None:
                self.stdout.write(error["error"])
            else:
                self.stdout.write(
                    _("%(outlet)s: %(error)s")
                    % {"outlet": error["name"], "error": error["error"]}
                )
