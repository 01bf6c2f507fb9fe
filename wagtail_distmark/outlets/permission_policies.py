"""A Wagtail permission policy for outlet-scoped models, backed by the rules.

Every outlet-scoped viewset uses it, so listings, inspect, edit and delete
views, menus and choosers all ask the same question.
"""

import rules
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from .access import HQ_PERMISSION, get_network_roles, outlet_access_q, user_is_hq
from .roles import EDITOR, MANAGER, REGION_MANAGER


class OutletScopedPermissionPolicy(BasePermissionPolicy):
    """Permissions for ``model`` from a role table ``{action: roles}``.

    ``outlet_path`` is the lookup from the model to its outlet: ``""`` for
    ``Outlet`` itself, ``"outlet__"`` for a model with an ``outlet`` foreign key.
    Actions missing from the table are HQ-only.
    """

    def __init__(self, model, action_roles, outlet_path="outlet__"):
        super().__init__(model)
        self.action_roles = action_roles
        self.outlet_path = outlet_path

    def _roles_for(self, actions):
        return frozenset().union(*(self.action_roles.get(a, ()) for a in actions))

    def _perm_name(self, action):
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def user_has_permission(self, user, action):
        # Model-level answer: may the user do this to at least one instance?
        if user_is_hq(user):
            return True
        roles = self.action_roles.get(action)
        return bool(roles and get_network_roles(user).outlet_ids_for(roles))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return rules.has_perm(self._perm_name(action), user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if user_is_hq(user):
            return queryset
        return queryset.filter(
            outlet_access_q(user, self._roles_for(actions), prefix=self.outlet_path)
        )

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def _hq_users_q(self):
        app_label, codename = HQ_PERMISSION.split(".")
        perm = Q(codename=codename, content_type__app_label=app_label)
        return (
            Q(is_superuser=True)
            | Q(**{f"user_permissions__{k}": v for k, v in perm.children})
            | Q(**{f"groups__permissions__{k}": v for k, v in perm.children})
        )

    def users_with_any_permission(self, actions):
        roles = self._roles_for(actions)
        q = self._hq_users_q()
        if EDITOR in roles:
            q |= Q(groups__distmark_outlet_as_editors__isnull=False)
        if MANAGER in roles:
            q |= Q(groups__distmark_outlet_as_managers__isnull=False)
        if REGION_MANAGER in roles:
            q |= Q(groups__distmark_managed_region__isnull=False)
        return get_user_model().objects.filter(is_active=True).filter(q).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        candidates = self.users_with_any_permission(actions)
        return candidates.filter(
            pk__in=[
                user.pk
                for user in candidates
                if self.user_has_any_permission_for_instance(user, actions, instance)
            ]
        )
