"""Deploying a template: HQ creates its page in many outlets in one action.

``DeployTemplateAction`` checks the request and records a
``TemplateDeployment``; the ``deploy_template_task`` background task then
calls :func:`run_deployment`, which creates the page in each targeted outlet
and keeps the deployment's progress counts up to date for the admin to show.
``manage.py distmark_deploy_template`` runs the same deployment in the shell.

Deploying is idempotent: outlets that already have a page built on the
template are skipped, so a deployment can be repeated, or retried after a
failure, without creating anything twice.
"""

import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..outlets.access import user_is_hq
from ..outlets.models import Outlet, Region
from ..workflows.publishing import brand_check_problems
from .models import LocalPage, TemplateDeployment, TemplatePage
from .services import create_local_page

logger = logging.getLogger(__name__)

#: The deployment row is updated once per this many outlets, not per outlet.
PROGRESS_SAVE_EVERY = 25

TARGET_KINDS = ("all", "regions", "outlets")

PROGRESS_FIELDS = ["total", "created_count", "skipped_count", "failed_count", "errors"]


def _ids(values):
    """``(ids, rejected)``: ``values`` (ids, id strings or model instances) as
    ints in their first order, and those that are not ids at all."""
    ids, rejected = [], []
    for value in values:
        value = getattr(value, "pk", value)
        try:
            value = int(value)
        except (TypeError, ValueError):
            rejected.append(str(value))
            continue
        if value not in ids:
            ids.append(value)
    return ids, rejected


def clean_target(target):
    """Check a deployment target and return it normalised.

    ``target`` is ``{"all": True}``, ``{"regions": [...]}`` or
    ``{"outlets": [...]}``; regions and outlets may be given as ids or
    instances and come back as ids. Raises ``ValidationError`` for an empty
    target, several kinds at once, or ids that match nothing (naming them).
    """
    if not isinstance(target, dict):
        raise ValidationError(_("The target is not valid."), code="invalid_target")
    unknown_keys = set(target) - set(TARGET_KINDS)
    if unknown_keys:
        raise ValidationError(_("The target is not valid."), code="invalid_target")
    kinds = [kind for kind in TARGET_KINDS if target.get(kind)]
    if not kinds:
        raise ValidationError(
            _("Choose where to deploy: all outlets, some regions or some outlets."),
            code="empty_target",
        )
    if len(kinds) > 1:
        raise ValidationError(
            _("Deploy to all outlets, to regions or to outlets, not several at once."),
            code="invalid_target",
        )
    kind = kinds[0]
    if kind == "all":
        if target["all"] is not True:
            raise ValidationError(_("The target is not valid."), code="invalid_target")
        return {"all": True}
    values = target[kind]
    if isinstance(values, (str, int)) or not hasattr(values, "__iter__"):
        values = [values]
    ids, rejected = _ids(values)
    model = Region if kind == "regions" else Outlet
    found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [str(pk) for pk in ids if pk not in found] + rejected
    if unknown:
        message = (
            _("Unknown regions: %(ids)s.")
            if kind == "regions"
            else _("Unknown outlets: %(ids)s.")
        )
        raise ValidationError(
            message % {"ids": ", ".join(unknown)},
            code=f"unknown_{kind}",
            params={"ids": unknown},
        )
    return {kind: ids}


def resolve_target(target):
    """The outlets a (clean) target names; a region includes its sub-regions."""
    if target.get("all"):
        return Outlet.objects.all()
    if target.get("regions"):
        # A region holds every outlet whose region path starts with its own:
        # one query, however many regions and sub-regions.
        return Outlet.objects.filter(
            Exists(
                Region.objects.filter(
                    pk__in=target["regions"],
                    path=Substr(OuterRef("region__path"), 1, Length("path")),
                )
            )
        )
    if target.get("outlets"):
        return Outlet.objects.filter(pk__in=target["outlets"])
    return Outlet.objects.none()


