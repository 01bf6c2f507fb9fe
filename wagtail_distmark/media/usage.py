"""Where unusable assets are still used: from Wagtail's reference index.

An asset is unusable when HQ marked it unapproved, its usage rights expired,
or it sits in the brand library without HQ's approval. A page that uses one
is found through the reference index: outlet pages directly, and HQ templates
(with every outlet page built on them, since the merge shows HQ's content).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from ..workflows.objects import outlet_ids_for_objects
from .models import DocumentRights, ImageRights, today
from .services import brand_library

EXPIRED = "expired"
UNAPPROVED = "unapproved"


@dataclass
class Use:
    """One object using the asset, and the outlet it belongs to (None: HQ)."""

    obj: object
    outlet_id: int | None
    derived_pages: int = 0  # for an HQ template: outlet pages built on it
    outlet_name: str = ""


@dataclass
class UnusableAsset:
    asset: object
    reason: str
    expires_on: object = None
    uses: list = field(default_factory=list)

    @property
    def outlet_ids(self):
        return {use.outlet_id for use in self.uses if use.outlet_id}


def unusable_assets():
    """Images and documents outlets may no longer use, with their rights rows."""
    on = today()
    library = brand_library()
    found = []
    for model, rights_model, name in (
        (get_image_model(), ImageRights, "image"),
        (get_document_model(), DocumentRights, "document"),
    ):
        unusable = rights_model.objects.unusable(on).filter(**{name: OuterRef("pk")})
        any_rights = rights_model.objects.filter(**{name: OuterRef("pk")})
        condition = Exists(unusable)
        if library is not None:
            condition |= Q(collection__path__startswith=library.path) & ~Exists(
                any_rights
            )
        assets = model.objects.filter(condition).select_related("distmark_rights")
        for asset in assets:
            rights = getattr(asset, "distmark_rights", None)
            if rights is not None and rights.is_expired:
                found.append(UnusableAsset(asset, EXPIRED, rights.expires_on))
            else:
                found.append(UnusableAsset(asset, UNAPPROVED))
    return found


def report_unusable_assets():
    """Every unusable asset still in use, with what uses it. A few queries
    whatever the number of assets and pages."""
    from ..inheritance.models import LocalPage, TemplatePage

    found = unusable_assets()
    if not found:
        return []
    references = ReferenceIndex.get_references_to_in_bulk([e.asset for e in found])
    rows = list(
        references.values_list(
            "to_content_type_id", "to_object_id", "base_content_type_id", "object_id"
        ).distinct()
    )
    sources = {(ct, str(oid)) for _tct, _toid, ct, oid in rows}
    outlets = outlet_ids_for_objects(sources)
    page_ids = [int(oid) for ct, oid in sources if oid.isdigit()]
    pages = {
        str(page.pk): page
        for page in Page.objects.filter(pk__in=page_ids).specific(defer=True)
    }
    template_ids = [
        page.pk for page in pages.values() if isinstance(page, TemplatePage)
    ]
    derived = {}
    for template_id, outlet_id in LocalPage.objects.filter(
        hq_template_id__in=template_ids
    ).values_list("hq_template_id", "outlet_id"):
        derived.setdefault(template_id, []).append(outlet_id)

    by_key = {}
    for entry in found:
        key = (
            ReferenceIndex._get_base_content_type(entry.asset).pk,
            str(entry.asset.pk),
        )
        by_key[key] = entry
    for to_ct, to_oid, ct, oid in rows:
        entry = by_key.get((to_ct, str(to_oid)))
        obj = pages.get(str(oid))
        if entry is None or obj is None:
            continue
        if isinstance(obj, TemplatePage):
            outlet_ids = derived.get(obj.pk, [])
            entry.uses.append(Use(obj, None, derived_pages=len(outlet_ids)))
            entry.uses.extend(Use(obj, outlet_id) for outlet_id in outlet_ids)
        else:
            entry.uses.append(Use(obj, outlets.get((ct, str(oid)))))
    from ..outlets.models import Outlet

    names = dict(
        Outlet.objects.filter(
            pk__in={use.outlet_id for e in found for use in e.uses if use.outlet_id}
        ).values_list("pk", "name")
    )
    for entry in found:
        for use in entry.uses:
            use.outlet_name = names.get(use.outlet_id, "")
    return [entry for entry in found if entry.uses]


def notify_unusable_asset_uses(report):
    """Email HQ the whole report, and each outlet's managers their part."""
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string
    from django.utils.translation import override
    from wagtail.admin.mail import send_mail
    from wagtail.users.models import UserProfile

    from ..outlets.models import Outlet
    from ..workflows.approvers import hq_group_id_or_none

    if not report:
        return 0
    User = get_user_model()
    outlets = Outlet.objects.in_bulk({oid for e in report for oid in e.outlet_ids})
    letters = []  # (users, context)
    hq_group_id = hq_group_id_or_none()
    if hq_group_id:
        letters.append((User.objects.filter(groups=hq_group_id), {"report": report}))
    for outlet_id, outlet in outlets.items():
        entries = [
            UnusableAsset(
                e.asset,
                e.reason,
                e.expires_on,
                [use for use in e.uses if use.outlet_id == outlet_id],
            )
            for e in report
            if outlet_id in e.outlet_ids
        ]
        letters.append(
            (
                User.objects.filter(groups=outlet.managers_group_id),
                {"report": entries, "outlet": outlet},
            )
        )
    sent = 0
    template = "wagtail_distmark/media/notifications/unusable_assets"
    for users, context in letters:
        for user in users.filter(is_active=True).exclude(email=""):
            profile = UserProfile.get_for_user(user)
            with override(profile.get_preferred_language()):
                context = {**context, "user": user}
                subject = render_to_string(f"{template}_subject.txt", context)
                body = render_to_string(f"{template}.txt", context)
            send_mail(" ".join(subject.split()), body.strip(), [user.email])
            sent += 1
    return sent
