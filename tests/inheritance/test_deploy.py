"""Deploying a template to many outlets: the action, the run, its progress."""

import uuid
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry
from wagtail.signals import page_published

from wagtail_distmark.inheritance import deploy
from wagtail_distmark.inheritance.demo import SPRING_SLUG
from wagtail_distmark.inheritance.deploy import (
    DeployTemplateAction,
    clean_target,
    resolve_target,
    run_deployment,
)
from wagtail_distmark.inheritance.models import (
    LocalPage,
    TemplateDeployment,
    TemplatePage,
)
from wagtail_distmark.inheritance.services import (
    create_local_page,
    ensure_template_library,
)
from wagtail_distmark.outlets.models import Outlet, Region
from wagtail_distmark.outlets.onboarding import create_region, onboard_outlet


def make_template(slug="flyer", *, live=True):
    """A template without required blocks, so its pages may be published."""
    template = TemplatePage(
        title=slug.title(),
        slug=slug,
        live=False,
        body=[
            {
                "type": "rich_text",
                "id": str(uuid.uuid4()),
                "value": {"content": "<p>Locked text</p>", "local_policy": "locked"},
            }
        ],
    )
    ensure_template_library().add_child(instance=template)
    if live:
        template.save_revision().publish()
        template.refresh_from_db()
    return template


def pages_by_pk(pages):
    return [page.pk for page in pages.values()]


def new_deployment(template, *, target=None, publish=False, user=None):
    return TemplateDeployment.objects.create(
        template_page=template,
        requested_by=user,
        target=target or {"all": True},
        publish=publish,
    )


def pages_of(template):
    return {
        page.outlet_id: page for page in LocalPage.objects.filter(hq_template=template)
    }


@pytest.fixture
def flyer(demo):
    return make_template()


@pytest.fixture
def hq(demo):
    return demo.users["hq"]


def test_only_hq_may_deploy(demo, flyer, hq):
    for username in ("lille-editor", "lille-manager", "north-manager"):
        action = DeployTemplateAction(
            flyer, demo.users[username], target={"outlets": [demo.lille.pk]}
        )
        with pytest.raises(PermissionDenied):
            action.execute()
    assert not TemplateDeployment.objects.exists()

    DeployTemplateAction(flyer, hq, target={"all": True}).check()
    superuser = get_user_model().objects.create_superuser("root", "root@x.example")
    DeployTemplateAction(flyer, superuser, target={"all": True}).check()