def template_problems(template_page, *, publish):
    """Why ``template_page`` cannot be deployed as asked, as messages."""
    problems = []
    if not template_page.live:
        problems.append(
            ValidationError(
                _("“%(template)s” is not published: publish it before deploying it.")
                % {"template": template_page.title},
                code="template_not_live",
            )
        )
    if publish and template_page.required_block_count:
        problems.append(
            ValidationError(
                _(
                    "“%(template)s” has blocks each outlet must fill in, so its "
                    "pages cannot be published at once: deploy them as drafts."
                )
                % {"template": template_page.title},
                code="required_blocks",
            )
        )
    return problems


class DeployTemplateAction:
    """HQ asks for ``template_page``'s page in every outlet of ``target``.

    ``check()`` raises ``PermissionDenied`` unless the user is HQ staff, and
    ``ValidationError`` when the template or the target cannot be deployed.
    ``execute()`` checks, records a pending ``TemplateDeployment`` and enqueues
    the task that runs it (once the current transaction commits); it returns
    the deployment, whose row the task keeps up to date.
    """

    def __init__(self, template_page, user, *, target, publish=False):
        self.template_page = template_page
        self.user = user
        self.target = target
        self.publish = publish
        self.total = None

    def check(self, skip_permission_checks=False):
        if not skip_permission_checks and (
            self.user is None or not user_is_hq(self.user)
        ):
            raise PermissionDenied(_("Only HQ can deploy templates to outlets."))
        template = self.template_page.specific
        if not isinstance(template, TemplatePage):
            raise ValidationError(
                _("Only HQ templates can be deployed."), code="not_a_template"
            )
        self.template_page = template
        errors = template_problems(template, publish=self.publish)
        try:
            self.target = clean_target(self.target)
        except ValidationError as error:
            errors.append(error)
        else:
            self.total = resolve_target(self.target).count()
            if not self.total:
                errors.append(
                    ValidationError(
                        _("There is no outlet to deploy to in this target."),
                        code="no_outlets",
                    )
                )
        if errors:
            raise ValidationError(errors)

    def execute(self, skip_permission_checks=False, enqueue=True):
        """Check, then record the deployment; with ``enqueue`` (the default)
        the background task runs it, otherwise the caller calls
        :func:`run_deployment` (the management command does, to show progress).
        """
        self.check(skip_permission_checks=skip_permission_checks)
        deployment = TemplateDeployment.objects.create(
            template_page=self.template_page,
            requested_by=self.user,
            publish=self.publish,
            target=self.target,
            total=self.total,
        )
        if enqueue:
            from .tasks import deploy_template_task

            # A worker must find the deployment row when it picks the task up.
            transaction.on_commit(partial(deploy_template_task.enqueue, deployment.pk))
        return deployment


def _describe(error):
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    if isinstance(error, PermissionDenied):
        return str(error) or str(_("Permission denied."))
    name = type(error).__name__
    return f"{name}: {error}" if str(error) else name


