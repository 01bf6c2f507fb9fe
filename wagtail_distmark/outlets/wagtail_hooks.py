from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import import_views
from .models import Outlet, Region
from .onboarding import (
    CreateRegionAction,
    DeleteRegionAction,
    OffboardOutletAction,
    OnboardOutletAction,
    UpdateOutletAction,
    apply_outlet_user_defaults,
)
from .permission_policies import OutletScopedPermissionPolicy
from .roles import OUTLET_ACTION_ROLES
from .viewsets import NetworkViewSetGroup, OutletHomePageViewSet

# Registered at import, before any view asks for a fallback policy.
register_permission_policy(
    Outlet, OutletScopedPermissionPolicy(Outlet, OUTLET_ACTION_ROLES, outlet_path="")
)


@hooks.register("register_actions")
def register_outlet_actions(registry):
    registry.register(Outlet, OnboardOutletAction)
    registry.register(Outlet, UpdateOutletAction)
    registry.register(Outlet, OffboardOutletAction)
    registry.register(Region, CreateRegionAction)
    registry.register(Region, DeleteRegionAction)


@hooks.register("register_admin_viewset")
def register_network_viewsets():
    return NetworkViewSetGroup()


@hooks.register("register_admin_viewset")
def register_outlet_home_page_viewset():
    return OutletHomePageViewSet("outlet_home_pages")


@hooks.register("register_admin_urls")
def register_outlet_import_urls():
    return import_views.admin_urls()


@hooks.register("after_create_user")
def give_new_outlet_users_their_outlets_language(request, user):
    # A user HQ creates straight into an outlet's group works in the
    # outlet's language and time zone until they choose otherwise.
    apply_outlet_user_defaults(user)
