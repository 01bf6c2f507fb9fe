"""Permission predicates (django-rules) for everything outlet-scoped.

Predicates take ``(user, obj)`` where ``obj`` is an ``Outlet`` or any object
with an ``outlet_id``. Object permissions are named like Django's model
permissions (``wagtail_distmark.change_outlet``) and are checked with
``rules.has_perm`` or ``user.has_perm`` when rules' backend is installed.
"""

import rules

from .outlets.access import get_network_roles, user_is_hq
from .outlets.roles import (
    CONTACT_ACTION_ROLES,
    EDITOR,
    MANAGER,
    OUTLET_ACTION_ROLES,
    REGION_MANAGER,
)


def outlet_id_of(obj):
    """The outlet an object belongs to: itself for an outlet."""
    from .outlets.models import Outlet

    if isinstance(obj, Outlet):
        return obj.pk
    return getattr(obj, "outlet_id", None)


@rules.predicate
def is_hq_staff(user):
    return user_is_hq(user)


@rules.predicate
def is_outlet_editor(user, obj):
    return outlet_id_of(obj) in get_network_roles(user).editor_of


@rules.predicate
def is_outlet_manager(user, obj):
    return outlet_id_of(obj) in get_network_roles(user).manager_of


@rules.predicate
def is_region_manager(user, obj):
    return outlet_id_of(obj) in get_network_roles(user).region_manager_of


@rules.predicate
def has_any_outlet_role(user):
    return bool(get_network_roles(user).any_outlet_ids)


ROLE_PREDICATES = {
    EDITOR: is_outlet_editor,
    MANAGER: is_outlet_manager,
    REGION_MANAGER: is_region_manager,
}


def predicate_for_roles(roles):
    """HQ staff, or a holder of any of ``roles`` on the object's outlet."""
    predicate = is_hq_staff
    for role in sorted(roles):
        predicate = predicate | ROLE_PREDICATES[role]
    return predicate


def add_outlet_scoped_perms(app_label, model_name, action_roles):
    """Declare ``<app>.<action>_<model>`` object permissions from a role table."""
    for action, roles in action_roles.items():
        name = f"{app_label}.{action}_{model_name}"
        rules.set_perm(name, predicate_for_roles(roles))


add_outlet_scoped_perms("wagtail_distmark", "outlet", OUTLET_ACTION_ROLES)

#: Usage rights of brand assets: HQ only.
HQ_ONLY = {action: frozenset() for action in ("view", "add", "change", "delete")}
for _model_name in (
    "imagerights",
    "documentrights",
    "attributedefinition",
    "suppression",
    "contactaccess",
):
    add_outlet_scoped_perms("wagtail_distmark", _model_name, HQ_ONLY)

#: The brand kit (a Wagtail setting): HQ edits it; local roles only read it.
rules.set_perm("wagtail_distmark.change_brandkit", is_hq_staff)

#: Contacts: per outlet, from the role table (HQ always).
add_outlet_scoped_perms("wagtail_distmark", "contact", CONTACT_ACTION_ROLES)


@rules.predicate
def is_erased_contact(user, contact=None):
    return getattr(contact, "erased_at", None) is not None


#: An erased contact is a tombstone: nobody edits or erases it again (its
#: edit links disappear with the permission).
for _action in ("change", "delete"):
    rules.set_perm(
        f"wagtail_distmark.{_action}_contact",
        predicate_for_roles(CONTACT_ACTION_ROLES[_action]) & ~is_erased_contact,
    )
