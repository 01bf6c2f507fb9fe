"""The brand compliance check on the assets an outlet used."""

import copy
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format
from wagtail.documents import get_document_model

from tests.inheritance.editing import local_zone_rich_text
from tests.media.assets import brand_image, days, image
from tests.workflows.flow import (
    filled,
    result,
    spring_page,
    submit,
    task_states,
    with_local_block,
    with_values,
)
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.media.checks import AssetRightsCheck
from wagtail_distmark.media.models import DocumentRights
from wagtail_distmark.media.services import brand_library
from wagtail_distmark.workflows.checks import run_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_zone(demo):
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.LOCAL_ZONE_ID:
            child["value"]["allowed_blocks"].append("image")
    template.body = body
    template.save_revision().publish()


def with_images(page, *images):
    blocks = [
        {
            "type": "image",
            "value": {"image": img.pk, "caption": ""},
            "id": str(uuid.uuid4()),
        }
        for img in images
    ]
    return with_values(page, spring.LOCAL_ZONE_ID, blocks=blocks)


def test_expired_and_unapproved_assets_are_findings(demo, image_zone):
    # Three blocks: the local zone's maximum (a fourth would make the zone's
    # value stale, and the page show HQ's empty zone instead).
    page = with_images(
        filled(spring_page(demo.lille)),
        brand_image("Old campaign", hq_approved=True, expires_on=days(-1)),
        brand_image("Draft visual"),
        image("Lille shop front", demo.lille.collection),
    )
    assets = result(run_checks(page), "asset_rights")
    assert [str(f) for f in assets.findings] == [
        f"Local zone › Image: The usage rights of “Old campaign” expired on "
        f"{date_format(days(-1))}.",
        "Local zone › Image: “Draft visual” is not approved by HQ for use.",
    ]
    # HQ's approved logo passes.
    page = with_images(page, brand_image("Logo", hq_approved=True))
    assert result(run_checks(page), "asset_rights").status == "passed"


def test_a_submission_using_an_expired_asset_is_sent_back(demo, image_zone):
    editor = demo.users["lille-editor"]
    page = with_images(
        filled(spring_page(demo.lille)),
        brand_image("Old campaign", hq_approved=True, expires_on=days(-1)),
    )
    page.save_revision(user=editor, clean=False)
    state = page.get_workflow().start(page, editor)
    assert state.current_task_state.specific.status == "rejected"
    assert "“Old campaign” expired" in state.current_task_state.comment


# Every reference in what the outlet wrote: rich text links and embeds too ---


def document(title, collection, **rights):
    doc = get_document_model().objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="flyer.pdf"),
        collection=collection,
    )
    if rights:
        DocumentRights.objects.create(document=doc, **rights)
    return doc


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def doc_link(doc, text="our flyer"):
    return f'<a linktype="document" id="{doc.pk}">{text}</a>'


def image_embed(img):
    return f'<embed embedtype="image" id="{img.pk}" format="left" alt="Visual"/>'


def test_a_rich_text_link_to_an_expired_or_unapproved_brand_document_is_sent_back(
    login, demo, media_root, django_capture_on_commit_callbacks
):
    expired = document(
        "Old flyer", brand_library(), hq_approved=True, expires_on=days(-1)
    )
    draft = document("Draft flyer", brand_library())
    page = spring_page(demo.lille)
    client = login("lille-editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            client,
            page,
            **local_zone_rich_text(
                f"<p>Read {doc_link(expired)} and {doc_link(draft)}.</p>"
            ),
        )
    assert response.status_code == 302
    compliance = task_states(page)[0].specific
    assert compliance.status == "rejected"
    assets = next(r for r in compliance.results if r["check"] == "asset_rights")
    assert [(f["where"], f["message"]) for f in assets["findings"]] == [
        (
            "Local zone › Text",
            f"The usage rights of “Old flyer” expired on {date_format(days(-1))}.",
        ),
        ("Local zone › Text", "“Draft flyer” is not approved by HQ for use."),
    ]
    page.refresh_from_db()
    assert not page.live


