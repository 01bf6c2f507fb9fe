"""Admin hooks for contacts."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from ..outlets.permission_policies import OutletScopedPermissionPolicy
from ..rules import HQ_ONLY
from .imports import wagtail_hooks as imports_hooks  # noqa: F401
from .models import AttributeDefinition, Contact, ContactAccess, Suppression
from .permissions import EvidencePermissionPolicy, contact_permission_policy

register_permission_policy(Contact, contact_permission_policy)
# The attribute definitions, the suppression list and the access log are HQ's.
register_permission_policy(
    AttributeDefinition,
    OutletScopedPermissionPolicy(AttributeDefinition, HQ_ONLY, outlet_path=""),
)
# The access log and the suppression list are evidence: the app writes them,
# nobody rewrites them. HQ may suppress an address by hand, and withdraw only that.
register_permission_policy(
    ContactAccess,
    EvidencePermissionPolicy(
        ContactAccess, HQ_ONLY, refused=("add", "change", "delete")
    ),
)
register_permission_policy(
    Suppression,
    EvidencePermissionPolicy(
        Suppression,
        HQ_ONLY,
        refused=("change",),
        deletable=Q(reason=Suppression.Reason.MANUAL),
    ),
)


@hooks.register("register_admin_viewset")
def register_contact_viewsets():
    from .viewsets import ContactsViewSetGroup

    return ContactsViewSetGroup()


@hooks.register("register_log_actions")
def register_contact_log_actions(actions):
    actions.register_action(
        "wagtail_distmark.contact.erase",
        _("Erase personal data"),
        _("Personal data erased"),
    )


@hooks.register("register_distmark_local_blocks")
def register_subscription_block():
    from .blocks import SubscriptionBlock

    return [("subscription", SubscriptionBlock())]
