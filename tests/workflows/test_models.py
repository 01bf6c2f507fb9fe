"""Local publishing through the real admin views: compliance → outlet approval → HQ review."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from tests.inheritance.editing import local_zone_rich_text
from tests.workflows.flow import (
    act,
    current_task_state,
    refused,
    spring_page,
    submit,
    task_states,
)
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.overrides import make_override
from wagtail_distmark.workflows.models import (
    BrandComplianceTask,
    HQReviewTask,
    OutletApprovalTask,
)

pytestmark = pytest.mark.django_db


def statuses(page):
    return [
        (type(state.task.specific).__name__, state.status)
        for state in TaskState.objects.for_instance(page).order_by("pk")
    ]


def force_discount(page, discount, user):
    """Save a draft with ``discount`` without the editor's validation, as an
    import, an API client or a script could."""
    page = page.get_latest_revision_as_object()
    merged = page.merge.by_id(spring.PROMOTION_ID)
    page.overrides = {
        **page.overrides,
        spring.PROMOTION_ID: make_override(merged, {"discount_percent": discount}),
    }
    page.save_revision(user=user, clean=False)
    return page


def test_lille_submission_passes_compliance_reaches_lille_manager_and_goes_live(
    login, demo, client, django_capture_on_commit_callbacks
):
    page = spring_page(demo.lille)
    login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, page)
    assert response.status_code == 302
    assert statuses(page) == [
        ("BrandComplianceTask", "approved"),
        ("OutletApprovalTask", "in_progress"),
    ]
    compliance = task_states(page)[0].specific
    assert compliance.comment == "All 8 brand checks passed."
    assert {r["status"] for r in compliance.results} == {"passed"}

    # Only Lille's manager is asked, by an email naming outlet, page, task and link.
    assert [message.to for message in mail.outbox] == [
        ["lille-manager@distmark.example"]
    ]
    email = mail.outbox[0]
    assert "[Lille Centre]" in email.subject and "Spring promotion" in email.subject
    # In Lille's French: Lille's manager chose no other language.
    assert "Validation du point de vente" in email.body
    assert "Local publishing" in email.body or "Publication locale" in email.body
    assert f"/admin/pages/{page.pk}/edit/" in email.body

    # The editor cannot approve their own submission, even by crafting the URL.
    assert refused(act(client, page, "approve"))
    assert current_task_state(page).status == "in_progress"

    client.force_login(demo.users["lille-manager"])
    response = client.get("/admin/")
    assert "Spring promotion" in response.content.decode()  # awaiting your review
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, page, "approve")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    # A 10 % discount and few changes: HQ's review is skipped, and says so.
    assert statuses(page)[-1] == ("HQReviewTask", "skipped")
    skip = PageLogEntry.objects.get(page=page, action="wagtail_distmark.workflow.skip")
    assert "no HQ review needed" in skip.message

    response = client.get(f"/{spring.SPRING_SLUG}/", HTTP_HOST="lille.localhost")
    assert response.status_code == 200
    # The submitter hears of the approval through Wagtail's own email.
    assert mail.outbox[-1].to == ["lille-editor@distmark.example"]


def test_a_30_percent_discount_is_rejected_automatically_naming_the_block(
    demo, django_capture_on_commit_callbacks
):
    editor = demo.users["lille-editor"]
    page = force_discount(spring_page(demo.lille), 30, editor)
    workflow = page.get_workflow()
    with django_capture_on_commit_callbacks(execute=True):
        state = workflow.start(page, editor)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    compliance = state.current_task_state.specific
    assert compliance.status == "rejected"
    assert "Promotion › Discount (%): HQ allows discounts from 5 % to 20 %." in (
        compliance.comment
    )
    failed = [r for r in compliance.results if r["status"] == "failed"]
    assert failed[0]["check"] == "template_rules"
    assert failed[0]["findings"][0]["where"] == "Promotion › Discount (%)"
    page.refresh_from_db()
    assert not page.live
    # Nobody is asked to approve; the submitter gets the findings by email.
    assert [message.to for message in mail.outbox] == [
        ["lille-editor@distmark.example"]
    ]
    assert "HQ allows discounts from 5 % to 20 %" in mail.outbox[0].body
    # The finding is in the page's history, readable.
    reject = PageLogEntry.objects.get(page=page, action="wagtail.workflow.reject")
    assert "Promotion › Discount (%)" in reject.data["comment"]


def test_marseille_submission_never_reaches_lille_manager(
    login, demo, client, django_capture_on_commit_callbacks
):
    page = spring_page(demo.marseille)
    login("marseille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, page)
    assert current_task_state(page).task.specific.__class__ is OutletApprovalTask
    # Marseille has no manager and the South region none either: HQ approves.
    assert [message.to for message in mail.outbox] == [["hq@distmark.example"]]
    lille_manager = demo.users["lille-manager"]
    assert not TaskState.objects.reviewable_by(lille_manager).exists()
    client.logout()
    client.force_login(lille_manager)
    # (Lille's own Spring promotion may be in its to-do; Marseille's is not.)
    assert f"/admin/pages/{page.pk}/" not in client.get("/admin/").content.decode()
    assert refused(act(client, page, "approve"))
    assert current_task_state(page).status == "in_progress"
    page.refresh_from_db()
    assert not page.live


def test_editor_posting_action_publish_does_not_publish(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    response = submit(client, page, action="action-publish")
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state is None


def test_a_manager_submitting_is_approved_by_the_regional_manager(
    login, demo, client, django_capture_on_commit_callbacks
):
    page = spring_page(demo.lille)
    login("lille-manager")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, page)
    # Lille's only manager submitted: the North region's manager approves.
    assert [message.to for message in mail.outbox] == [
        ["north-manager@distmark.example"]
    ]
    assert refused(act(client, page, "approve"))
    client.force_login(demo.users["north-manager"])
    assert act(client, page, "approve").status_code == 302
    page.refresh_from_db()
    assert page.live


def test_an_approver_requests_changes_and_the_comment_reaches_the_submitter(
    login, demo, client, django_capture_on_commit_callbacks
):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, page, "reject", comment="Add the store's address.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert mail.outbox[-1].to == ["lille-editor@distmark.example"]
    assert "Add the store's address." in mail.outbox[-1].body


def test_hq_reviews_a_discount_above_its_limit(
    login, demo, client, django_capture_on_commit_callbacks
):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(
        client,
        page,
        **{f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "18"},
    )
    client.force_login(demo.users["lille-manager"])
    with django_capture_on_commit_callbacks(execute=True):
        act(client, page, "approve")
    state = current_task_state(page)
    assert isinstance(state.task.specific, HQReviewTask)
    assert state.reason == "A 18 % discount (limit 15 %)."
    assert [message.to for message in mail.outbox][-1] == ["hq@distmark.example"]
    page.refresh_from_db()
    assert not page.live
    client.force_login(demo.users["hq"])
    assert act(client, page, "approve").status_code == 302
    page.refresh_from_db()
    assert page.live


def test_a_check_that_raises_rejects_with_the_error(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    from wagtail_distmark.workflows import checks

    def broken(self, subject):
        raise RuntimeError("dictionary service down")

    monkeypatch.setattr(checks.BannedWordsCheck, "run", broken)
    page = spring_page(demo.lille)
    editor = demo.users["lille-editor"]
    page = force_discount(page, 10, editor)
    state = page.get_workflow().start(page, editor)
    compliance = state.current_task_state.specific
    assert compliance.status == "rejected"
    assert "could not run: RuntimeError: dictionary service down" in compliance.comment
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_the_compliance_task_offers_no_manual_action(demo):
    task = BrandComplianceTask.objects.get()
    page = spring_page(demo.lille)
    assert task.get_actions(page, demo.users["hq"]) == []


def test_scheduled_publishing_waits_for_go_live_at(
    login, demo, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    page = spring_page(demo.lille)
    login("lille-editor")
    go_live = timezone.localtime(timezone.now() + timedelta(days=2))
    submit(client, page, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    page.refresh_from_db()
    assert not page.live
    revision = page.latest_revision
    assert revision.approved_go_live_at is not None
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + timedelta(days=3)
        patch.setattr(timezone, "now", lambda: later)
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live


def test_workflow_history_shows_each_step(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    response = client.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
    content = response.content.decode()
    assert "All 8 brand checks passed." in content
    assert "no HQ review needed" in content


def test_a_rejected_page_is_fixed_and_resubmitted(
    login, demo, client, django_capture_on_commit_callbacks
):
    editor = demo.users["lille-editor"]
    page = force_discount(spring_page(demo.lille), 30, editor)
    state = page.get_workflow().start(page, editor)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    login("lille-editor")
    # The editor shows the findings in the page's workflow status.
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert "HQ allows discounts from 5 % to 20 %." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            client,
            page,
            **{f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "10"},
        )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert statuses(page)[-2:] == [
        ("BrandComplianceTask", "approved"),
        ("OutletApprovalTask", "in_progress"),
    ]
    assert mail.outbox[-1].to == ["lille-manager@distmark.example"]


def test_a_check_whose_query_fails_does_not_break_the_submission(demo, monkeypatch):
    from django.db import connection

    from wagtail_distmark.workflows import checks

    def bad_query(self, subject):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return []

    monkeypatch.setattr(checks.AltTextCheck, "run", bad_query)
    editor = demo.users["lille-editor"]
    page = force_discount(spring_page(demo.lille), 10, editor)
    state = page.get_workflow().start(page, editor)
    assert state.current_task_state.specific.status == "rejected"
    assert "Images have alt text could not run" in state.current_task_state.comment
    # The transaction is still usable: the page's history was written.
    assert PageLogEntry.objects.filter(
        page=page, action="wagtail.workflow.reject"
    ).exists()


@pytest.mark.parametrize("username", ["lille-editor", "lille-manager"])
def test_lille_cannot_reach_marseilles_submission_by_any_workflow_url(
    login, demo, client, username
):
    from tests.outlets.test_viewsets import assert_no_access

    page = spring_page(demo.marseille)
    login("marseille-editor")
    submit(client, page)
    task_state = current_task_state(page)
    workflow_state = page.current_workflow_state
    client.logout()
    client = login(username)
    urls = [
        reverse(
            "wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk)
        )
        for action in ("approve", "reject")
    ] + [
        reverse(
            "wagtailadmin_pages:collect_workflow_action_data",
            args=(page.pk, "approve", task_state.pk),
        ),
        reverse(
            "wagtailadmin_pages:workflow_preview", args=(page.pk, task_state.task_id)
        ),
        reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)),
        reverse(
            "wagtailadmin_pages:workflow_history_detail",
            args=(page.pk, workflow_state.pk),
        ),
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=(page.pk,)),
    ]
    for url in urls:
        assert_no_access(client.get(url), "Vieux-Port", client=client)
        assert_no_access(
            client.post(url, {"comment": "ok"}), "Vieux-Port", client=client
        )
    assert current_task_state(page).status == "in_progress"
    page.refresh_from_db()
    assert not page.live


def test_a_change_resubmitted_after_hq_asked_for_changes_is_checked_and_approved_again(
    login, demo, client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    discount = f"overrides-v-{spring.PROMOTION_ID}-discount_percent"
    subtitle = f"overrides-v-{spring.HERO_ID}-subtitle"
    login("lille-editor")
    submit(client, page, **{discount: "18"})
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    client.force_login(demo.users["hq"])
    act(client, page, "reject", comment="18 % is too much.")
    # The editor lowers the discount but slips in a banned word.
    client.force_login(demo.users["lille-editor"])
    submit(client, page, **{discount: "10", subtitle: "Tout est gratuit"})
    page.refresh_from_db()
    assert not page.live
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert isinstance(
        state.current_task_state.specific.task.specific, BrandComplianceTask
    )
    # Fixed: the checks pass and Lille's manager must approve the new version.
    submit(client, page, **{discount: "10", subtitle: "Le printemps à Lille"})
    assert isinstance(current_task_state(page).task.specific, OutletApprovalTask)
    page.refresh_from_db()
    assert not page.live


def test_an_approvers_own_edits_are_checked_before_going_live(
    login, demo, client, settings
):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    # Approve from the editor, with a change of their own.
    submit(
        client,
        page,
        action="action-workflow-action",
        **{
            "workflow-action-name": "approve",
            f"overrides-v-{spring.HERO_ID}-subtitle": "Café gratuit",
        },
    )
    page.refresh_from_db()
    assert not page.live
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "gratuit" in state.current_task_state.comment


def test_automatic_steps_are_logged_as_the_systems(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    automatic = PageLogEntry.objects.filter(
        page=page,
        action__in=["wagtail.workflow.approve", "wagtail_distmark.workflow.skip"],
    ).exclude(data__workflow__task__title="Outlet approval")
    assert [entry.user_id for entry in automatic] == [None, None]
    manual = PageLogEntry.objects.get(
        page=page,
        action="wagtail.workflow.approve",
        data__workflow__task__title="Outlet approval",
    )
    assert manual.user == demo.users["lille-manager"]


def test_why_hq_reviews_is_in_the_history(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(
        client, page, **{f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "18"}
    )
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    entry = PageLogEntry.objects.get(
        page=page, action="wagtail_distmark.workflow.review"
    )
    assert entry.message == "“HQ review” required: A 18 % discount (limit 15 %)."


def test_hq_staff_do_not_review_their_own_submission(login, demo, client):
    editor = demo.users["lille-editor"]
    editor.groups.add(Group.objects.get(name="Network HQ"))
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(
        client, page, **{f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "18"}
    )
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    state = current_task_state(page)
    assert isinstance(state.task.specific, HQReviewTask)
    client.force_login(editor)
    assert refused(act(client, page, "approve"))
    assert current_task_state(page).status == "in_progress"


def test_approving_from_the_editor_without_changes_publishes(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    revisions = page.revisions.count()
    client.force_login(demo.users["lille-manager"])
    # The manager opens the editor and clicks Approve, changing nothing.
    submit(
        client,
        page,
        action="action-workflow-action",
        **{"workflow-action-name": "approve"},
    )
    page.refresh_from_db()
    assert page.live
    assert page.revisions.count() == revisions


# Edited content is checked again, without Wagtail's site-wide setting ------------


@pytest.fixture
def without_site_wide_reapproval(settings):
    """As on a site that keeps Wagtail's default for every other workflow."""
    settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = False