def test_rich_text_embeds_other_outlets_media_and_deleted_documents_are_findings(
    demo, media_root
):
    theirs = document("Marseille flyer", demo.marseille.collection)
    ours = document("Lille flyer", demo.lille.collection)
    approved = document("Brand flyer", brand_library(), hq_approved=True)
    gone = document("Gone", demo.lille.collection)
    gone_id = gone.pk
    gone.delete()
    expired_visual = brand_image("Old visual", hq_approved=True, expires_on=days(-1))
    page = with_local_block(
        demo.lille,
        "rich_text",
        f"<p>{doc_link(theirs)} {doc_link(ours)} {doc_link(approved)} "
        f'<a linktype="document" id="{gone_id}">gone</a></p>'
        + image_embed(expired_visual),
    )
    assets = result(run_checks(page), "asset_rights")
    assert [str(f) for f in assets.findings] == [
        "Local zone › Text: “Marseille flyer” belongs to another outlet: use your "
        "own outlet's or HQ's.",
        f"Local zone › Text: A linked item no longer exists (document, id {gone_id}).",
        f"Local zone › Text: The usage rights of “Old visual” expired on "
        f"{date_format(days(-1))}.",
    ]


def test_hqs_content_the_page_shows_is_judged_too(demo, media_root):
    # HQ's locked brand text links an expired document: the outlet's page
    # would show the link, so it may not go live; the finding says HQ must
    # replace it (distmark_check_assets tells HQ too).
    expired = document(
        "Old flyer", brand_library(), hq_approved=True, expires_on=days(-1)
    )
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.BRAND_TEXT_ID:
            child["value"]["content"] += f"<p>{doc_link(expired)}</p>"
    template.body = body
    template.save_revision().publish()
    report = run_checks(filled(spring_page(demo.lille)))
    assert [str(f) for f in result(report, "asset_rights").findings] == [
        f"Text › Text: The usage rights of “Old flyer” expired on "
        f"{date_format(days(-1))}. HQ's template shows it here and outlets "
        "cannot change it: ask HQ to replace it."
    ]


def test_an_expired_hq_image_the_outlet_may_replace_says_so(demo):
    expired = brand_image("Old campaign", hq_approved=True, expires_on=days(-1))
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    body = copy.deepcopy(list(template.body.raw_data))
    for child in body:
        if child["id"] == spring.HERO_ID:
            child["value"]["image"] = expired.pk
            child["value"]["open_fields"].append("image")
    template.body = body
    template.save_revision().publish()
    page = filled(spring_page(demo.lille))
    assert [str(f) for f in result(run_checks(page), "asset_rights").findings] == [
        f"Hero › Image: The usage rights of “Old campaign” expired on "
        f"{date_format(days(-1))}. HQ's template shows it here: choose another "
        "one in this block."
    ]
    # The outlet chooses its own: nothing of HQ's expired visual is shown.
    page = with_values(
        page,
        spring.HERO_ID,
        image=brand_image("New campaign", hq_approved=True).pk,
    )
    assert result(run_checks(page), "asset_rights").status == "passed"


def test_assets_are_fetched_in_one_query_per_model_whatever_their_number(
    demo, media_root
):
    def queries_for(count):
        docs = [document(f"Flyer {n}", brand_library()) for n in range(count)]
        images = [brand_image(f"Visual {n}") for n in range(count)]
        html = "".join(f"<p>{doc_link(doc)}</p>" for doc in docs)
        html += "".join(image_embed(img) for img in images)
        page = with_local_block(demo.lille, "rich_text", html)
        with CaptureQueriesContext(connection) as queries:
            findings = result(
                run_checks(page, checks=[AssetRightsCheck()]), "asset_rights"
            ).findings
        assert len(findings) == 2 * count  # none approved
        return len(queries)

    assert queries_for(1) == queries_for(8)


def test_another_page_types_rich_text_is_judged_too(demo, media_root):
    from wagtail_distmark.outlets.models import OutletHomePage

    expired = document(
        "Old flyer", brand_library(), hq_approved=True, expires_on=days(-1)
    )
    home = OutletHomePage.objects.get(pk=demo.lille.home_page_id)
    home.intro = f"<p>Download {doc_link(expired)}</p>"
    assets = result(run_checks(home), "asset_rights")
    assert [str(f) for f in assets.findings] == [
        f"Introduction: The usage rights of “Old flyer” expired on "
        f"{date_format(days(-1))}."
    ]


def test_an_expiry_date_reads_in_the_readers_language(demo):
    from wagtail.images import get_image_model

    from wagtail_distmark.media.models import ImageRights
    from wagtail_distmark.media.services import unusable_reason

    rights = ImageRights.objects.get(image__title="Spring 2025 campaign visual")
    image = (
        get_image_model().objects.select_related("collection").get(pk=rights.image_id)
    )
    with translation.override("fr"):
        assert f"ont expiré le {date_format(rights.expires_on)}" in str(
            unusable_reason(image)
        )
        assert rights.expires_on.isoformat() not in str(unusable_reason(image))