class _DeploymentRun:
    """One run of a deployment, counting as it goes."""

    def __init__(self, deployment, progress):
        self.deployment = deployment
        self.progress = progress
        self.unsaved = 0

    def run(self):
        deployment = self.deployment
        deployment.status = TemplateDeployment.RUNNING
        deployment.started_at = timezone.now()
        deployment.finished_at = None
        deployment.created_count = deployment.skipped_count = 0
        deployment.failed_count = 0
        deployment.errors = []
        try:
            self._run()
        except BaseException as error:
            # Not left "running" for ever: the admin shows where it stopped.
            self._stop(error)
            raise
        return deployment

    def _run(self):
        deployment = self.deployment
        template = TemplatePage.objects.get(pk=deployment.template_page_id)
        targeted = resolve_target(deployment.target)
        outlets = list(targeted.select_related("home_page"))
        having_page = set(
            LocalPage.objects.filter(
                hq_template=template, outlet__in=targeted.values("pk")
            ).values_list("outlet_id", flat=True)
        )
        # The network may have changed since the request.
        deployment.total = len(outlets)
        deployment.skipped_count = sum(1 for o in outlets if o.pk in having_page)
        problems = template_problems(template, publish=deployment.publish)
        if problems:
            deployment.errors = [
                {"outlet": None, "name": "", "error": _describe(problem)}
                for problem in problems
            ]
            self._finish(TemplateDeployment.FAILED)
            return
        self._save("status", "started_at", "finished_at", *PROGRESS_FIELDS)
        self._report()
        user = deployment.requested_by
        for outlet in outlets:
            if outlet.pk in having_page:
                continue
            self._deploy_to(template, outlet, user)
            self.unsaved += 1
            if self.unsaved >= PROGRESS_SAVE_EVERY:
                self._save(*PROGRESS_FIELDS)
            self._report()
        nothing_worked = deployment.failed_count and not deployment.created_count
        self._finish(
            TemplateDeployment.FAILED if nothing_worked else TemplateDeployment.DONE
        )

    def _deploy_to(self, template, outlet, user):
        deployment = self.deployment
        try:
            with transaction.atomic():
                # Checked again, with the outlet locked: another deployment may
                # have created the page since this run listed the outlets.
                # (SQLite has no row locks; its writes are serialised anyway.)
                if connection.features.has_select_for_update:
                    Outlet.objects.select_for_update().filter(pk=outlet.pk).exists()
                if LocalPage.objects.filter(
                    hq_template=template, outlet=outlet
                ).exists():
                    deployment.skipped_count += 1
                    return
                problems = (
                    brand_check_problems(
                        LocalPage(
                            title=template.title,
                            hq_template=template,
                            outlet=outlet,
                            overrides={},
                        ),
                        outlet=outlet,
                    )
                    if deployment.publish
                    else []
                )
                create_local_page(
                    template,
                    outlet,
                    user=user,
                    publish=deployment.publish and not problems,
                    skip_permission_checks=True,
                )
        except Exception as error:
            if not isinstance(error, (ValidationError, PermissionDenied)):
                logger.exception(
                    "Deploying template %s to outlet %s failed", template.pk, outlet.pk
                )
            deployment.failed_count += 1
            deployment.errors.append(
                {"outlet": outlet.pk, "name": outlet.name, "error": _describe(error)}
            )
        else:
            deployment.created_count += 1
            if problems:
                # Created, but what the outlet's visitors would see fails the
                # brand checks (HQ's expired visual): a draft, and HQ is told.
                deployment.errors.append(
                    {
                        "outlet": outlet.pk,
                        "name": outlet.name,
                        "error": str(
                            _("Created as a draft, not published: %(problems)s")
                            % {"problems": " ".join(problems)}
                        ),
                        "draft": True,
                    }
                )

    def _report(self):
        if self.progress is not None:
            deployment = self.deployment
            self.progress(deployment.done_count, deployment.total)

    def _save(self, *fields):
        self.deployment.save(update_fields=fields)
        self.unsaved = 0

    def _finish(self, status):
        self.deployment.status = status
        self.deployment.finished_at = timezone.now()
        self._save("status", "started_at", "finished_at", *PROGRESS_FIELDS)

    def _stop(self, error):
        deployment = self.deployment
        deployment.errors.append(
            {
                "outlet": None,
                "name": "",
                "error": str(_("Stopped: %(error)s") % {"error": _describe(error)}),
            }
        )
        try:
            self._finish(TemplateDeployment.FAILED)
        except Exception:
            logger.exception(
                "Could not record that deployment %s failed", deployment.pk
            )


def run_deployment(deployment, progress=None):
    """Create the template's page in each targeted outlet; return the deployment.

    Outlets that already have a page built on the template are skipped (found
    in one query). Each page is created in its own transaction: an outlet that
    fails is recorded in ``deployment.errors`` as ``{"outlet", "name",
    "error"}`` and the others go on. The counts are saved to the deployment
    row every ``PROGRESS_SAVE_EVERY`` outlets and at the end; ``progress(done,
    total)``, when given, is called at the start and after each outlet.

    Pages are created on HQ's behalf, whatever the requesting user's own
    rights in each outlet; that user is recorded as owner and revision author.
    The status ends ``done``, or ``failed`` when the run could not start (the
    template unpublished since the request), stopped on an unexpected error,
    or created nothing while some outlets failed.
    """
    return _DeploymentRun(deployment, progress).run()
