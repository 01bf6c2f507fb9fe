"""Wagtail's scheduled publishing, with the brand checks on outlet content."""

import copy
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry

from tests.workflows.flow import spring_page, submit
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.media.models import ImageRights

pytestmark = pytest.mark.django_db

VISUAL = "Spring 2026 campaign visual"


def hq_shows_visual_in_spring_hero():
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    visual = get_image_model().objects.get(title=VISUAL)
    for child in body:
        if child["id"] == spring.HERO_ID:
            child["value"]["image"] = visual.pk
    template.body = body
    template.save_revision().publish()
    return visual


def run_publish_scheduled(*args, days=3):
    out = StringIO()
    later = timezone.now() + timedelta(days=days)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        call_command("publish_scheduled", *args, stdout=out)
    return out.getvalue()


def schedule_from_the_editor(client, page, days=2):
    go_live = timezone.localtime(timezone.now() + timedelta(days=days))
    return submit(
        client,
        page,
        action="action-publish",
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
    )


def test_an_outlet_page_failing_the_checks_at_go_live_time_stays_a_draft(login, demo):
    visual = hq_shows_visual_in_spring_hero()
    page = spring_page(demo.lille)
    client = login("lille-manager")
    schedule_from_the_editor(client, page)
    page.refresh_from_db()
    revision = page.latest_revision
    assert not page.live and revision.approved_go_live_at is not None
    # Before the go-live date, the visual's rights expire.
    ImageRights.objects.filter(image=visual).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )

    out = run_publish_scheduled()

    page.refresh_from_db()
    revision.refresh_from_db()
    assert not page.live
    assert revision.approved_go_live_at is None  # not tried again every run
    assert "Spring promotion" in out
    assert f"Hero › Image: The usage rights of “{VISUAL}” expired on" in out
    entry = PageLogEntry.objects.filter(
        page=page, action="wagtail_distmark.publish.refused"
    ).get()
    assert f"The usage rights of “{VISUAL}” expired on" in entry.message
    # The page's history shows it to the outlet.
    history = client.get(f"/admin/pages/{page.pk}/history/").content.decode()
    assert "Not published at its scheduled time" in history


def test_a_compliant_scheduled_page_still_goes_live(login, demo):
    page = spring_page(demo.lille)
    schedule_from_the_editor(login("lille-manager"), page)
    run_publish_scheduled()
    page.refresh_from_db()
    assert page.live


def test_hqs_own_pages_are_not_checked(demo):
    # HQ's template library page is no outlet's: its schedule is Wagtail's.
    winter = TemplatePage.objects.get(slug="winter-clearance")
    winter.title = "Winter clearance 2027"
    winter.go_live_at = timezone.now() + timedelta(days=1)
    winter.save_revision().publish()
    run_publish_scheduled()
    winter.refresh_from_db()
    assert winter.title == "Winter clearance 2027"
    assert winter.live_revision.approved_go_live_at is None


def test_a_dry_run_names_what_would_be_refused_and_changes_nothing(login, demo):
    visual = hq_shows_visual_in_spring_hero()
    page = spring_page(demo.lille)
    schedule_from_the_editor(login("lille-manager"), page)
    ImageRights.objects.filter(image=visual).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    out = run_publish_scheduled("--dryrun")
    assert "Would not be published, failing the brand checks:" in out
    page.refresh_from_db()
    assert page.latest_revision.approved_go_live_at is not None
