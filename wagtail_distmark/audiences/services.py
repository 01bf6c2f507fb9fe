"""A segment's contacts, for a user or an outlet, as one query.

What a segment targets is always:

- within a scope: the segment's outlet (an outlet's segment), narrowed to one
  outlet (``outlet=``) and to the outlets whose contacts a user may see
  (``user=``); a network segment with neither spans the network;
- the contacts matching its rules;
- minus erased contacts and suppressed addresses, which nobody targets.

``segment_contacts()`` returns that as one ``QuerySet``; ``count_segment()``
counts it, with the contacts reachable by email, in one query, and
``count_segments()`` counts a whole listing page in one query too.

A network-wide count (HQ's, of a network segment) reads most of the contact
table; ``network_count()`` keeps it in Django's cache for
``NETWORK_COUNT_SECONDS``, with the time it was counted, so the listing and the
inspect view do not recount it on every page (see docs/audiences.md).
"""

import datetime

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from ..contacts.models import Consent, Contact, Suppression
from ..outlets.access import get_network_roles, user_is_hq
from ..outlets.models import Outlet
from ..outlets.roles import CONTACT_ACTION_ROLES
from .filters import FilterContext, rules_q

REACHABLE_BY_EMAIL = Q(email_consent=Consent.GRANTED)


def targetable_q():
    """Not erased, and the address not on the network's suppression list."""
    suppressed = Suppression.objects.filter(email_hash=OuterRef("email_hash"))
    return Q(erased_at__isnull=True) & ~Q(Exists(suppressed))


def user_scope_q(user):
    """Contacts of the outlets whose contacts ``user`` may view (all for HQ).

    The outlet ids come from the user's role cache (loaded once per request,
    by the permission checks before any count), so the count stays one query
    and the database gets a plain ``IN`` list it can match to the outlet
    indexes; a subquery on the groups left PostgreSQL guessing, and scanning
    every contact (see the segment benchmark).
    """
    if user_is_hq(user):
        return Q()
    roles = get_network_roles(user)
    return Q(outlet_id__in=sorted(roles.outlet_ids_for(CONTACT_ACTION_ROLES["view"])))


def scope_q(segment, *, user=None, outlet=None):
    q = Q()
    if segment.outlet_id is not None:
        q &= Q(outlet_id=segment.outlet_id)
    if outlet is not None:
        q &= Q(outlet_id=outlet.pk if isinstance(outlet, Outlet) else outlet)
    if user is not None:
        q &= user_scope_q(user)
    return q


def segment_q(segment, context=None, **scope):
    """The whole condition: scope, rules, and targetable."""
    context = context or FilterContext()
    where = scope_q(segment, **scope)
    context = context.for_scope(network_wide=not where)
    return where & rules_q(segment.rules, segment.match, context) & targetable_q()


def segment_contacts(segment, *, user=None, outlet=None, context=None):
    """The contacts ``segment`` targets, for ``user`` and/or in ``outlet``."""
    return Contact.objects.filter(segment_q(segment, context, user=user, outlet=outlet))


def count_segment(segment, *, user=None, outlet=None, context=None):
    """``{"contacts": N, "email": M}``: how many contacts the segment targets,
    and how many of them a campaign may email (consent granted). One query."""
    return segment_contacts(
        segment, user=user, outlet=outlet, context=context
    ).aggregate(
        contacts=Count("pk"),
        email=Count("pk", filter=REACHABLE_BY_EMAIL),
    )


def _counts_row(segment, where):
    """One row ``(segment id, contacts, email)`` as a values queryset: the
    counts are plain SQL ``COUNT`` functions, so no ``GROUP BY`` is added."""
    email_id = Case(When(REACHABLE_BY_EMAIL, then=F("pk")))
    return (
        Contact.objects.filter(where)
        .order_by()
        .annotate(
            counted_segment=Value(segment.pk, output_field=IntegerField()),
            counted_contacts=Func(
                F("pk"), function="COUNT", output_field=IntegerField()
            ),
            counted_email=Func(email_id, function="COUNT", output_field=IntegerField()),
        )
        .values_list("counted_segment", "counted_contacts", "counted_email")
    )


def count_segments(segments, *, user=None, context=None):
    """Counts for several segments (a listing page) in one query.

    Each segment is one branch of a ``UNION ALL``, which the database plans on
    its own, with the indexes that fit its rules (conditional aggregates over
    one scan would evaluate every rule, tag subqueries included, on every
    contact in scope). Sets ``contact_count`` and ``email_count`` on each
    segment and returns them.
    """
    segments = list(segments)
    if not segments:
        return segments
    context = context or FilterContext()
    rows = [
        _counts_row(segment, segment_q(segment, context, user=user))
        for segment in segments
    ]
    query = rows[0].union(*rows[1:], all=True) if len(rows) > 1 else rows[0]
    counts = {segment_id: (n, m) for segment_id, n, m in query}
    for segment in segments:
        segment.contact_count, segment.email_count = counts.get(segment.pk, (0, 0))
    return segments


# --------------------------------------------------------------------------
# Network-wide counts, reused for a few minutes


#: How long (seconds) a network-wide count is reused before it is counted
#: again. Saving the segment (a new ``updated_at``) or a new day (rules on
#: "this month") starts a new count at once.
NETWORK_COUNT_SECONDS = 300


def is_network_wide(segment, *, user=None, outlet=None):
    """Whether counting ``segment`` for ``user`` / ``outlet`` spans the whole
    network (no outlet narrows it): HQ counting a network segment."""
    return not scope_q(segment, user=user, outlet=outlet)


def network_count_key(segment, now=None):
    today = timezone.localdate(now or timezone.now())
    updated = segment.updated_at.isoformat() if segment.updated_at else "new"
    return f"distmark:segment-count:{segment.pk}:{updated}:{today.isoformat()}"


def cached_network_counts(segments):
    """``{segment id: counts}`` of the network-wide counts still in the cache,
    each ``{"contacts", "email", "counted_at"}`` (one cache read)."""
    keys = {network_count_key(segment): segment.pk for segment in segments}
    found = cache.get_many(list(keys))
    return {keys[key]: counts for key, counts in found.items()}


def network_count(segment, *, context=None, refresh=False):
    """The network-wide count of ``segment`` with ``counted_at`` (an aware
    datetime): from the cache when counted less than
    ``NETWORK_COUNT_SECONDS`` ago, else counted now (one query) and cached."""
    key = network_count_key(segment)
    counts = None if refresh else cache.get(key)
    if counts is None:
        counts = {
            **count_segment(segment, context=context),
            "counted_at": timezone.now(),
        }
        cache.set(key, counts, NETWORK_COUNT_SECONDS)
    return counts


def counted_ago(counted_at, now=None):
    """Seconds since ``counted_at`` (0 for a count made now)."""
    if counted_at is None:
        return 0
    delta = (now or timezone.now()) - counted_at
    return max(0, int(delta / datetime.timedelta(seconds=1)))
