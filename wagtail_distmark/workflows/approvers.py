"""Who approves an outlet's content, resolved from the outlet itself.

The outlet's managers approve; when the outlet has no active manager other
than the person who submitted, the managers of the nearest region above it do;
failing those, HQ. One workflow thus serves every outlet, and nobody keeps a
Wagtail group per outlet in the workflow settings by hand.
"""

from django.contrib.auth import get_user_model

from ..conf import distmark_settings
from ..outlets.models import Outlet, Region


def approver_groups(requests):
    """``{(outlet id, submitter id): id of the group that approves}``.

    ``requests`` are ``(outlet id, submitter id or None)`` pairs. A group
    whose only active member is the submitter cannot approve (nobody approves
    their own work), so the next level up does. Three queries whatever the
    number of requests.
    """
    requests = set(requests)
    outlets = {
        pk: (managers_group_id, path)
        for pk, managers_group_id, path in Outlet.objects.filter(
            pk__in={outlet_id for outlet_id, _submitter in requests}
        ).values_list("pk", "managers_group_id", "region__path")
    }
    step = Region.steplen
    prefixes = {
        path[:end]
        for _group, path in outlets.values()
        for end in range(step, len(path) + 1, step)
    }
    region_groups = dict(
        Region.objects.filter(path__in=prefixes).values_list(
            "path", "managers_group_id"
        )
    )
    hq_group_id = hq_group_id_or_none()
    candidates = {group for group, _path in outlets.values() if group}
    candidates |= {group for group in region_groups.values() if group}
    if hq_group_id:
        candidates.add(hq_group_id)
    members = {}
    memberships = (
        get_user_model()
        .groups.through.objects.filter(group_id__in=candidates, user__is_active=True)
        .values_list("group_id", "user_id")
    )
    for group_id, user_id in memberships:
        members.setdefault(group_id, set()).add(user_id)

    resolved = {}
    for outlet_id, submitter_id in requests:
        # HQ's own content (no outlet) is approved by HQ.
        chain = []
        if outlet_id in outlets:
            managers_group_id, path = outlets[outlet_id]
            chain.append(managers_group_id)
            chain += [
                region_groups.get(path[:end]) for end in range(len(path), 0, -step)
            ]
        chain.append(hq_group_id)
        resolved[(outlet_id, submitter_id)] = next(
            (
                group
                for group in chain
                if group and members.get(group, set()) - {submitter_id}
            ),
            None,
        )
    return resolved


def hq_group_id_or_none():
    from django.contrib.auth.models import Group

    return (
        Group.objects.filter(name=distmark_settings.HQ_GROUP_NAME)
        .values_list("pk", flat=True)
        .first()
    )


def approvers_for(outlet, submitter=None):
    """The users who approve ``outlet``'s content (never the submitter)."""
    User = get_user_model()
    request = (outlet.pk if outlet else None, submitter.pk if submitter else None)
    group_id = approver_groups([request])[request]
    if group_id is None:
        return User.objects.none()
    users = User.objects.filter(groups=group_id, is_active=True)
    if submitter is not None:
        users = users.exclude(pk=submitter.pk)
    return users.order_by("pk")
