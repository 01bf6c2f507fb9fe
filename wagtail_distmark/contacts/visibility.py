"""Which contact fields each role sees: the one declaration.

Every surface that shows contact data (the admin listing, inspect view, forms,
search, exports, segment filters and any API) asks these functions, so a field
HQ keeps to itself is absent for local users, not hidden by CSS.

A field's level says who sees it besides HQ, who sees everything:

- ``everyone``: every role with access to the outlet's contacts (editors too);
- ``managers``: outlet and regional managers;
- ``hq``: HQ only.

Projects change levels with the ``CONTACT_FIELD_VISIBILITY`` setting (merged
over the defaults below); custom attributes carry their own level.
"""

from ..conf import distmark_settings
from ..outlets.access import get_network_roles, user_is_hq
from .models import AttributeDefinition, Visibility

EVERYONE = Visibility.EVERYONE.value
MANAGERS = Visibility.MANAGERS.value
HQ = Visibility.HQ.value

#: Contact fields in the order screens and exports show them, with who sees them.
DEFAULT_FIELD_VISIBILITY = {
    "email": EVERYONE,
    "first_name": EVERYONE,
    "last_name": EVERYONE,
    "gender": EVERYONE,
    "birthday": EVERYONE,
    "locale": EVERYONE,
    "tags": EVERYONE,
    "email_consent": EVERYONE,
    "sms_consent": EVERYONE,
    "outlet": EVERYONE,
    "created_at": EVERYONE,
    "updated_at": EVERYONE,
    "email_consent_at": MANAGERS,
    "email_consent_source": MANAGERS,
    "sms_consent_at": MANAGERS,
    "sms_consent_source": MANAGERS,
    "last_engaged_at": MANAGERS,
    "phone": HQ,
}

# The levels a role reaches, widest last.
_LEVELS = {
    HQ: (HQ, MANAGERS, EVERYONE),
    MANAGERS: (MANAGERS, EVERYONE),
    EVERYONE: (EVERYONE,),
}


def field_visibility():
    """The declaration in force: defaults, with the setting's changes."""
    declared = dict(DEFAULT_FIELD_VISIBILITY)
    declared.update(distmark_settings.CONTACT_FIELD_VISIBILITY or {})
    return declared


def user_level(user, outlet_id=None):
    """The widest level ``user`` reaches: for one outlet, or (``outlet_id``
    None) across every outlet they reach, where the narrowest role wins, so a
    manager of one outlet and editor of another sees editor's fields in a
    listing of both. None: no access to contacts at all."""
    if user_is_hq(user):
        return HQ
    roles = get_network_roles(user)
    managed = roles.manager_of | roles.region_manager_of
    if outlet_id is not None:
        if outlet_id in managed:
            return MANAGERS
        return EVERYONE if outlet_id in roles.editor_of else None
    if not roles.any_outlet_ids:
        return None
    return MANAGERS if roles.editor_of <= managed else EVERYONE


def visible_fields(user, outlet_id=None):
    """Contact field names ``user`` may see, in display order."""
    level = user_level(user, outlet_id)
    if level is None:
        return []
    allowed = _LEVELS[level]
    return [name for name, seen_by in field_visibility().items() if seen_by in allowed]


def visible_attributes(user, outlet_id=None):
    """The custom attribute definitions ``user`` may see."""
    level = user_level(user, outlet_id)
    if level is None:
        return []
    return list(AttributeDefinition.objects.filter(visibility__in=_LEVELS[level]))


def can_see(user, field_name, outlet_id=None):
    return field_name in visible_fields(user, outlet_id)
