"""Onboarding: everything an outlet needs to market locally, in one atomic step.

``onboard_outlet()`` (and the ``OnboardOutletAction`` behind it) is the single
way an outlet comes to exist: the admin "add outlet" view, the CSV import
command and the demo all call it. It creates, or none of it is kept:

* the outlet's home page (root of its page tree) and its Wagtail ``Site``;
* its media ``Collection`` under the network's "Outlets" collection;
* its editors and managers groups, with page permissions on its root only and
  collection permissions on its collection only;
* permissions for the managers of every region above it.

A person who joins an outlet's groups later gets the outlet's language and
time zone as their admin defaults (``apply_outlet_user_defaults()``), unless
they chose their own.
"""

from dataclasses import dataclass

import swapper
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Site,
)

from ..conf import distmark_settings
from .access import HQ_PERMISSION
from .models import Outlet, OutletHomePage, Region, RegionPage

Page = swapper.load_model("wagtailcore", "Page")

# Page permissions per local role, on the outlet's home page (and so its subtree).
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MANAGER_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
)
HQ_PAGE_PERMISSIONS = (*MANAGER_PAGE_PERMISSIONS, "bypass_workflow_page")

# Collection permissions per local role, on the outlet's collection.
EDITOR_COLLECTION_PERMISSIONS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
MANAGER_COLLECTION_PERMISSIONS = (
    *EDITOR_COLLECTION_PERMISSIONS,
    "wagtailimages.delete_image",
    "wagtaildocs.delete_document",
)
HQ_COLLECTION_PERMISSIONS = (
    *MANAGER_COLLECTION_PERMISSIONS,
    "wagtailcore.add_collection",
    "wagtailcore.change_collection",
    "wagtailcore.delete_collection",
)
ADMIN_ACCESS = "wagtailadmin.access_admin"
HQ_MODEL_PERMISSIONS = (
    ADMIN_ACCESS,
    HQ_PERMISSION,
    "wagtail_distmark.add_outlet",
    "wagtail_distmark.change_outlet",
    "wagtail_distmark.delete_outlet",
    "wagtail_distmark.view_outlet",
    "wagtail_distmark.add_region",
    "wagtail_distmark.change_region",
    "wagtail_distmark.delete_region",
    "wagtail_distmark.view_region",
    "wagtailcore.add_workflow",
    "wagtailcore.change_workflow",
    "wagtailcore.delete_workflow",
    "wagtailcore.add_task",
    "wagtailcore.change_task",
    "wagtailcore.delete_task",
    "auth.add_user",
    "auth.change_user",
)


