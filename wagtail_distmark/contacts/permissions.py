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