def task_names(page):
    return [
        (type(state.task.specific).__name__, state.status)
        for state in TaskState.objects.for_instance(page).order_by("pk")
    ]


def test_a_change_resubmitted_after_the_outlet_asked_for_changes_is_checked_again(
    login, demo, client, settings, without_site_wide_reapproval
):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    subtitle = f"overrides-v-{spring.HERO_ID}-subtitle"
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "reject", comment="Say something about Lille.")
    client.force_login(demo.users["lille-editor"])
    submit(client, page, **{subtitle: "Tout est gratuit à Lille"})
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert isinstance(state.current_task_state.task.specific, BrandComplianceTask)
    assert "gratuit" in state.current_task_state.comment
    # Fixed: the checks pass and Lille's manager is asked again.
    submit(client, page, **{subtitle: "Le printemps à Lille"})
    assert isinstance(current_task_state(page).task.specific, OutletApprovalTask)
    page.refresh_from_db()
    assert not page.live


def test_hqs_own_edit_when_approving_is_checked_before_going_live(
    login, demo, client, settings, without_site_wide_reapproval
):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit"]}
    page = spring_page(demo.lille)
    discount = f"overrides-v-{spring.PROMOTION_ID}-discount_percent"
    login("lille-editor")
    submit(client, page, **{discount: "18"})
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    assert isinstance(current_task_state(page).task.specific, HQReviewTask)
    # HQ approves from the editor, slipping in a banned word.
    client.force_login(demo.users["hq"])
    submit(
        client,
        page,
        action="action-workflow-action",
        **{
            discount: "18",
            "workflow-action-name": "approve",
            f"overrides-v-{spring.HERO_ID}-subtitle": "Café gratuit",
        },
    )
    page.refresh_from_db()
    assert not page.live
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert isinstance(state.current_task_state.task.specific, BrandComplianceTask)
    assert PageLogEntry.objects.filter(
        page=page,
        action="wagtail_distmark.workflow.recheck",
        data__workflow__task__title="Brand compliance",
    ).exists()


