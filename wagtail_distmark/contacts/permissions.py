"""Who may do what with contacts: the role table, as a permission policy and
as the outlets a user may act on."""

from ..conf import distmark_settings
from ..outlets.access import get_network_roles, outlet_access_q, user_is_hq
from ..outlets.models import Outlet
from ..outlets.permission_policies import OutletScopedPermissionPolicy
from ..outlets.roles import CONTACT_ACTION_ROLES
from .models import Contact

contact_permission_policy = OutletScopedPermissionPolicy(Contact, CONTACT_ACTION_ROLES)


def outlets_for_contacts(user, action="view"):
    """Outlets whose contacts ``user`` may ``action`` (view, add, change, delete)."""
    if user_is_hq(user):
        return Outlet.objects.all()
    return Outlet.objects.filter(outlet_access_q(user, CONTACT_ACTION_ROLES[action]))


def export_roles():
    return frozenset(distmark_settings.CONTACT_EXPORT_ROLES or ())


def may_export(user, outlet_id=None):
    """Whether ``user`` may export contacts (of one outlet, or of all they list)."""
    if user_is_hq(user):
        return True
    roles = get_network_roles(user)
    allowed = roles.outlet_ids_for(export_roles())
    if outlet_id is not None:
        return outlet_id in allowed
    # A listing spans every outlet the user reaches: all must allow export.
    return bool(roles.any_outlet_ids) and roles.any_outlet_ids <= allowed


class EvidencePermissionPolicy(OutletScopedPermissionPolicy):
    """HQ's records kept as evidence (the access log, the suppression list):
    the actions in ``refused`` are refused to everybody, HQ and superusers
    included. ``deletable`` (a ``Q``), when given, is the entries HQ may still
    delete."""

    def __init__(self, model, action_roles, refused, deletable=None):
        super().__init__(model, action_roles, outlet_path="")
        self.refused = frozenset(refused)
        self.deletable = deletable

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in self.refused:
            return False
        if action == "delete" and not self._is_deletable(instance):
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def _is_deletable(self, instance):
        if self.deletable is None:
            return True
        # A Q of plain field lookups, checked on the instance without a query.
        return all(
            getattr(instance, field) == value
            for field, value in self.deletable.children
        )

    def instances_user_has_any_permission_for(self, user, actions):
        actions = [a for a in actions if a not in self.refused]
        if not actions:
            return self.model._default_manager.none()
        instances = super().instances_user_has_any_permission_for(user, actions)
        if actions == ["delete"] and self.deletable is not None:
            instances = instances.filter(self.deletable)
        return instances
