"""Who may reach which outlet: the per-user role cache and its SQL twin.

``get_network_roles(user)`` answers object checks in Python from one query
cached on the user object for the request. ``outlet_access_q`` answers
the same question inside one SQL query for listings and choosers. They are
written independently on purpose: a property test checks that they agree.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Length, Substr
from django.db.models.lookups import StartsWith

from .roles import EDITOR, MANAGER, REGION_MANAGER

_CACHE_ATTR = "_distmark_network_roles"
HQ_PERMISSION = "wagtail_distmark.network_hq"


@dataclass(frozen=True)
class NetworkRoles:
    is_hq: bool
    editor_of: frozenset
    manager_of: frozenset
    region_manager_of: frozenset

    def outlet_ids_for(self, roles):
        """Ids of the outlets where the user holds any of ``roles``."""
        ids = set()
        if EDITOR in roles:
            ids |= self.editor_of
        if MANAGER in roles:
            ids |= self.manager_of
        if REGION_MANAGER in roles:
            ids |= self.region_manager_of
        return ids

    @property
    def any_outlet_ids(self):
        return self.editor_of | self.manager_of | self.region_manager_of


NO_ROLES = NetworkRoles(False, frozenset(), frozenset(), frozenset())


def user_is_hq(user):
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(HQ_PERMISSION))
    )


def get_network_roles(user):
    """The user's roles across the network, cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached

    from .models import Outlet, Region

    # One query for the three roles, asked on every admin page (menus):
    # each row is an outlet id and the role the user holds there.
    managed_region = Region.objects.filter(
        StartsWith(OuterRef("region__path"), F("path")), managers_group__user=user
    )
    outlets = Outlet.objects.order_by()
    rows = (
        outlets.filter(editors_group__user=user)
        .values_list("pk", Value(EDITOR))
        .union(
            outlets.filter(managers_group__user=user).values_list("pk", Value(MANAGER)),
            outlets.filter(Exists(managed_region)).values_list(
                "pk", Value(REGION_MANAGER)
            ),
            all=True,
        )
    )
    held = {EDITOR: set(), MANAGER: set(), REGION_MANAGER: set()}
    for outlet_id, role in rows:
        held[role].add(outlet_id)
    editor_of = frozenset(held[EDITOR])
    manager_of = frozenset(held[MANAGER])
    region_manager_of = frozenset(held[REGION_MANAGER])
    roles = NetworkRoles(user_is_hq(user), editor_of, manager_of, region_manager_of)
    setattr(user, _CACHE_ATTR, roles)
    return roles


def clear_network_roles(user):
    """Forget the cached roles, after changing the user's groups."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    # Django caches model permissions too; HQ status depends on them.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def outlet_access_q(user, roles, prefix=""):
    """A ``Q`` selecting the outlets (at ``prefix``) where ``user`` holds a role.

    ``roles`` is a set of role names from ``roles.py``. HQ staff are not handled
    here: callers return every row for them before building this filter.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    from .models import Region

    memberships = get_user_model().groups.through.objects.filter(user_id=user.pk)
    q = Q(pk__in=[])
    if EDITOR in roles:
        q |= Exists(memberships.filter(group_id=OuterRef(f"{prefix}editors_group_id")))
    if MANAGER in roles:
        q |= Exists(memberships.filter(group_id=OuterRef(f"{prefix}managers_group_id")))
    if REGION_MANAGER in roles:
        # A region manages every outlet whose region path starts with its own.
        q |= Exists(
            Region.objects.filter(
                managers_group__user=user,
                path=Substr(OuterRef(f"{prefix}region__path"), 1, Length("path")),
            )
        )
    return q
