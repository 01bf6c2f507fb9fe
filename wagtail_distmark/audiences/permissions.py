"""Who may do what with segments.

An outlet's segment is outlet-scoped, like contacts: its outlet's editors and
managers, and the regional managers above it, see, add, change and delete it.
A network segment (no outlet) is HQ's: every local user sees and uses it on
their own outlets' contacts, only HQ changes it.
"""

import rules
from django.db.models import Q

from ..outlets.access import get_network_roles, outlet_access_q, user_is_hq
from ..outlets.permission_policies import OutletScopedPermissionPolicy
from ..outlets.roles import EDITOR, MANAGER, REGION_MANAGER
from ..rules import has_any_outlet_role, is_hq_staff, predicate_for_roles

LOCAL_ROLES = frozenset({EDITOR, MANAGER, REGION_MANAGER})

#: Outlet segments: every local role of the outlet, for every action.
SEGMENT_ACTION_ROLES = {
    "view": LOCAL_ROLES,
    "add": LOCAL_ROLES,
    "change": LOCAL_ROLES,
    "delete": LOCAL_ROLES,
}


@rules.predicate
def is_network_segment(user, segment):
    return segment is not None and getattr(segment, "outlet_id", 0) is None


for _action, _roles in SEGMENT_ACTION_ROLES.items():
    _predicate = predicate_for_roles(_roles)
    if _action == "view":
        # HQ's network segments are for every outlet to use.
        _predicate = _predicate | (is_network_segment & has_any_outlet_role)
    else:
        # Network segments are HQ's to change and delete.
        _predicate = is_hq_staff | (~is_network_segment & _predicate)
    rules.set_perm(f"wagtail_distmark.{_action}_segment", _predicate)


class SegmentPermissionPolicy(OutletScopedPermissionPolicy):
    """The outlet-scoped policy, plus network segments visible to all outlets."""

    def __init__(self, model):
        super().__init__(model, SEGMENT_ACTION_ROLES)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if user_is_hq(user):
            return queryset
        q = outlet_access_q(user, self._roles_for(actions), prefix="outlet__")
        if "view" in actions and get_network_roles(user).any_outlet_ids:
            q |= Q(outlet__isnull=True)
        return queryset.filter(q)


def user_may_change(user, segment):
    return rules.has_perm("wagtail_distmark.change_segment", user, segment)


def user_may_delete(user, segment):
    return rules.has_perm("wagtail_distmark.delete_segment", user, segment)