def test_deploying_creates_draft_pages_in_each_outlet(
    demo, flyer, hq, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deployment = DeployTemplateAction(flyer, hq, target={"all": True}).execute()

    deployment.refresh_from_db()
    assert deployment.status == TemplateDeployment.DONE
    assert (deployment.total, deployment.created_count) == (3, 3)
    assert (deployment.skipped_count, deployment.failed_count) == (0, 0)
    assert deployment.requested_by == hq
    assert deployment.started_at <= deployment.finished_at
    pages = pages_of(flyer)
    assert set(pages) == {demo.lille.pk, demo.marseille.pk, demo.gent.pk}
    for outlet in (demo.lille, demo.marseille, demo.gent):
        page = pages[outlet.pk]
        assert page.get_parent().pk == outlet.home_page_id
        assert not page.live
        assert page.owner == hq
        assert page.latest_revision.user == hq


def test_publishing_does_not_depend_on_the_requester_s_outlet_rights(demo, flyer):
    # HQ by permission only: no page permission anywhere in the outlet trees.
    hq_only = get_user_model().objects.create_user("hq-only")
    hq_only.user_permissions.add(Permission.objects.get(codename="network_hq"))
    assert not demo.lille.home_page.permissions_for_user(hq_only).can_add_subpage()

    deployment = DeployTemplateAction(
        flyer, hq_only, target={"regions": [demo.north.pk]}, publish=True
    ).execute(enqueue=False)
    signalled = []
    page_published.connect(
        lambda sender, instance, **kwargs: signalled.append(instance.pk),
        sender=LocalPage,
        weak=False,
        dispatch_uid="test_deploy_published",
    )
    try:
        run_deployment(deployment)
    finally:
        page_published.disconnect(
            sender=LocalPage, dispatch_uid="test_deploy_published"
        )

    assert (deployment.created_count, deployment.failed_count) == (2, 0)
    pages = pages_of(flyer)
    assert set(pages) == {demo.lille.pk, demo.gent.pk}
    for page in pages.values():
        assert page.live
        assert not page.has_unpublished_changes
        assert page.first_published_at == page.last_published_at is not None
        assert page.live_revision_id == page.latest_revision_id
        assert page.live_revision.user == hq_only
        assert page.owner == hq_only
        assert set(
            PageLogEntry.objects.filter(page=page).values_list("action", "user")
        ) == {
            ("wagtail.create", hq_only.pk),
            ("wagtail.edit", hq_only.pk),
            ("wagtail.publish", hq_only.pk),
        }
    # Publish hooks run as for any page Wagtail publishes.
    assert sorted(signalled) == sorted(pages_by_pk(pages))


def test_outlet_users_creating_the_page_themselves_keep_their_own_rights(demo, flyer):
    editor = demo.users["lille-editor"]
    with pytest.raises(PermissionDenied):
        create_local_page(flyer, demo.lille, user=editor, publish=True)
    assert not pages_of(flyer)
    draft = create_local_page(flyer, demo.lille, user=editor)
    assert not draft.live
    with pytest.raises(PermissionDenied):
        create_local_page(flyer, demo.marseille, user=editor)


def test_publish_is_refused_for_a_template_with_required_blocks(demo, hq):
    spring = TemplatePage.objects.get(slug=SPRING_SLUG)
    assert spring.required_block_count

    with pytest.raises(ValidationError) as excinfo:
        DeployTemplateAction(spring, hq, target={"all": True}, publish=True).check()
    assert [e.code for e in excinfo.value.error_list] == ["required_blocks"]
    assert "drafts" in excinfo.value.messages[0]
    DeployTemplateAction(spring, hq, target={"all": True}).check()

    # Checked again when the deployment runs: HQ may have changed the template.
    extra = onboard_outlet(name="Lens", slug="lens", region=demo.north)
    deployment = new_deployment(spring, publish=True)
    run_deployment(deployment)
    assert deployment.status == TemplateDeployment.FAILED
    assert "drafts" in deployment.errors[0]["error"]
    assert deployment.created_count == 0
    assert extra.pk not in pages_of(spring)


def test_template_must_be_published(demo, hq):
    draft_template = make_template("not-yet", live=False)
    with pytest.raises(ValidationError) as excinfo:
        DeployTemplateAction(draft_template, hq, target={"all": True}).check()
    assert [e.code for e in excinfo.value.error_list] == ["template_not_live"]


def test_resolve_target_includes_sub_regions(demo):
    coast = create_region(name="Coast", slug="coast", parent=demo.north)
    dunkerque = onboard_outlet(name="Dunkerque", slug="dunkerque", region=coast)
    root = Region.get_root_nodes().first()

    def resolved(target):
        return set(resolve_target(target).values_list("slug", flat=True))

    assert resolved({"regions": [demo.north.pk]}) == {"lille", "gent", "dunkerque"}
    assert resolved({"regions": [coast.pk]}) == {"dunkerque"}
    assert resolved({"regions": [demo.south.pk, coast.pk]}) == {
        "marseille",
        "dunkerque",
    }
    assert resolved({"regions": [root.pk]}) == {
        "lille",
        "gent",
        "marseille",
        "dunkerque",
    }
    assert resolved({"all": True}) == set(Outlet.objects.values_list("slug", flat=True))
    assert resolved({"outlets": [demo.lille.pk, dunkerque.pk]}) == {
        "lille",
        "dunkerque",
    }


def test_targets_are_validated(demo, flyer, hq):
    assert clean_target({"regions": [demo.north, str(demo.south.pk)]}) == {
        "regions": [demo.north.pk, demo.south.pk]
    }
    assert clean_target({"outlets": [demo.lille.pk]}) == {"outlets": [demo.lille.pk]}

    with pytest.raises(ValidationError, match="Unknown regions: 9998, 9999") as excinfo:
        clean_target({"regions": [demo.north.pk, 9998, 9999]})
    assert excinfo.value.code == "unknown_regions"
    with pytest.raises(ValidationError, match="Unknown outlets: 9999, lille"):
        clean_target({"outlets": [demo.gent.pk, 9999, "lille"]})
    for empty in ({}, {"regions": []}, {"outlets": []}, {"all": False}):
        with pytest.raises(ValidationError) as excinfo:
            clean_target(empty)
        assert excinfo.value.code == "empty_target"
    for invalid in (
        {"all": True, "outlets": [demo.lille.pk]},
        {"stores": [demo.lille.pk]},
        [demo.lille.pk],
    ):
        with pytest.raises(ValidationError) as excinfo:
            clean_target(invalid)
        assert excinfo.value.code == "invalid_target"

    # Through the action, every problem at once; nothing is recorded.
    empty_region = create_region(name="East", slug="east")
    draft_template = make_template("not-yet", live=False)
    with pytest.raises(ValidationError) as excinfo:
        DeployTemplateAction(
            draft_template, hq, target={"regions": [empty_region.pk]}
        ).execute()
    assert [e.code for e in excinfo.value.error_list] == [
        "template_not_live",
        "no_outlets",
    ]
    assert not TemplateDeployment.objects.exists()


def test_total_is_the_number_of_targeted_outlets(demo, flyer, hq):
    deployment = DeployTemplateAction(
        flyer, hq, target={"outlets": [demo.lille.pk, demo.gent.pk]}
    ).execute(enqueue=False)
    assert deployment.status == TemplateDeployment.PENDING
    assert deployment.total == 2
    assert deployment.target == {"outlets": [demo.lille.pk, demo.gent.pk]}
    assert not pages_of(flyer)


def test_redeploying_skips_outlets_that_have_the_page(demo, flyer, hq):
    # The demo gave every outlet a Spring promotion page already.
    spring = TemplatePage.objects.get(slug=SPRING_SLUG)
    before = LocalPage.objects.count()
    deployment = run_deployment(new_deployment(spring))
    assert deployment.status == TemplateDeployment.DONE
    assert (deployment.created_count, deployment.skipped_count) == (0, 3)
    assert LocalPage.objects.count() == before

    first = run_deployment(new_deployment(flyer, target={"regions": [demo.north.pk]}))
    assert (first.created_count, first.skipped_count) == (2, 0)
    second = run_deployment(new_deployment(flyer))
    assert (second.created_count, second.skipped_count) == (1, 2)
    # The same deployment run again, as a retried task would.
    run_deployment(second)
    assert (second.created_count, second.skipped_count) == (0, 3)
    assert second.status == TemplateDeployment.DONE
    assert LocalPage.objects.count() == before + 3
    assert len(pages_of(flyer)) == 3


def test_page_created_meanwhile_is_not_created_twice(demo, flyer):
    # Another deployment (or the outlet) creates Gent's page after this run
    # listed the outlets.
    def create_gents_page(done, total):
        if done == 0:
            create_local_page(flyer, demo.gent)

    deployment = run_deployment(new_deployment(flyer), progress=create_gents_page)

    assert (deployment.created_count, deployment.skipped_count) == (2, 1)
    assert LocalPage.objects.filter(hq_template=flyer, outlet=demo.gent).count() == 1


def test_failing_outlet_is_reported_and_the_others_go_on(demo, flyer, monkeypatch):
    # Lille's home page (and so its site) was deleted.
    Page.objects.get(pk=demo.lille.home_page_id).delete()
    # Gent fails half-way through creating its page.
    save_revision = LocalPage.save_revision

    def failing_save_revision(page, *args, **kwargs):
        if page.outlet_id == demo.gent.pk:
            raise RuntimeError("disk full")
        return save_revision(page, *args, **kwargs)

    monkeypatch.setattr(LocalPage, "save_revision", failing_save_revision)
    gent_home_children = Page.objects.get(pk=demo.gent.home_page_id).numchild

    deployment = run_deployment(new_deployment(flyer))

    assert deployment.status == TemplateDeployment.DONE
    assert (deployment.created_count, deployment.failed_count) == (1, 2)
    errors = {error["outlet"]: error for error in deployment.errors}
    assert errors[demo.lille.pk]["name"] == "Lille Centre"
    assert "no home page" in errors[demo.lille.pk]["error"]
    assert errors[demo.gent.pk]["error"] == "RuntimeError: disk full"
    assert set(pages_of(flyer)) == {demo.marseille.pk}
    # Gent's half-made page was rolled back with its own transaction only.
    assert Page.objects.get(pk=demo.gent.home_page_id).numchild == gent_home_children
    deployment.refresh_from_db()
    assert deployment.failed_count == 2
    assert len(deployment.errors) == 2


def test_deployment_fails_when_no_page_could_be_created(demo, flyer):
    Page.objects.get(pk=demo.lille.home_page_id).delete()
    deployment = run_deployment(
        new_deployment(flyer, target={"outlets": [demo.lille.pk]})
    )
    assert deployment.status == TemplateDeployment.FAILED
    assert deployment.failed_count == 1


def test_interrupted_run_is_recorded_as_failed(demo, flyer):
    def interrupt(done, total):
        if done == 1:
            raise KeyboardInterrupt

    deployment = new_deployment(flyer)
    with pytest.raises(KeyboardInterrupt):
        run_deployment(deployment, progress=interrupt)

    deployment.refresh_from_db()
    assert deployment.status == TemplateDeployment.FAILED
    assert deployment.finished_at is not None
    assert deployment.created_count == 1
    assert deployment.errors[-1]["error"].startswith("Stopped: KeyboardInterrupt")


def test_progress_is_saved_every_few_outlets(demo, flyer, monkeypatch):
    monkeypatch.setattr(deploy, "PROGRESS_SAVE_EVERY", 2)
    for n in range(3):
        onboard_outlet(name=f"Extra {n}", slug=f"extra-{n}", region=demo.south)
    deployment = new_deployment(flyer)
    seen = []

    def record(done, total):
        row = TemplateDeployment.objects.get(pk=deployment.pk)
        seen.append((done, total, row.status, row.created_count))

    run_deployment(deployment, progress=record)

    running = TemplateDeployment.RUNNING
    assert seen == [
        (0, 6, running, 0),
        (1, 6, running, 0),
        (2, 6, running, 2),
        (3, 6, running, 2),
        (4, 6, running, 4),
        (5, 6, running, 4),
        (6, 6, running, 6),
    ]
    deployment.refresh_from_db()
    assert deployment.status == TemplateDeployment.DONE
    assert (deployment.total, deployment.created_count) == (6, 6)
    assert deployment.percent == 100


def test_queries_per_outlet_do_not_grow_with_the_number_of_outlets(demo, flyer):
    east = create_region(name="East", slug="east")
    outlets = [
        onboard_outlet(name=f"East {n}", slug=f"east-{n}", region=east)
        for n in range(9)
    ]

    def deploy_counting(targeted):
        deployment = new_deployment(flyer, target={"outlets": [o.pk for o in targeted]})
        marks = []
        with CaptureQueriesContext(connection) as queries:
            run_deployment(
                deployment, progress=lambda done, total: marks.append(len(queries))
            )
        assert deployment.created_count == len(targeted)
        per_outlet = [after - before for before, after in pairwise(marks)]
        deployment_updates = [
            q
            for q in queries
            if q["sql"].startswith('UPDATE "wagtail_distmark_templatedeployment"')
        ]
        return len(queries), per_outlet, len(deployment_updates)

    deploy_counting(
        outlets[:1]
    )  # first-time look-ups (content types...) out of the way
    total_2, per_outlet_2, updates_2 = deploy_counting(outlets[1:3])
    total_6, per_outlet_6, updates_6 = deploy_counting(outlets[3:])

    cost = per_outlet_2[0]
    assert per_outlet_2 == [cost] * 2
    assert per_outlet_6 == [cost] * 6
    assert total_6 - total_2 == 4 * cost
    assert updates_2 == updates_6 == 2  # started, finished: not one per outlet

    # Skipping is one query for all outlets, not one per outlet.
    def redeploy_counting(targeted):
        deployment = new_deployment(flyer, target={"outlets": [o.pk for o in targeted]})
        with CaptureQueriesContext(connection) as queries:
            run_deployment(deployment)
        assert deployment.skipped_count == len(targeted)
        return len(queries)

    assert redeploy_counting(outlets[1:3]) == redeploy_counting(outlets[3:])


def test_pages_passing_the_brand_checks_are_published_the_others_kept_drafts(demo, hq):
    # An HQ template whose hero shows a store photo from Lille's collection:
    # Lille's page may show it, other outlets' may not.
    from tests.media.assets import image

    lille_photo = image("Lille store", demo.lille.collection)
    template = make_template("photo")
    template.body = [
        {
            "type": "hero",
            "id": str(uuid.uuid4()),
            "value": {
                "title": "Our store",
                "image": lille_photo.pk,
                "local_policy": "locked",
            },
        }
    ]
    template.save_revision().publish()
    deployment = new_deployment(
        template, target={"outlets": [demo.lille.pk, demo.gent.pk]}, publish=True
    )
    run_deployment(deployment)
    pages = pages_of(template)
    assert pages[demo.lille.pk].live
    assert not pages[demo.gent.pk].live
    assert (deployment.created_count, deployment.failed_count) == (2, 0)
    assert deployment.errors == [
        {
            "outlet": demo.gent.pk,
            "name": demo.gent.name,
            "error": "Created as a draft, not published: Hero › Image: “Lille store” "
            "belongs to another outlet: use your own outlet's or HQ's. HQ's template "
            "shows it here and outlets cannot change it: ask HQ to replace it.",
            "draft": True,
        }
    ]