def get_permissions(names):
    """``Permission`` objects for dotted names, in one query."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(
            codename__in={codename for _, codename in wanted}
        ).select_related("content_type")
    }
    missing = wanted - found.keys()
    if missing:
        raise LookupError(f"Permissions not installed: {sorted(missing)}")
    return [found[key] for key in sorted(wanted)]


def get_page_permissions(codenames):
    return list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        )
    )


@dataclass
class Network:
    """The network-wide objects every outlet hangs off."""

    root_region: Region  # its page and collection hold the whole network
    hq_group: Group

    @cached_property
    def page_permissions(self):
        """Page permissions by codename, looked up once per network object."""
        return {p.codename: p for p in get_page_permissions(HQ_PAGE_PERMISSIONS)}

    @cached_property
    def collection_permissions(self):
        return {
            f"{p.content_type.app_label}.{p.codename}": p
            for p in get_permissions(MANAGER_COLLECTION_PERMISSIONS)
        }

    @cached_property
    def admin_access(self):
        return get_permissions([ADMIN_ACCESS])


def ensure_network():
    """Create (once) the root region, the HQ group and the Outlets collection."""
    tree_root = Page.get_first_root_node()

    root_region = Region.get_root_nodes().first()
    if root_region is None:
        root_region = Region.add_root(
            name=distmark_settings.ROOT_REGION_NAME, slug="network"
        )

    hq_group, created = Group.objects.get_or_create(
        name=distmark_settings.HQ_GROUP_NAME
    )
    if created:
        hq_group.permissions.add(*get_permissions(HQ_MODEL_PERMISSIONS))
        for permission in get_page_permissions(HQ_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(
                group=hq_group, page=tree_root, permission=permission
            )
        collection_root = Collection.get_first_root_node()
        for permission in get_permissions(HQ_COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=hq_group, collection=collection_root, permission=permission
            )

    if root_region.page_id is None or root_region.collection_id is None:
        collection_root = Collection.get_first_root_node()
        root_region.collection = collection_root.add_child(
            name=distmark_settings.OUTLETS_COLLECTION_NAME
        )
        root_region.page = tree_root.add_child(
            instance=RegionPage(title=str(_("Outlets")), slug="distmark-outlets")
        )
        root_region.save(update_fields=["page", "collection"])

    from ..inheritance.services import ensure_template_library
    from ..media.services import ensure_brand_library
    from ..workflows.services import ensure_local_publishing_workflow

    ensure_template_library()
    ensure_brand_library()
    network = Network(root_region, hq_group)
    ensure_local_publishing_workflow(network)
    return network


class CreateRegionAction(CreateAction):
    """Add a region, with its managers group, below a parent region."""

    def __init__(self, instance, user=None, *, parent=None, **kwargs):
        super().__init__(instance, user=user, **kwargs)
        if parent is None and self.form is not None:
            parent = self.form.cleaned_data.get("parent")
        self.parent = parent

    def _clean_instance(self):
        if self.form is not None:
            return super()._clean_instance()
        # The tree fields are set by treebeard when the node is added.
        self.instance.full_clean(exclude=["path", "depth", "numchild"])

    def _save_instance(self):
        region = self.instance
        parent = self.parent or ensure_network().root_region
        group_name = distmark_settings.REGION_MANAGERS_GROUP_NAME.format(
            name=region.name, slug=region.slug
        )
        if Group.objects.filter(name=group_name).exists():
            raise ValidationError(
                {
                    "slug": _("A group named “%(group)s” already exists.")
                    % {"group": group_name}
                }
            )
        network = ensure_network()
        region.managers_group = Group.objects.create(name=group_name)
        region.managers_group.permissions.add(*network.admin_access)
        region.page = parent.page.add_child(
            instance=RegionPage(title=region.name, slug=f"region-{region.slug}")
        )
        region.collection = parent.collection.add_child(name=region.name)
        self.instance = region = parent.add_child(instance=region)
        # One grant on the region's page and collection reaches every outlet
        # below it, however many there are.
        _sync_grants(
            GroupPagePermission,
            "page_id",
            region.page_id,
            _grant_pairs(region.managers_group_id, network, MANAGER_ROLE),
        )
        _sync_grants(
            GroupCollectionPermission,
            "collection_id",
            region.collection_id,
            _grant_pairs(
                region.managers_group_id, network, MANAGER_ROLE, collections=True
            ),
        )
        from ..media.services import grant_brand_library_choice

        grant_brand_library_choice([region.managers_group_id])

    def execute(self, skip_permission_checks=False):
        with transaction.atomic():
            return super().execute(skip_permission_checks=skip_permission_checks)


class DeleteRegionAction(DeleteAction):
    """Delete an empty region and its managers group."""

    def check(self, skip_permission_checks=False):
        super().check(skip_permission_checks=skip_permission_checks)
        region = self.instance
        if region.is_root():
            raise ValidationError(_("The network's root region cannot be deleted."))
        if Outlet.objects.filter(region__path__startswith=region.path).exists():
            raise ValidationError(
                _("%(region)s still has outlets; move them to another region first.")
                % {"region": region.name}
            )
        if region.collection_id:
            from wagtail.documents import get_document_model
            from wagtail.images import get_image_model

            collections = region.collection.get_descendants(inclusive=True)
            if (
                get_image_model().objects.filter(collection__in=collections).exists()
                or get_document_model()
                .objects.filter(collection__in=collections)
                .exists()
            ):
                raise ValidationError(
                    _("%(region)s's collection still holds media; move it first.")
                    % {"region": region.name}
                )

    def _delete(self):
        with transaction.atomic():
            # Sub-regions go with it (it is a tree): so do their nodes.
            regions = list(Region.objects.filter(path__startswith=self.instance.path))
            result = super()._delete()
            for region in regions:
                if region.managers_group_id:
                    Group.objects.filter(pk=region.managers_group_id).delete()
            top = regions[0] if regions else None
            if top is not None and top.page_id:
                Page.objects.filter(pk=top.page_id).first().delete()
            if top is not None and top.collection_id:
                Collection.objects.get(pk=top.collection_id).delete()
        return result


def create_region(*, name, slug, parent=None, user=None):
    """Add a region (with its managers group) below ``parent`` or the root."""
    region = Region(name=name, slug=slug)
    return CreateRegionAction(region, user=user, parent=parent).execute()


EDITOR_ROLE = (EDITOR_PAGE_PERMISSIONS, EDITOR_COLLECTION_PERMISSIONS)
MANAGER_ROLE = (MANAGER_PAGE_PERMISSIONS, MANAGER_COLLECTION_PERMISSIONS)


def _grant_pairs(group_id, network, role, collections=False):
    """(group id, permission id) pairs a role grants on a page or collection."""
    page_codenames, collection_names = role
    if collections:
        perms = network.collection_permissions
        return {(group_id, perms[name].pk) for name in collection_names}
    perms = network.page_permissions
    return {(group_id, perms[codename].pk) for codename in page_codenames}


def sync_outlet_permissions(outlet, network=None):
    """Give the outlet's own groups their permissions on its home page and
    collection, and nothing else there. Regional managers need no grant here:
    theirs sit on the region's page and collection above."""
    network = network or ensure_network()
    wanted_pages, wanted_collections = set(), set()
    for group_id, role in (
        (outlet.editors_group_id, EDITOR_ROLE),
        (outlet.managers_group_id, MANAGER_ROLE),
    ):
        if group_id is not None:
            wanted_pages |= _grant_pairs(group_id, network, role)
            wanted_collections |= _grant_pairs(
                group_id, network, role, collections=True
            )
    if outlet.home_page_id:
        _sync_grants(GroupPagePermission, "page_id", outlet.home_page_id, wanted_pages)
    if outlet.collection_id:
        _sync_grants(
            GroupCollectionPermission,
            "collection_id",
            outlet.collection_id,
            wanted_collections,
        )
    from ..media.services import grant_brand_library_choice

    grant_brand_library_choice(
        [g for g in (outlet.editors_group_id, outlet.managers_group_id) if g]
    )