def test_an_approvers_compliant_edit_is_checked_and_not_sent_back_to_them(
    login, demo, client, without_site_wide_reapproval
):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    response = submit(
        client,
        page,
        action="action-workflow-action",
        **{
            "workflow-action-name": "approve",
            f"overrides-v-{spring.HERO_ID}-subtitle": "Le printemps à Lille",
        },
    )
    assert response.status_code == 302
    # The brand checks ran on the manager's version; their approval covers it.
    assert task_names(page) == [
        ("BrandComplianceTask", "cancelled"),
        ("OutletApprovalTask", "approved"),
        ("BrandComplianceTask", "approved"),
        ("HQReviewTask", "skipped"),
    ]
    page.refresh_from_db()
    assert page.live
    assert page.live_revision.as_object().merge.by_id(spring.HERO_ID).raw[
        "subtitle"
    ] == ("Le printemps à Lille")
    entry = PageLogEntry.objects.get(
        page=page, action="wagtail_distmark.workflow.recheck"
    )
    assert entry.message == (
        "“Brand compliance” runs again: the content changed after this step."
    )


def test_a_resubmission_without_changes_asks_only_the_step_that_refused(
    login, demo, client, without_site_wide_reapproval
):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "reject", comment="Wait for Monday.")
    client.force_login(demo.users["lille-editor"])
    submit(client, page)
    assert task_names(page) == [
        ("BrandComplianceTask", "approved"),
        ("OutletApprovalTask", "rejected"),
        ("OutletApprovalTask", "in_progress"),
    ]


