"""Where unusable assets are still used: from Wagtail's reference index.

An asset is unusable when HQ marked it unapproved, its usage rights expired,
or it sits in the brand library without HQ's approval. A page that uses one
is found through the reference index: outlet pages directly, and HQ templates
(with every outlet page built on them, since the merge shows HQ's content).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
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
    where: str = ""  # the field or block that uses it


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


def asset_key(asset):
    """How the reference index names an asset: (base content type id, id)."""
    return (ReferenceIndex._get_base_content_type(asset).pk, str(asset.pk))


def find_uses(assets):
    """Every object using each of ``assets``, with its outlet, from the
    reference index: ``{asset_key(asset): [Use, ...]}``.

    An HQ template counts once, with the outlet pages built on it (they show
    its content), and once more for each of those outlets. A few queries
    whatever the number of assets and uses.
    """
    from ..inheritance.models import LocalPage, TemplatePage
    from ..outlets.models import Outlet

    assets = list(assets)
    if not assets:
        return {}
    references = ReferenceIndex.get_references_to_in_bulk(assets).order_by(
        "base_content_type_id", "object_id", "content_type_id", "model_path"
    )
    rows = list(
        references.values_list(
            "to_content_type_id",
            "to_object_id",
            "base_content_type_id",
            "object_id",
            "content_type_id",
            "model_path",
        ).distinct()
    )
    sources = {(ct, str(oid)) for _tct, _toid, ct, oid, _sct, _path in rows}
    outlets = outlet_ids_for_objects(sources)
    objects = _load_sources(sources)
    template_ids = [obj.pk for obj in objects.values() if isinstance(obj, TemplatePage)]
    derived = {}
    for template_id, outlet_id in LocalPage.objects.filter(
        hq_template_id__in=template_ids
    ).values_list("hq_template_id", "outlet_id"):
        derived.setdefault(template_id, []).append(outlet_id)

    found = {}
    seen = set()
    for to_ct, to_oid, ct, oid, source_ct, model_path in rows:
        obj = objects.get((ct, str(oid)))
        if obj is None or (to_ct, to_oid, ct, oid) in seen:
            continue
        seen.add((to_ct, to_oid, ct, oid))
        uses = found.setdefault((to_ct, str(to_oid)), [])
        where = ReferenceIndex(
            content_type_id=source_ct, model_path=model_path
        ).describe_source_field()
        if isinstance(obj, TemplatePage):
            outlet_ids = derived.get(obj.pk, [])
            uses.append(Use(obj, None, derived_pages=len(outlet_ids), where=where))
            uses.extend(Use(obj, outlet_id, where=where) for outlet_id in outlet_ids)
        else:
            uses.append(Use(obj, outlets.get((ct, str(oid))), where=where))

    names = dict(
        Outlet.objects.filter(
            pk__in={u.outlet_id for uses in found.values() for u in uses if u.outlet_id}
        ).values_list("pk", "name")
    )
    for uses in found.values():
        for use in uses:
            use.outlet_name = names.get(use.outlet_id, "")
    return found


def _load_sources(sources):
    """The objects behind ``(base content type id, object id)`` pairs: pages
    as their specific type, snippets by their model, one query per type."""
    page_type_id = ContentType.objects.get_for_model(Page).pk
    by_type = {}
    for content_type_id, object_id in sources:
        by_type.setdefault(content_type_id, []).append(object_id)
    objects = {}
    for content_type_id, object_ids in by_type.items():
        ids = [int(oid) for oid in object_ids if oid.isdigit()]
        if content_type_id == page_type_id:
            found = Page.objects.filter(pk__in=ids).specific(defer=True)
        else:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None:
                continue
            found = model._default_manager.filter(pk__in=ids)
        for obj in found:
            objects[(content_type_id, str(obj.pk))] = obj
    return objects


def report_unusable_assets():
    """Every unusable asset still in use, with what uses it."""
    found = unusable_assets()
    if not found:
        return []
    uses = find_uses(entry.asset for entry in found)
    for entry in found:
        entry.uses = uses.get(asset_key(entry.asset), [])
    return [entry for entry in found if entry.uses]


def notify_unusable_asset_uses(report):
    """Email HQ the whole report, and each outlet's managers their part."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import override
    from wagtail.admin.mail import send_mail
    from wagtail.users.models import UserProfile

    from ..emails import render_subject, render_text
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
                subject = render_subject(f"{template}_subject.txt", context)
                body = render_text(f"{template}.txt", context)
            send_mail(subject, body.strip(), [user.email])
            sent += 1
    return sent
