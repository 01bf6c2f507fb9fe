"""Admin hooks for contacts."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from ..outlets.permission_policies import OutletScopedPermissionPolicy
from ..rules import HQ_ONLY
from .imports import wagtail_hooks as imports_hooks  # noqa: F401
from .models import AttributeDefinition, Contact, ContactAccess, Suppression
from .permissions import contact_permission_policy

register_permission_policy(Contact, contact_permission_policy)
# The attribute definitions, the suppression list and the access log are HQ's.
for _model in (AttributeDefinition, Suppression, ContactAccess):
    register_permission_policy(
        _model, OutletScopedPermissionPolicy(_model, HQ_ONLY, outlet_path="")
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
