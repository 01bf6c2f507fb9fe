"""The brand checks, each on the Spring promotion page of the demo."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

from tests.inheritance.editing import local_zone_rich_text
from tests.testapp.models import LocalOffer
from tests.workflows.flow import (
    allow_in_local_zone,
    filled,
    result,
    spring_page,
    submit,
    task_states,
    with_values,
)
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.inheritance.overrides import make_override
from wagtail_distmark.workflows.checks import (
    CHECKS_HOOK,
    ERROR,
    FAILED,
    PASSED,
    Check,
    ComplianceSubject,
    Finding,
    LinkedContentCheck,
    get_checks,
    run_checks,
)

pytestmark = pytest.mark.django_db


def local_zone(page, *children):
    blocks = [
        {"type": type_, "value": value, "id": str(uuid.uuid4())}
        for type_, value in children
    ]
    return with_values(page, spring.LOCAL_ZONE_ID, blocks=blocks)


def test_a_filled_in_page_passes_every_check(demo):
    report = run_checks(filled(spring_page(demo.lille)))
    assert report.passed
    assert {r.status for r in report.results} == {PASSED}
    assert report.summary() == "All 8 brand checks passed."


def test_required_blocks_name_the_block_and_field(demo):
    report = run_checks(spring_page(demo.lille))
    required = result(report, "required_blocks")
    assert required.status == FAILED
    assert [str(f) for f in required.findings] == [
        "Event: Required, still to fill in: Date."
    ]


def test_out_of_bounds_discount_is_a_finding_naming_the_block(demo):
    page = with_values(
        filled(spring_page(demo.lille)), spring.PROMOTION_ID, discount_percent=30
    )
    rules = result(run_checks(page), "template_rules")
    assert rules.status == FAILED
    assert [f.where for f in rules.findings] == ["Promotion › Discount (%)"]


def test_a_value_for_a_locked_field_is_a_finding(demo):
    page = filled(spring_page(demo.lille))
    merged = page.merge.by_id(spring.HERO_ID)
    override = make_override(merged, {"title": "Tout gratuit"})
    page.overrides = {**page.overrides, spring.HERO_ID: override}
    rules = result(run_checks(page), "template_rules")
    assert [str(f) for f in rules.findings] == [
        "Hero › Title: HQ has locked this field."
    ]


@pytest.mark.parametrize(
    "subtitle, found",
    [
        (
            "Tout est GRATUIT ce week-end",
            ["“gratuit” is on HQ's list of banned words."],
        ),
        ("Livraison gratuitement offerte", []),  # whole words only
    ],
)
def test_banned_words_in_what_the_outlet_wrote(demo, settings, subtitle, found):
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["gratuit", "  "]}
    page = with_values(
        filled(spring_page(demo.lille)), spring.HERO_ID, subtitle=subtitle
    )
    banned = result(run_checks(page), "banned_words")
    assert [str(f.message) for f in banned.findings] == found
    assert all(f.where == "Hero › Subtitle" for f in banned.findings)


def test_hqs_own_text_is_not_judged(demo, settings):
    # HQ's locked brand text says "refunded"; the outlet cannot change it.
    settings.WAGTAIL_DISTMARK = {"BANNED_WORDS": ["refunded"]}
    assert result(
        run_checks(filled(spring_page(demo.lille))), "banned_words"
    ).status == (PASSED)


def test_links_in_local_rich_text_must_be_on_allowed_domains(demo, settings):
    settings.WAGTAIL_DISTMARK = {"ALLOWED_LINK_DOMAINS": ["brand.example"]}
    page = local_zone(
        filled(spring_page(demo.lille)),
        ("rich_text", '<p>See <a href="https://cheap.example/deal">this</a></p>'),
        ("rich_text", '<p><a href="https://shop.brand.example/">ok</a></p>'),
    )
    links = result(run_checks(page), "link_domains")
    assert links.status == FAILED
    assert len(links.findings) == 1
    assert "cheap.example" in str(links.findings[0])
    assert links.findings[0].where == "Local zone › Text"


def test_images_the_outlet_adds_need_alt_text(demo):
    allow_in_local_zone("image")
    Image = get_image_model()
    described = Image.objects.create(
        title="Shop front", file=get_test_image_file(), description="Our shop front"
    )
    bare = Image.objects.create(title="IMG_2041", file=get_test_image_file())
    page = local_zone(
        filled(spring_page(demo.lille)),
        ("image", {"image": described.pk, "caption": ""}),
        ("image", {"image": bare.pk, "caption": ""}),
    )
    alt = result(run_checks(page), "alt_text")
    assert alt.status == FAILED
    assert len(alt.findings) == 1
    assert "IMG_2041" in str(alt.findings[0])


class CapitalTitleCheck(Check):
    name = "no_capital_titles"
    label = "No capitals-only titles"

    def run(self, subject):
        title = subject.obj.title
        if title.isupper():
            yield Finding("Write the title in sentence case.", "Title")


def test_projects_add_checks_with_the_hook(demo, settings):
    page = filled(spring_page(demo.lille))
    page.title = "SPRING SALE"
    with hooks.register_temporarily(CHECKS_HOOK, lambda: [CapitalTitleCheck()]):
        report = run_checks(page)
        assert not report.passed
        assert "- Title: Write the title in sentence case." in report.summary()
        settings.WAGTAIL_DISTMARK = {"DISABLED_CHECKS": ["no_capital_titles"]}
        assert "no_capital_titles" not in [check.name for check in get_checks()]


def test_check_names_must_be_unique(demo):
    class Again(CapitalTitleCheck):
        name = "banned_words"

    with (
        hooks.register_temporarily(CHECKS_HOOK, lambda: [Again()]),
        pytest.raises(ImproperlyConfigured),
    ):
        get_checks()


def test_a_check_that_raises_is_an_error_not_a_pass(demo):
    class Broken(Check):
        name = "broken"
        label = "Broken"

        def run(self, subject):
            raise ValueError("boom")

    report = run_checks(filled(spring_page(demo.lille)), checks=[Broken()])
    assert not report.passed
    assert report.results[0].status == ERROR
    assert "Broken could not run: ValueError: boom" in report.summary()


def test_subject_counts_changes_and_reads_discounts(demo):
    page = with_values(
        spring_page(demo.lille), spring.PROMOTION_ID, discount_percent=18
    )
    page = with_values(page, spring.HERO_ID, subtitle="Chez nous")
    subject = ComplianceSubject(page)
    assert subject.changed_block_count == 2
    assert subject.highest_discount == 18
    assert subject.outlet == demo.lille


def test_other_page_types_are_checked_on_their_own_fields(demo, settings):
    from wagtail_distmark.outlets.models import OutletHomePage

    settings.WAGTAIL_DISTMARK = {
        "BANNED_WORDS": ["gratuit"],
        "ALLOWED_LINK_DOMAINS": ["brand.example"],
    }
    home = OutletHomePage.objects.get(pk=demo.lille.home_page_id)
    home.intro = '<p>Café gratuit, <a href="https://cheap.example/">ici</a></p>'
    report = run_checks(home)
    assert [str(f) for f in result(report, "banned_words").findings] == [
        "Introduction: “gratuit” is on HQ's list of banned words."
    ]
    assert [f.where for f in result(report, "link_domains").findings] == [
        "Introduction"
    ]
    assert "template_rules" not in [r.name for r in report.results]
    assert ComplianceSubject(home).changed_block_count == 1


def test_findings_without_a_block_read_well(demo):
    page = spring_page(demo.lille)
    page.hq_template = None
    report = run_checks(page)
    assert "- The HQ template this page was built on was deleted." in report.summary()


# Links and references in what the outlet wrote -------------------------------


def rich_text_zone(page, html):
    return local_zone(page, ("rich_text", html))


def page_link(page, text="here"):
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def test_links_the_editor_never_stored_are_read_as_a_browser_reads_them(demo):
    # A script, an import or a snippet's plain rich text block stores what
    # the page editor refuses; the check reads unquoted and spaced attributes.
    offer = LocalOffer.objects.create(
        title="Lille offer",
        outlet=demo.lille,
        body=[
            ("text", "<p><a href = //evil.example/>x</a> <a href=/ok>ok</a></p>"),
            ("link", "https://brand.example/"),
        ],
    )
    links = result(run_checks(offer), "link_domains")
    assert [str(f) for f in links.findings] == [
        "Text: Link “//evil.example/”: This link leads to another site without "
        "saying so (// or a backslash after the first slash): write the full web "
        "address, starting with https://."
    ]


def test_links_to_pages_outlets_may_not_show_are_findings(demo):
    lille_home = Page.objects.get(pk=demo.lille.home_page_id)
    draft = lille_home.add_child(
        instance=Page(title="Draft offer", slug="draft", live=False)
    )
    hq_page = Page.objects.get(depth=2, title__startswith="Welcome")
    marseille_home = Page.objects.get(pk=demo.marseille.home_page_id)
    template = Page.objects.get(slug=spring.SPRING_SLUG, depth=3)
    page = filled(spring_page(demo.lille))
    page = rich_text_zone(
        page,
        "<p>"
        + " ".join(
            page_link(target)
            for target in (lille_home, page, hq_page, marseille_home, template, draft)
        )
        + '<a linktype="page" id="999999">gone</a></p>',
    )
    linked = result(run_checks(page), "linked_content")
    assert [str(f.message) for f in linked.findings] == [
        "“Marseille Vieux-Port” is not a page of your outlet or of HQ: link to "
        "your own outlet's pages or HQ's.",
        "“Spring promotion” is in HQ's template library, which visitors cannot "
        "open: link to a published page.",
        "“Draft offer” is not published: visitors would find no page there. "
        "Publish it first, or remove the link.",
        "A linked item no longer exists (page, id 999999).",
    ]
    assert {f.where for f in linked.findings} == {"Local zone › Text"}


def test_a_link_to_an_hq_template_is_sent_back_from_the_editor(
    login, demo, django_capture_on_commit_callbacks
):
    template = TemplatePage.objects.get(slug=spring.SPRING_SLUG)
    page = spring_page(demo.lille)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            login("lille-editor"),
            page,
            **local_zone_rich_text(f"<p>See {page_link(template)}</p>"),
        )
    assert response.status_code == 302
    compliance = task_states(page)[0].specific
    assert compliance.status == "rejected"
    assert (
        "Local zone › Text: “Spring promotion” is in HQ's template library"
        in compliance.comment
    )


@pytest.fixture
def offer_chooser():
    """The stand-in campaign may point at another campaign (as a project's
    snippet chooser block would)."""
    stream_block = LocalOffer._meta.get_field("body").stream_block
    chooser = SnippetChooserBlock(LocalOffer, label="Related offer")
    chooser.set_name("offer")
    stream_block.child_blocks["offer"] = chooser
    yield
    del stream_block.child_blocks["offer"]


def test_another_outlets_snippet_is_a_finding(demo, offer_chooser):
    theirs = LocalOffer.objects.create(title="Marseille offer", outlet=demo.marseille)
    ours = LocalOffer.objects.create(title="Lille spring", outlet=demo.lille)
    offer = LocalOffer.objects.create(
        title="Lille offer",
        outlet=demo.lille,
        body=[("offer", theirs), ("offer", ours)],
    )
    linked = result(run_checks(offer), "linked_content")
    assert [str(f) for f in linked.findings] == [
        "Related offer: “Marseille offer” belongs to another outlet: use your own "
        "outlet's or HQ's."
    ]


def test_linked_pages_are_fetched_in_one_query_whatever_their_number(demo):
    lille_home = Page.objects.get(pk=demo.lille.home_page_id)

    def queries_for(count):
        drafts = [
            lille_home.add_child(
                instance=Page(title=f"Draft {n}", slug=f"draft-{count}-{n}", live=False)
            )
            for n in range(count)
        ]
        page = rich_text_zone(
            filled(spring_page(demo.lille)),
            "<p>" + " ".join(page_link(draft) for draft in drafts) + "</p>",
        )
        with CaptureQueriesContext(connection) as queries:
            report = run_checks(page, checks=[LinkedContentCheck()])
        assert len(report.findings) == count
        return len(queries)

    assert queries_for(1) == queries_for(8)
