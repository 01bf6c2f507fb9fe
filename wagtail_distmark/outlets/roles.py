"""The network roles a user can hold, and which roles may do what.

One table per outlet-scoped model says which local roles may perform each
action; HQ staff may always act. The rules predicates (``wagtail_distmark.rules``)
and the queryset twins (``for_user``) both read these tables, so the admin
menus, listings, choosers and object checks cannot disagree on intent.
"""

from django.utils.translation import gettext_lazy as _

EDITOR = "editor"
MANAGER = "manager"
REGION_MANAGER = "region_manager"

ROLE_LABELS = {
    EDITOR: _("Outlet editor"),
    MANAGER: _("Outlet manager"),
    REGION_MANAGER: _("Regional manager"),
}

#: Outlet profile: editors read it, managers keep it up to date, HQ adds and
#: removes outlets.
OUTLET_ACTION_ROLES = {
    "view": frozenset({EDITOR, MANAGER, REGION_MANAGER}),
    "change": frozenset({MANAGER, REGION_MANAGER}),
    "add": frozenset(),
    "delete": frozenset(),
}

#: Contacts: every local role works with its outlets' customers; erasing one
#: (GDPR) is for managers. Exporting follows the CONTACT_EXPORT_ROLES setting.
CONTACT_ACTION_ROLES = {
    "view": frozenset({EDITOR, MANAGER, REGION_MANAGER}),
    "add": frozenset({EDITOR, MANAGER, REGION_MANAGER}),
    "change": frozenset({EDITOR, MANAGER, REGION_MANAGER}),
    "delete": frozenset({MANAGER, REGION_MANAGER}),
}
