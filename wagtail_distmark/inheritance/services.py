"""Creating the template library and outlet pages built on templates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .models import LocalPage, TemplateLibraryPage

TEMPLATE_LIBRARY_SLUG = "distmark-templates"


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
    if (
        user is not None
        and not skip_permission_checks
        and not home.permissions_for_user(user).can_add_subpage()
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
    with transaction.atomic():
        page = LocalPage(
            title=title or template_page.title,
            slug=_free_slug(home, template_page.slug or slugify(template_page.title)),
            hq_template=template_page,
            outlet=outlet,
            overrides={},
            owner=user,
            live=False,
        )
        home.add_child(instance=page)
        # No full clean, as in Wagtail's create view: add_child checked the
        # title and slug, the rest comes from the template, and a full clean
        # costs about ten queries per page (per outlet when HQ deploys).
        revision = page.save_revision(user=user, log_action=True, clean=False)
        if publish:
            revision.publish(user=user, skip_permission_checks=skip_permission_checks)
    return page
