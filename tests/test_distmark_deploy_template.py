"""``manage.py distmark_deploy_template``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from tests.inheritance.test_deploy import make_template
from wagtail_distmark.inheritance.demo import SPRING_SLUG
from wagtail_distmark.inheritance.models import LocalPage, TemplateDeployment


def deploy(*args):
    out, err = StringIO(), StringIO()
    call_command("distmark_deploy_template", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def outlets_with_page(template):
    return set(
        LocalPage.objects.filter(hq_template=template).values_list(
            "outlet__slug", flat=True
        )
    )


def test_deploys_drafts_to_all_outlets_with_progress(demo):
    template = make_template()

    out, err = deploy("flyer", "--all")

    assert "“Flyer”, 3 outlets: 3 created, 0 skipped (already there), 0 failed." in out
    assert "[" + "#" * 30 + "] 3/3" in err
    assert outlets_with_page(template) == {"lille", "marseille", "gent"}
    assert not LocalPage.objects.filter(hq_template=template, live=True).exists()
    deployment = TemplateDeployment.objects.get()
    assert deployment.status == TemplateDeployment.DONE
    assert deployment.requested_by is None

    out, _ = deploy("flyer", "--all")
    assert "0 created, 3 skipped (already there), 0 failed." in out


def test_deploys_published_pages_to_regions_or_outlets_as_a_user(demo):
    template = make_template()

    out, _ = deploy("flyer", "--region", "north", "--publish", "--user", "hq")

    assert "2 outlets: 2 created" in out
    pages = LocalPage.objects.filter(hq_template=template)
    assert {page.outlet.slug for page in pages} == {"lille", "gent"}
    assert all(page.live and page.owner == demo.users["hq"] for page in pages)

    out, _ = deploy("flyer", "--outlet", "marseille", "lille")
    assert "2 outlets: 1 created, 1 skipped" in out
    assert outlets_with_page(template) == {"lille", "marseille", "gent"}


def test_lists_failed_outlets(demo):
    make_template()
    Page.objects.get(pk=demo.lille.home_page_id).delete()

    out, _ = deploy("flyer", "--all")

    assert "2 created, 0 skipped (already there), 1 failed." in out
    assert "Lille Centre: Lille Centre has no home page" in out


def test_refuses_what_cannot_be_deployed(demo):
    make_template()
    with pytest.raises(CommandError, match="No template with the slug “nope”"):
        deploy("nope", "--all")
    with pytest.raises(CommandError, match="Unknown regions: atlantis, mu"):
        deploy("flyer", "--region", "north", "atlantis", "mu")
    with pytest.raises(CommandError, match="Unknown outlets: paris"):
        deploy("flyer", "--outlet", "paris")
    with pytest.raises(CommandError, match="drafts"):
        deploy(SPRING_SLUG, "--all", "--publish")
    with pytest.raises(CommandError, match="lille-editor is not HQ staff"):
        deploy("flyer", "--all", "--user", "lille-editor")
    with pytest.raises(CommandError, match="No user named “ghost”"):
        deploy("flyer", "--all", "--user", "ghost")
    with pytest.raises(CommandError, match="one of the arguments"):
        deploy("flyer")
    assert not TemplateDeployment.objects.exists()