def _sync_grants(model, target_field, target_id, wanted):
    """Bring the (group, permission) rows on one page or collection to ``wanted``."""
    existing = model.objects.filter(**{target_field: target_id})
    have = set(existing.values_list("group_id", "permission_id"))
    stale = have - wanted
    for group_id, permission_id in stale:
        existing.filter(group_id=group_id, permission_id=permission_id).delete()
    model.objects.bulk_create(
        [
            model(
                group_id=group_id,
                permission_id=permission_id,
                **{target_field: target_id},
            )
            for group_id, permission_id in wanted - have
        ]
    )


def append_child_collection(parent, name):
    """Add a collection as ``parent``'s last child, in a constant number of queries.

    Wagtail keeps sibling collections sorted by name, and django-treebeard
    makes room for a new one by rewriting every later sibling, one UPDATE
    each: with hundreds of outlets per region, onboarding slowed down as the
    region filled up. Outlet collections are therefore listed in the order
    they were created (decision record 17); our own outlet listings sort by
    name. Later sorted inserts by Wagtail still work on the unsorted siblings.
    """
    # Lock the parent so two concurrent onboardings cannot take the same path.
    parent = Collection.objects.select_for_update().get(pk=parent.pk)
    last = parent.get_last_child()
    depth = parent.depth + 1
    if last is not None:
        path = last._inc_path()
    else:
        path = Collection._get_path(parent.path, depth, 1)
    Collection.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    return Collection.objects.create(path=path, depth=depth, numchild=0, name=name)


def group_names_for(slug, name=""):
    return (
        distmark_settings.OUTLET_EDITORS_GROUP_NAME.format(name=name, slug=slug),
        distmark_settings.OUTLET_MANAGERS_GROUP_NAME.format(name=name, slug=slug),
    )


def default_hostname(slug):
    return distmark_settings.DEFAULT_HOSTNAME_PATTERN.format(slug=slug)


