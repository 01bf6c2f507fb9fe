"""Workflow task types for local publishing, listed in Settings > Workflows.

* :class:`BrandComplianceTask` runs the brand checks when it starts and
  approves or rejects on its own, keeping every finding.
* :class:`OutletApprovalTask` is approved by the people responsible for the
  object's outlet, resolved when asked (see :mod:`.approvers`).
* :class:`HQReviewTask` is a group approval that only applies when the change
  is big enough to matter to HQ; otherwise it is skipped, and the skip logged.

They work on pages and on snippets (campaigns) alike: the outlet is found by
:func:`.objects.outlet_for`.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext, log
from wagtail.models import (
    AbstractGroupApprovalTask,
    Revision,
    Task,
    TaskState,
    WorkflowState,
)

from ..outlets.access import get_network_roles
from .approvers import approver_groups, approvers_for
from .changes import changed_block_count
from .checks import run_checks
from .objects import objects_in_reach_q, outlet_for, outlet_ids_for_objects

logger = logging.getLogger(__name__)

REVIEW_ACTIONS = [
    ("reject", _("Request changes"), True),
    ("approve", _("Approve"), False),
    ("approve", _("Approve with comment"), True),
]


def _revision_object(task_state):
    return task_state.revision.as_object()


def lock_in_progress(task_state):
    """Lock the task state's row for the transaction; refuse if it is no longer
    in progress, so two reviewers acting at once cannot both succeed."""
    locked = TaskState.objects.select_for_update().get(pk=task_state.pk)
    if locked.status != TaskState.STATUS_IN_PROGRESS:
        raise PermissionDenied


# Re-checking edited content -------------------------------------------------------
#
# Wagtail keeps a step's approval when the content changes afterwards (unless
# the site-wide WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT is on, which
# changes every workflow of the site). Our steps check instead, each time one
# of them starts or is approved, that the earlier approvals of our steps cover
# the content as it now is; those that do not are reset and run again.

# Wagtail's bookkeeping in a revision's content: not what a step approved.
BOOKKEEPING_FIELDS = frozenset(
    {
        "pk",
        "id",
        "content_type",
        "path",
        "depth",
        "numchild",
        "url_path",
        "draft_title",
        "live",
        "has_unpublished_changes",
        "owner",
        "locked",
        "locked_at",
        "locked_by",
        "latest_revision",
        "latest_revision_created_at",
        "live_revision",
        "first_published_at",
        "last_published_at",
        "expired",
        "alias_of",
        "translation_key",
        "locale",
        "comments",
        "wagtail_admin_comments",
    }
)


def _approved_content(revision):
    return {
        name: value
        for name, value in (revision.content or {}).items()
        if name not in BOOKKEEPING_FIELDS
    }


def same_content(revision, other):
    """Whether two revisions of an object hold the same content."""
    if revision.pk == other.pk:
        return True
    return _approved_content(revision) == _approved_content(other)


def latest_revision(workflow_state):
    """The object's latest revision, read afresh (the workflow state may hold
    a copy of the object loaded before the edit being submitted)."""
    return (
        Revision.objects.filter(
            base_content_type_id=workflow_state.base_content_type_id,
            object_id=workflow_state.object_id,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def on_latest_revision(task_state, workflow_state):
    """Make ``task_state`` name the latest revision. Wagtail starts a step on
    the revision its copy of the object names as latest, which is an older
    one when that copy was loaded before the edit being submitted."""
    latest = latest_revision(workflow_state)
    if latest is not None and task_state.revision_id != latest.pk:
        task_state.revision = latest
        task_state.save(update_fields=["revision"])
    return task_state


def reset_stale_steps(workflow_state):
    """Reset our steps whose approval (or skip) no longer covers the content.

    A step covers the revision on its state: the one it checked, or the one
    the reviewer approved (see :meth:`ApprovalStepMixin.on_action`). A reset
    state is marked cancelled, so Wagtail runs the step again in workflow
    order; its approval stays in the history. Returns the steps reset, in
    workflow order.
    """
    latest = latest_revision(workflow_state)
    if latest is None:
        return []
    steps = [
        task
        for task in workflow_state.workflow.tasks.filter(active=True).specific()
        if isinstance(task, (BrandComplianceTask, OutletApprovalTask, HQReviewTask))
    ]
    states = (
        workflow_state.task_states.filter(
            task__in=steps,
            status__in=(TaskState.STATUS_APPROVED, TaskState.STATUS_SKIPPED),
        )
        .select_related("revision", "task")
        .order_by("pk")
    )
    reset = set()
    for state in states:
        if same_content(state.revision, latest):
            continue
        state.status = TaskState.STATUS_CANCELLED
        state.save(update_fields=["status"])
        reset.add(state.task_id)
        _log_recheck(workflow_state, state, latest)
    return [step for step in steps if step.pk in reset]


def _log_recheck(workflow_state, state, revision):
    with LogContext(user=None):  # the workflow decided, not a person
        log(
            instance=revision.as_object(),
            action="wagtail_distmark.workflow.recheck",
            data={
                "workflow": {
                    "id": workflow_state.workflow_id,
                    "title": workflow_state.workflow.name,
                    "task": {"id": state.task_id, "title": state.task.name},
                    "task_state_id": state.pk,
                }
            },
            revision=revision,
            user=None,
        )


def reset_failing_compliance(workflow_state):
    """Reset our compliance steps when the content they passed fails the
    brand checks today, so they run again (and send it back) before it can
    go live. Returns whether any was reset."""
    latest = latest_revision(workflow_state)
    if latest is None:
        return False
    states = list(
        workflow_state.task_states.filter(
            task__in=BrandComplianceTask.objects.filter(active=True),
            status=TaskState.STATUS_APPROVED,
        ).select_related("task")
    )
    if not states or run_checks(latest.as_object()).passed:
        return False
    for state in states:
        state.status = TaskState.STATUS_CANCELLED
        state.save(update_fields=["status"])
        _log_recheck(workflow_state, state, latest)
    return True


def earlier_stale_step(task, workflow_state):
    """Reset stale steps; the first of them placed before ``task``, if any,
    which must run before ``task`` does."""
    reset = reset_stale_steps(workflow_state)
    if not reset:
        return None
    order = list(
        workflow_state.workflow.workflow_tasks.values_list(
            "task_id", flat=True
        ).order_by("sort_order")
    )
    position = order.index(task.pk) if task.pk in order else len(order)
    return next((step for step in reset if order.index(step.pk) < position), None)


class ApprovalStepMixin:
    """For our steps a person approves: the approval covers what they saw."""

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        # The reviewer approves the content as it stands (their own edits
        # included, saved just before by the editor's "Approve").
        workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
        task_state.revision = latest_revision(workflow_state) or task_state.revision
        task_state.save(update_fields=["revision"])
        task_state.approve(user=user, update=False, **kwargs)
        # Steps approved for an earlier version run again before going live;
        # so do the brand checks when what they passed fails now (usage
        # rights expire with time, not with edits).
        if not reset_stale_steps(workflow_state):
            reset_failing_compliance(workflow_state)
        WorkflowState.objects.get(pk=workflow_state.pk).update(user=user)
        # Wagtail's workflow action view redirects here: the approver is told
        # what happens next (the editor's "Approve" says it by a hook).
        return reverse("distmark_workflow_approved", args=(task_state.pk,))


# Brand compliance ----------------------------------------------------------------


class ComplianceTaskState(TaskState):
    """A brand compliance run: the findings of every check."""

    results = models.JSONField(_("check results"), default=list, blank=True)

    class Meta:
        verbose_name = _("brand compliance result")
        verbose_name_plural = _("brand compliance results")


class BrandComplianceTask(Task):
    """Automatic: runs the brand checks, approves when all pass, else rejects."""

    task_state_class = ComplianceTaskState

    class Meta:
        verbose_name = _("Brand compliance check")
        verbose_name_plural = _("Brand compliance checks")

    @classmethod
    def get_description(cls):
        return _(
            "Runs the brand checks (locked content, bounds, links, banned words, "
            "required blocks, alt text) and approves or requests changes by itself."
        )

    def start(self, workflow_state, user=None):
        earlier = earlier_stale_step(self, workflow_state)
        if earlier is not None:
            return earlier.start(workflow_state, user=user)
        task_state = on_latest_revision(
            super().start(workflow_state, user=user), workflow_state
        )
        try:
            report = run_checks(_revision_object(task_state))
            passed, comment = report.passed, report.summary()
            task_state.results = report.as_json()
        except Exception as error:  # never approve what could not be checked
            logger.exception("Brand checks failed on task state %s", task_state.pk)
            passed = False
            comment = gettext("The brand checks could not run: %s") % error
        # Logged as the system's decision, not the submitter's.
        with LogContext(user=None):
            if passed:
                task_state.approve(user=None, update=False, comment=comment)
            else:
                task_state.reject(user=None, update=False, comment=comment)
        if not passed:
            notify_compliance_failed(task_state)
        return task_state

    def get_approvers(self, obj, submitter=None):
        return get_user_model().objects.none()  # nobody approves by hand

    def get_actions(self, obj, user):
        return []  # nobody approves by hand; resubmitting runs the checks again

    def on_action(self, task_state, user, action_name, **kwargs):
        raise PermissionDenied


def notify_compliance_failed(task_state):
    from .notifications import COMPLIANCE_FAILED, notify

    notify(COMPLIANCE_FAILED, task_state)


# Outlet approval -----------------------------------------------------------------


class OutletApprovalTask(ApprovalStepMixin, Task):
    """Approved by the object's outlet managers (else regional managers, else HQ)."""

    class Meta:
        verbose_name = _("Outlet approval")
        verbose_name_plural = _("Outlet approvals")

    @classmethod
    def get_description(cls):
        return _(
            "The managers of the outlet the page or campaign belongs to approve "
            "it; when the outlet has none, its regional managers, then HQ."
        )

    def get_approvers(self, obj, submitter=None):
        return approvers_for(outlet_for(obj), submitter)

    def start(self, workflow_state, user=None):
        earlier = earlier_stale_step(self, workflow_state)
        if earlier is not None:
            return earlier.start(workflow_state, user=user)
        return on_latest_revision(
            super().start(workflow_state, user=user), workflow_state
        )

    def approvable_states(self, user):
        """``{(base content type id, object id): task state id}`` of the
        submissions waiting at this step that ``user`` may approve.

        Resolved for all of them at once, in a constant number of queries,
        and cached on the user object for the request: Wagtail asks
        ``get_actions()`` once per row of the dashboard.
        """
        cache = user.__dict__.setdefault("_distmark_approvable", {})
        if self.pk not in cache:
            cache[self.pk] = self._resolve_approvable_states(user)
        return cache[self.pk]

    def _resolve_approvable_states(self, user):
        if not (user.is_authenticated and user.is_active):
            return {}
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if not user.is_superuser and not get_network_roles(user).is_hq:
            # Narrow in SQL to the trees the user manages, as outlet or region manager.
            reach = objects_in_reach_q(user)
            if reach is None:
                return {}
            states = states.filter(reach)
        rows = list(
            states.values_list(
                "pk",
                "workflow_state__base_content_type_id",
                "workflow_state__object_id",
                "workflow_state__requested_by_id",
            )
        )
        if user.is_superuser:
            # Superusers approve anything, as in any Wagtail workflow, but not
            # their own submissions.
            return {(ct, str(oid)): pk for pk, ct, oid, by in rows if by != user.pk}
        outlets = outlet_ids_for_objects([(ct, oid) for _pk, ct, oid, _by in rows])
        requests = {
            (outlets[(ct, str(oid))], requested_by)
            for _pk, ct, oid, requested_by in rows
        }
        resolved = approver_groups(requests)
        user_groups = set(user.groups.values_list("pk", flat=True))
        return {
            (ct, str(oid)): pk
            for pk, ct, oid, requested_by in rows
            # Nobody approves their own submission.
            if requested_by != user.pk
            and resolved[(outlets[(ct, str(oid))], requested_by)] in user_groups
        }

    def user_can_approve(self, obj, user):
        key = (obj.get_base_content_type().pk, str(obj.pk))
        return key in self.approvable_states(user)

    def user_can_access_editor(self, obj, user):
        return self.user_can_approve(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_can_approve(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_can_approve(obj, user)

    def get_actions(self, obj, user):
        return list(REVIEW_ACTIONS) if self.user_can_approve(obj, user) else []

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # Wagtail's views check get_actions(); commands and scripts come here
        # too. Resolved afresh: a state change never trusts a cached answer.
        lock_in_progress(task_state)
        if task_state.pk not in self._resolve_approvable_states(user).values():
            raise PermissionDenied
        user.__dict__.pop("_distmark_approvable", None)
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return TaskState.objects.filter(pk__in=self.approvable_states(user).values())


# Conditional HQ review ------------------------------------------------------------


class HQReviewTaskState(TaskState):
    """An HQ review, with why it applied (or why it was skipped)."""

    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("HQ review state")
        verbose_name_plural = _("HQ review states")


class HQReviewTask(ApprovalStepMixin, AbstractGroupApprovalTask):
    """A group approval that applies only to changes that matter to HQ."""

    review_when_blocks_changed_over = models.PositiveIntegerField(
        _("review when more blocks changed than"),
        null=True,
        blank=True,
        help_text=_(
            "HQ reviews when the outlet changed, hid or showed again more than "
            "this many blocks since the page last went live (required blocks, "
            "such as an event's date, never count). Leave empty to ignore."
        ),
    )
    review_when_discount_over = models.PositiveSmallIntegerField(
        _("review when a discount is above (%)"),
        null=True,
        blank=True,
        help_text=_("HQ reviews any discount above this. Leave empty to ignore."),
    )
    review_when_contacts_over = models.PositiveIntegerField(
        _("review when more contacts targeted than"),
        null=True,
        blank=True,
        help_text=_(
            "For campaigns: HQ reviews sends to more contacts than this. "
            "Leave empty to ignore."
        ),
    )

    task_state_class = HQReviewTaskState
    admin_form_fields = [
        *AbstractGroupApprovalTask.admin_form_fields,
        "review_when_blocks_changed_over",
        "review_when_discount_over",
        "review_when_contacts_over",
    ]

    class Meta:
        verbose_name = _("Conditional HQ review")
        verbose_name_plural = _("Conditional HQ reviews")

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, but only when the change goes "
            "beyond one of the limits set here; otherwise the step is skipped. "
            "With no limit set, every submission is reviewed."
        )

    def get_approvers(self, obj, submitter=None):
        users = get_user_model().objects.filter(
            groups__in=self.groups.all(), is_active=True
        )
        if submitter is not None:
            users = users.exclude(pk=submitter.pk)
        return users.distinct().order_by("pk")

    def _is_submitter(self, obj, user):
        state = obj.current_workflow_state
        return state is not None and state.requested_by_id == user.pk

    def get_actions(self, obj, user):
        if self._is_submitter(obj, user):
            return []  # nobody approves their own submission
        return super().get_actions(obj, user)

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        obj = task_state.workflow_state.content_object
        if not self.get_actions(getattr(obj, "specific", obj), user):
            raise PermissionDenied
        lock_in_progress(task_state)
        return super().on_action(task_state, user, action_name, **kwargs)

    def review_reasons(self, obj):
        """Why HQ must review ``obj`` (empty: it need not). No limit set: always."""
        from .checks import ComplianceSubject

        limits = (
            self.review_when_blocks_changed_over,
            self.review_when_discount_over,
            self.review_when_contacts_over,
        )
        if all(limit is None for limit in limits):
            return [gettext("HQ reviews every submission.")]
        subject = ComplianceSubject(obj)
        reasons = []
        if self.review_when_blocks_changed_over is not None:
            # Since the live version: HQ reviewed (or let through) the rest.
            changed = changed_block_count(obj)
            if changed > self.review_when_blocks_changed_over:
                reasons.append(
                    gettext("%(count)s blocks changed (limit %(limit)s).")
                    % {"count": changed, "limit": self.review_when_blocks_changed_over}
                )
        if self.review_when_discount_over is not None:
            discount = subject.highest_discount
            if discount is not None and discount > self.review_when_discount_over:
                reasons.append(
                    gettext("A %(discount)s %% discount (limit %(limit)s %%).")
                    % {"discount": discount, "limit": self.review_when_discount_over}
                )
        if self.review_when_contacts_over is not None:
            size = getattr(obj, "audience_size", None)
            size = size() if callable(size) else size
            if size is not None and size > self.review_when_contacts_over:
                reasons.append(
                    gettext("%(count)s contacts targeted (limit %(limit)s).")
                    % {"count": size, "limit": self.review_when_contacts_over}
                )
        return reasons

    def start(self, workflow_state, user=None):
        earlier = earlier_stale_step(self, workflow_state)
        if earlier is not None:
            return earlier.start(workflow_state, user=user)
        revision = latest_revision(workflow_state)
        obj = revision.as_object()
        reasons = self.review_reasons(obj)
        if reasons:
            task_state = on_latest_revision(
                super().start(workflow_state, user=user), workflow_state
            )
            task_state.reason = " ".join(reasons)
            task_state.save(update_fields=["reason"])
            self._log(
                obj, workflow_state, task_state, "wagtail_distmark.workflow.review"
            )
            return task_state
        task_state = self.get_task_state_class()(
            workflow_state=workflow_state,
            task=self,
            revision=revision,
            status=TaskState.STATUS_SKIPPED,
            finished_at=timezone.now(),
            reason=gettext("Within the limits: no HQ review needed."),
        )
        task_state.save()
        self._log(obj, workflow_state, task_state, "wagtail_distmark.workflow.skip")
        return task_state

    def _log(self, obj, workflow_state, task_state, action):
        """Why the HQ review applies or is skipped, in the object's history."""
        with LogContext(user=None):  # the workflow decided, not the submitter
            log(
                instance=obj,
                action=action,
                data={
                    "workflow": {
                        "id": workflow_state.workflow_id,
                        "title": workflow_state.workflow.name,
                        "task": {"id": self.pk, "title": self.name},
                        "task_state_id": task_state.pk,
                    },
                    "reason": task_state.reason,
                },
                revision=task_state.revision,
                user=None,
            )