# HQ review counts what changed since the page last went live ---------------------

CUSTOMISED = {
    f"overrides-v-{spring.HERO_ID}-subtitle": "Le printemps à Lille",
    f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "12",
    f"overrides-hide-{spring.SIGNATURE_ID}": "1",
    **local_zone_rich_text("<p>Atelier semis samedi.</p>"),
}


def test_hq_reviews_a_big_change_once_not_every_later_date_change(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    # Four blocks customised (the open day's date, which HQ asks for, aside).
    submit(client, page, **CUSTOMISED)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    state = current_task_state(page)
    assert isinstance(state.task.specific, HQReviewTask)
    assert state.reason == "4 blocks changed (limit 3)."
    client.force_login(demo.users["hq"])
    act(client, page, "approve")
    page.refresh_from_db()
    assert page.live
    # Later, only the date of the open day changes: no HQ review.
    client.force_login(demo.users["lille-editor"])
    submit(
        client,
        page,
        **CUSTOMISED,
        **{f"overrides-v-{spring.EVENT_ID}-date": "2027-04-17"},
    )
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    page.refresh_from_db()
    assert page.current_workflow_state is None
    assert page.live and not page.has_unpublished_changes
    skip = PageLogEntry.objects.filter(
        page=page, action="wagtail_distmark.workflow.skip"
    ).latest("pk")
    assert "no HQ review needed" in skip.message


def test_one_more_block_changed_after_going_live_counts_alone(login, demo, client):
    page = spring_page(demo.lille)
    login("lille-editor")
    submit(client, page, **CUSTOMISED)
    client.force_login(demo.users["lille-manager"])
    act(client, page, "approve")
    client.force_login(demo.users["hq"])
    act(client, page, "approve")
    # Back to HQ's hero subtitle and another discount: two blocks changed.
    client.force_login(demo.users["lille-editor"])
    customised = {
        **CUSTOMISED,
        f"overrides-v-{spring.HERO_ID}-subtitle": (
            "Fresh ideas for your home, in every store"
        ),
        f"overrides-v-{spring.PROMOTION_ID}-discount_percent": "8",
    }
    submit(client, page, **customised)
    page.refresh_from_db()
    task = HQReviewTask.objects.get()
    latest = page.get_latest_revision().as_object()
    task.review_when_blocks_changed_over = 1
    assert task.review_reasons(latest) == ["2 blocks changed (limit 1)."]


def test_an_asset_expiring_while_the_page_awaits_approval_keeps_it_offline(
    login, demo, client, django_capture_on_commit_callbacks
):
    """Rights expire with time, not with edits: the approval that would put
    the page live checks again what the compliance step passed."""
    from tests.workflows.test_publishing import editor_post, use_for, winter_clearance
    from wagtail_distmark.inheritance.models import LocalPage
    from wagtail_distmark.media.models import ImageRights

    visual = ImageRights.objects.get(image__title="Spring 2025 campaign visual")
    visual.expires_on = datetime.date.today() + datetime.timedelta(days=30)
    visual.save()
    login("lille-editor")
    use_for(client, winter_clearance(), demo.lille)
    page = LocalPage.objects.get(outlet=demo.lille, hq_template=winter_clearance())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            editor_post(page, "action-submit"),
        )
    assert statuses(page) == [
        ("BrandComplianceTask", "approved"),
        ("OutletApprovalTask", "in_progress"),
    ]

    visual.expires_on = datetime.date.today() - datetime.timedelta(days=1)
    visual.save()
    client.force_login(demo.users["lille-manager"])
    with django_capture_on_commit_callbacks(execute=True):
        act(client, page, "approve")
    page.refresh_from_db()
    assert not page.live
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert isinstance(state.current_task_state.task.specific, BrandComplianceTask)
    assert "Spring 2025 campaign visual" in " ".join(
        str(result.get("message", result))
        for result in state.current_task_state.specific.results
    )
