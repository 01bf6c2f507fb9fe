"""Publishing an HQ template: confirm first when outlets would be affected.

Wagtail's page editor calls the ``before_publish_page`` hook once the new
version is saved as a revision and before it goes live. When that version
would make outlets' values stale, or uses an asset outlets may no longer use,
the hook stops there (the revision stays a draft) and sends HQ to a
confirmation page saying what it affects; confirming publishes that revision
and tells the managers of the outlets whose values became stale.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.models import Revision

from ..outlets.access import user_is_hq
from .impact import template_change_impact
from .models import TemplatePage


def impact_of_revision(revision):
    """The impact of publishing ``revision`` of a template over its live version."""
    new_template = revision.as_object()
    live = TemplatePage.objects.filter(pk=revision.object_id, live=True).first()
    return template_change_impact(live, new_template)


def publish_template_revision(revision, user, impact=None):
    """Publish ``revision`` of an HQ template and tell the outlets it affects.

    The one way HQ's confirmation publishes; the managers of outlets whose
    values became stale are emailed once the publish is committed.
    """
    from .tasks import notify_stale_values_task

    if impact is None:
        impact = impact_of_revision(revision)
    with transaction.atomic():
        revision.publish(user=user)
    stale = {
        str(affected.page.pk): affected.block_ids for affected in impact.stale_pages
    }
    if stale:
        template_id = int(revision.object_id)
        transaction.on_commit(
            lambda: notify_stale_values_task.enqueue(template_id, stale)
        )
    return impact


def confirm_before_publishing(request, page):
    """``before_publish_page``: stop a template publish that needs confirming."""
    if not isinstance(page, TemplatePage) or page.latest_revision_id is None:
        return None
    revision = page.latest_revision
    impact = impact_of_revision(revision)
    if not impact.needs_confirmation:
        return None
    messages.warning(
        request,
        _("“%(title)s” is saved as a draft: confirm below to publish it.")
        % {"title": page.title},
    )
    return redirect("distmark_templates:confirm_publish", page.pk, revision.pk)


class ConfirmTemplatePublishView(View):
    """For HQ: what publishing a template's new version affects, then publish."""

    template_name = "wagtail_distmark/inheritance/confirm_publish.html"

    def dispatch(self, request, pk, revision_id):
        if not user_is_hq(request.user):
            raise PermissionDenied
        self.template = get_object_or_404(TemplatePage, pk=pk)
        if not self.template.permissions_for_user(request.user).can_publish():
            raise PermissionDenied
        self.revision = get_object_or_404(
            Revision.page_revisions.filter(object_id=str(pk)), pk=revision_id
        )
        return super().dispatch(request, pk, revision_id)

    def get(self, request, pk, revision_id):
        impact = impact_of_revision(self.revision)
        return TemplateResponse(
            request,
            self.template_name,
            {
                "template": self.template,
                "revision": self.revision,
                "impact": impact,
                "is_latest": self.revision.pk == self.template.latest_revision_id,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[pk]),
                "header_icon": "warning",
            },
        )

    def post(self, request, pk, revision_id):
        if self.revision.pk != self.template.latest_revision_id:
            # Someone saved the template since: confirm what is there now.
            messages.error(
                request,
                _("The template was changed since: review its latest version."),
            )
            return redirect("wagtailadmin_pages:edit", pk)
        impact = publish_template_revision(self.revision, request.user)
        if impact.stale_pages:
            messages.success(
                request,
                ngettext(
                    "“%(title)s” is published. The manager of %(count)d outlet "
                    "was told to review its values.",
                    "“%(title)s” is published. The managers of %(count)d outlets "
                    "were told to review their values.",
                    impact.stale_outlet_count,
                )
                % {"title": self.template.title, "count": impact.stale_outlet_count},
            )
        else:
            messages.success(
                request, _("“%(title)s” is published.") % {"title": self.template.title}
            )
        return redirect("wagtailadmin_pages:edit", pk)


def notify_stale_values(template_id, stale):
    """Email the managers of each outlet whose page's values became stale.

    ``stale`` maps outlet page ids to the ids of their stale blocks. Each
    manager reads it in their own language (their admin language, else
    their outlet's). Returns the number of emails sent.
    """
    from django.contrib.auth import get_user_model
    from django.utils.translation import override
    from wagtail.admin.mail import send_mail
    from wagtail.admin.utils import get_admin_base_url
    from wagtail.users.models import UserProfile

    from ..emails import render_subject, render_text
    from .models import LocalPage

    template = TemplatePage.objects.filter(pk=template_id).first()
    if template is None or not stale:
        return 0
    blocks = {child.get("id"): child.get("type") for child in template.body.raw_data}
    stream_block = template._meta.get_field("body").stream_block
    pages = (
        LocalPage.objects.filter(pk__in=[int(pk) for pk in stale])
        .select_related("outlet")
        .order_by("pk")
    )
    by_outlet = {}
    for page in pages:
        if page.outlet is not None:
            by_outlet.setdefault(page.outlet, []).append(page)
    User = get_user_model()
    managers = {
        group_id: [] for group_id in {outlet.managers_group_id for outlet in by_outlet}
    }
    for user in (
        User.objects.filter(groups__in=list(managers), is_active=True)
        .exclude(email="")
        .distinct()
        .prefetch_related("groups")
        .select_related("wagtail_userprofile")
    ):
        for group in user.groups.all():
            if group.pk in managers:
                managers[group.pk].append(user)
    base_url = get_admin_base_url() or ""
    name = "wagtail_distmark/inheritance/notifications/stale_values"
    sent = 0
    for outlet, outlet_pages in by_outlet.items():
        for user in managers.get(outlet.managers_group_id, []):
            try:
                language = user.wagtail_userprofile.preferred_language
            except UserProfile.DoesNotExist:
                language = ""
            with override(language or outlet.locale):
                context = {
                    "user": user,
                    "outlet": outlet,
                    "template": template,
                    "pages": [
                        {
                            "page": page,
                            "blocks": [
                                str(stream_block.child_blocks[blocks[block_id]].label)
                                for block_id in stale[str(page.pk)]
                                if blocks.get(block_id) in stream_block.child_blocks
                            ],
                            "url": base_url
                            + reverse("wagtailadmin_pages:edit", args=[page.pk]),
                        }
                        for page in outlet_pages
                    ],
                }
                subject = render_subject(f"{name}_subject.txt", context)
                body = render_text(f"{name}.txt", context)
            send_mail(subject, body.strip(), [user.email])
            sent += 1
    return sent
