"""Every access to personal data, logged: who listed, viewed, exported,
changed or erased which contacts."""

from .models import ContactAccess

# A listing page logs the ids it showed; an export logs its filters and count.
MAX_LOGGED_IDS = 200


def log_access(user, action, *, contacts=(), count=None, outlet=None, **detail):
    ids = [c.pk if hasattr(c, "pk") else c for c in contacts]
    return ContactAccess.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "get_username", lambda: "")() if user else "",
        action=action,
        outlet=outlet,
        contact_ids=ids[:MAX_LOGGED_IDS],
        contact_count=len(ids) if count is None else count,
        detail=detail,
    )