def validate_outlet_identity(*, slug, hostname, name="", outlet=None):
    """Check what the database cannot check alone, with errors per field.

    ``outlet`` is the existing outlet when updating, so that it does not
    collide with itself.
    """
    errors = {}
    existing_pk = outlet.pk if outlet is not None else None
    if Outlet.objects.filter(slug=slug).exclude(pk=existing_pk).exists():
        errors["slug"] = _("An outlet with the slug “%(slug)s” already exists.") % {
            "slug": slug
        }
    # One hostname, one outlet, whatever the port: Wagtail would otherwise route
    # a request without a matching port to either of them.
    sites = Site.objects.filter(hostname=hostname)
    if outlet is not None and outlet.site_id:
        sites = sites.exclude(pk=outlet.site_id)
    if sites.exists():
        errors["hostname"] = _(
            "The hostname “%(hostname)s” is already used by another site."
        ) % {"hostname": hostname}
    if existing_pk is None and "slug" not in errors:
        taken = Group.objects.filter(name__in=group_names_for(slug, name)).first()
        if taken is not None:
            errors["slug"] = _(
                "A group named “%(group)s” already exists; choose another slug."
            ) % {"group": taken.name}
    if errors:
        raise ValidationError(errors)


class OnboardOutletAction(CreateAction):
    """Create an outlet with its site, page tree, collection and groups."""

    def __init__(
        self, instance, user=None, *, hostname=None, port=None, network=None, **kwargs
    ):
        super().__init__(instance, user=user, **kwargs)
        if hostname is None and self.form is not None:
            hostname = self.form.cleaned_data.get("hostname")
        self.hostname = (hostname or default_hostname(instance.slug)).lower()
        self.port = port or distmark_settings.SITE_PORT
        self.network = network

    def _save_instance(self):
        outlet = self.instance
        if self.form is None:
            # A bound OutletForm ran this check already; unique constraints
            # on slug, site and group names still stop a concurrent duplicate.
            validate_outlet_identity(
                slug=outlet.slug, name=outlet.name, hostname=self.hostname
            )
        network = self.network or ensure_network()

        # Created live, without a revision: there is no draft to review yet, and
        # a revision and publish would double the cost of onboarding.
        home = OutletHomePage(title=outlet.name, slug=outlet.slug, owner=self.user)
        region = outlet.region
        region.page.add_child(instance=home)
        outlet.home_page = home
        outlet.site = Site.objects.create(
            hostname=self.hostname,
            port=self.port,
            root_page=home,
            site_name=outlet.name,
        )
        outlet.collection = append_child_collection(region.collection, outlet.name)
        editors_name, managers_name = group_names_for(outlet.slug, outlet.name)
        admin_access = network.admin_access
        outlet.editors_group = Group.objects.create(name=editors_name)
        outlet.managers_group = Group.objects.create(name=managers_name)
        outlet.editors_group.permissions.add(*admin_access)
        outlet.managers_group.permissions.add(*admin_access)

        if self.form is not None:
            self.instance = outlet = self.form.save()
        else:
            outlet.save()
        sync_outlet_permissions(outlet, network)

    def execute(self, skip_permission_checks=False):
        with transaction.atomic():
            return super().execute(skip_permission_checks=skip_permission_checks)


class UpdateOutletAction(EditAction):
    """Save an outlet's profile and keep its site, groups and grants in step."""

    def __init__(self, instance, user=None, *, hostname=None, **kwargs):
        super().__init__(instance, user=user, **kwargs)
        if hostname is None and self.form is not None:
            hostname = self.form.cleaned_data.get("hostname")
        self.hostname = hostname.lower() if hostname else None

    def _save_instance(self):
        outlet = self.instance
        site = outlet.site
        if site is not None:
            hostname = self.hostname or site.hostname
            validate_outlet_identity(slug=outlet.slug, hostname=hostname, outlet=outlet)
            if (site.hostname, site.site_name) != (hostname, outlet.name):
                site.hostname = hostname
                site.site_name = outlet.name
                site.save()
        region_changed = (
            outlet.pk
            and Outlet.objects.filter(pk=outlet.pk)
            .exclude(region_id=outlet.region_id)
            .exists()
        )
        super()._save_instance()
        if region_changed:
            # Its page tree and collection follow it into the new region, and
            # with them the new regional managers' reach.
            region = self.instance.region
            if self.instance.home_page_id and region.page_id:
                Page.objects.get(pk=self.instance.home_page_id).move(
                    region.page, pos="last-child"
                )
            if self.instance.collection_id and region.collection_id:
                Collection.objects.get(pk=self.instance.collection_id).move(
                    region.collection, pos="sorted-child"
                )

    def execute(self, skip_permission_checks=False):
        with transaction.atomic():
            return super().execute(skip_permission_checks=skip_permission_checks)


