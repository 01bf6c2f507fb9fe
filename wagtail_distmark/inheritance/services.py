"""Creating the template library and outlet pages built on templates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision
from wagtail.signals import page_published, published

from .models import LocalPage, TemplateLibraryPage

TEMPLATE_LIBRARY_SLUG = "distmark-templates"


def outlet_pages_with_drafts(template):
    """``[(page, draft_overrides)]``: the template's outlet pages, by outlet
    name, each with the overrides of its latest revision when it has an
    unpublished draft (else ``None``), in two queries. The editor works on
    that draft, so a value can be stale in either version."""
    pages = list(
        LocalPage.objects.filter(hq_template=template)
        .select_related("outlet")
        .only(
            "pk",
            "title",
            "live",
            "has_unpublished_changes",
            "overrides",
            "latest_revision_id",
            "outlet_id",
            "outlet__name",
            "outlet__slug",
            "outlet__locale",
            "outlet__managers_group",
        )
        .order_by("outlet__name", "pk")
    )
    drafts = dict(
        Revision.objects.filter(
            pk__in=[p.latest_revision_id for p in pages if p.has_unpublished_changes]
        ).values_list("pk", "content")
    )
    return [
        (page, (drafts.get(page.latest_revision_id) or {}).get("overrides"))
        for page in pages
    ]


def ensure_template_library():
    """The HQ template library page, created once under the tree root."""
    library = TemplateLibraryPage.objects.first()
    if library is None:
        library = TemplateLibraryPage(
            title=str(_("Template library")), slug=TEMPLATE_LIBRARY_SLUG
        )
        Page.get_first_root_node().add_child(instance=library)
    return library


def existing_local_page(template_page, outlet):
    """The outlet's page built on ``template_page``, if it has one."""
    return LocalPage.objects.filter(hq_template=template_page, outlet=outlet).first()


def _free_slug(parent, slug):
    taken = set(
        parent.get_children()
        .filter(slug__startswith=slug)
        .values_list("slug", flat=True)
    )
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def create_local_page(
    template_page,
    outlet,
    *,
    user=None,
    publish=False,
    title=None,
    skip_permission_checks=False,
):
    """Create ``outlet``'s page built on ``template_page`` (a draft unless ``publish``).

    Checks that ``user`` (when given) may add pages in the outlet's tree, and
    publish them, unless ``skip_permission_checks``: HQ deploying a template
    network-wide, where ``user`` is only recorded as owner and revision author.
    Raises ``ValidationError`` when the template is not live or has required
    blocks and ``publish`` is asked: those need the outlet's values first.
    """
    if not template_page.live:
        raise ValidationError(_("This template is not published yet."))
    home = outlet.home_page
    if home is None:
        raise ValidationError(
            _("%(outlet)s has no home page to add the page to.")
            % {"outlet": outlet.name}
        )
    if user is not None and not skip_permission_checks:
        permissions = home.permissions_for_user(user)
        if not permissions.can_add_subpage() or (
            publish and not permissions.can_publish_subpage()
        ):
            raise PermissionDenied
    if publish and template_page.specific.required_block_count:
        raise ValidationError(
            _(
                "“%(template)s” has blocks each outlet must fill in; create the "
                "pages as drafts."
            )
            % {"template": template_page.title}
        )
    published_at = timezone.now() if publish else None
    with transaction.atomic():
        page = LocalPage(
            title=title or template_page.title,
            slug=_free_slug(home, template_page.slug or slugify(template_page.title)),
            hq_template=template_page,
            outlet=outlet,
            overrides={},
            owner=user,
            # Created live when published: Wagtail then fully cleans it.
            live=publish,
            first_published_at=published_at,
            last_published_at=published_at,
            # What Wagtail would look up from the parent, with one more query.
            locale_id=home.locale_id,
        )
        home.add_child(instance=page)
        # No full clean, as in Wagtail's create view: add_child checked the
        # title and slug (the whole page when live), the rest comes from the
        # template, and a full clean costs about ten queries per page (per
        # outlet when HQ deploys).
        revision = page.save_revision(user=user, log_action=True, clean=False)
        if publish:
            _publish_new_page(page, revision, user)
    return page


def _publish_new_page(page, revision, user):
    """Record ``revision`` as the live one of a page just created live.

    What ``revision.publish()`` does for a new page, at half its cost when HQ
    deploys a template published to a thousand outlets: it would reload the
    page from the revision, clean and save it again, and look for workflows,
    aliases and comments that a page created a moment ago cannot have. The
    log entry and signals are Wagtail's, so publish hooks still run.
    """
    # The page is already saved and indexed: no second save for two fields.
    LocalPage.objects.filter(pk=page.pk).update(
        live_revision=revision, has_unpublished_changes=False
    )
    page.live_revision = revision
    page.has_unpublished_changes = False
    log(
        instance=page,
        action="wagtail.publish",
        user=user,
        revision=revision,
        content_changed=True,
    )
    page_published.send(sender=LocalPage, instance=page, revision=revision)
    published.send(sender=LocalPage, instance=page, revision=revision)