class OffboardOutletAction(DeleteAction):
    """Remove an outlet with its site, groups and page tree.

    Refused while its collection still holds media (those files may be used in
    sent campaigns) or it still has contacts (personal data): somebody has to
    move, export or erase them knowingly first.
    """

    def check(self, skip_permission_checks=False):
        super().check(skip_permission_checks=skip_permission_checks)
        from ..contacts.models import Contact

        contacts = Contact.objects.filter(outlet=self.instance).count()
        if contacts:
            raise ValidationError(
                _(
                    "%(outlet)s still has %(count)d contacts; export and erase "
                    "them, or move them to another outlet, first."
                )
                % {"outlet": self.instance.name, "count": contacts}
            )
        collection = self.instance.collection
        if collection is not None:
            from wagtail.documents import get_document_model
            from wagtail.images import get_image_model

            count = (
                get_image_model().objects.filter(collection=collection).count()
                + get_document_model().objects.filter(collection=collection).count()
            )
            if count:
                raise ValidationError(
                    _(
                        "%(outlet)s's collection still holds %(count)d media "
                        "files; move or delete them first."
                    )
                    % {"outlet": self.instance.name, "count": count}
                )

    def _delete(self):
        outlet = self.instance
        with transaction.atomic():
            site, home, collection = outlet.site, outlet.home_page, outlet.collection
            groups = [g for g in (outlet.editors_group, outlet.managers_group) if g]
            result = super()._delete()
            if site is not None:
                site.delete()
            if home is not None:
                home.delete()
            if collection is not None:
                collection.delete()
            for group in groups:
                group.delete()
        return result


def outlet_user_defaults(user):
    """(language, time zone) of the outlets whose groups ``user`` is in, or
    ``(None, None)`` when they have none or several that disagree."""
    group_ids = list(user.groups.values_list("pk", flat=True))
    spoken = set(
        Outlet.objects.filter(
            Q(editors_group_id__in=group_ids) | Q(managers_group_id__in=group_ids)
        ).values_list("locale", "timezone")
    )
    if len(spoken) != 1:
        return None, None
    return spoken.pop()


def apply_outlet_user_defaults(user):
    """Give an outlet's new user the outlet's language and time zone in the
    admin, so a French store's editor gets a French admin with French dates.

    Only fills what the user has not chosen themselves (Wagtail's account
    settings), so calling it again never overrides a choice.
    """
    from wagtail.users.models import UserProfile

    language, time_zone = outlet_user_defaults(user)
    if language is None:
        return None
    profile = UserProfile.get_for_user(user)
    changed = []
    if not profile.preferred_language:
        profile.preferred_language = language
        changed.append("preferred_language")
    if not profile.current_time_zone:
        profile.current_time_zone = time_zone
        changed.append("current_time_zone")
    if changed:
        profile.save(update_fields=changed)
    return profile


def onboard_outlet(
    *, user=None, hostname=None, port=None, opening_hours=(), network=None, **fields
):
    """Validate and onboard one outlet; returns the saved ``Outlet``.

    ``fields`` are ``Outlet`` model fields (``region`` may be a ``Region`` or a
    region slug). Pass ``network=ensure_network()`` when onboarding many. Raises ``ValidationError`` with per-field messages, in which
    case nothing was created.
    """
    region = fields.get("region")
    if isinstance(region, str):
        try:
            fields["region"] = Region.objects.get(slug=region)
        except Region.DoesNotExist:
            raise ValidationError(
                {"region": _("Unknown region “%(slug)s”.") % {"slug": region}}
            ) from None
    outlet = Outlet(**fields)
    outlet.full_clean(validate_unique=False)
    for span in opening_hours:
        outlet.opening_hours.add(span)
    OnboardOutletAction(
        outlet, user=user, hostname=hostname, port=port, network=network
    ).execute()
    return outlet
