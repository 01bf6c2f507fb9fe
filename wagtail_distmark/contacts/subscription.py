"""Public subscription with double opt-in.

A visitor posts the form of a subscription block on an outlet's page: the
address becomes a contact of that outlet (the outlet is found from the page,
never from the form), with email consent pending, and receives a signed link.
Opening the link changes nothing (mail scanners and link previewers open
links too): it shows a page whose button, pressed by the person, grants
consent, for that request only: the link names the moment the request was
made, so a withdrawal or a newer request voids it.

Emails and pages speak the outlet's language, not the visitor's browser's.

Only a live page that shows a subscription block accepts subscriptions.
Robots are turned away by a honeypot field and rate limits kept in a cache
every process shares: per client address and outlet, and per email address.
Addresses on the suppression list are never written to, and the visitor is
not told (nothing leaks).
"""

import ipaddress

from django import forms
from django.core import signing
from django.core.cache import caches
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import ListBlock, StreamBlock, StructBlock
from wagtail.fields import StreamField
from wagtail.models import Page, Site

from ..conf import distmark_settings
from ..emails import render_text
from ..inheritance.merge import HIDDEN, Merge
from ..outlets.models import Outlet
from ..workflows.objects import outlet_for
from .blocks import SubscriptionBlock
from .models import Consent, Contact, Suppression, email_hash, normalise_email

SIGNING_SALT = "wagtail_distmark.subscription"
#: Confirmation emails one address may be sent per hour, network-wide.
EMAIL_RATE_LIMIT = 3
RATE_PERIOD = 3600

# What a confirmation link stands for, and what pressing its button did.
PENDING = "pending"  # valid: the request waits for the person's confirmation
CONFIRMED = "confirmed"
ALREADY_CONFIRMED = "already_confirmed"
WITHDRAWN = "withdrawn"  # consent withdrawn (or cleared) after the link was sent
SUPERSEDED = "superseded"  # a newer request sent a newer link
INVALID = "invalid"  # tampered, expired, or its contact gone


class SubscriptionForm(forms.Form):
    page = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(max_length=254, label=_("Email address"))
    first_name = forms.CharField(max_length=100, required=False)
    website = forms.CharField(required=False)  # the honeypot

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class RateLimited(Exception):
    pass


class NoSubscriptionForm(ValueError):
    pass


# Where the forms are.


def shows_subscription_form(page):
    """Whether ``page`` (specific, live row) shows a subscription block.

    Read from the stored block data, not by rendering: the page's own
    StreamFields, and for an outlet page built on an HQ template what the
    merge shows (HQ's blocks, the local zone with the outlet's blocks or
    HQ's default ones, hidden blocks left out). A few queries, whatever the
    page holds.
    """
    merge = getattr(page, "merge", None)
    if isinstance(merge, Merge) and any(
        _holds_form(merged.block, merged.raw)
        for merged in merge.blocks
        if merged.state != HIDDEN
    ):
        return True
    return any(
        _holds_form(field.stream_block, getattr(page, field.name).raw_data)
        for field in page._meta.concrete_fields
        if isinstance(field, StreamField)
    )


def _holds_form(block, raw):
    if isinstance(block, SubscriptionBlock):
        return True
    if isinstance(block, StreamBlock):
        return any(
            _holds_form(block.child_blocks[child["type"]], child.get("value"))
            for child in raw or ()
            if isinstance(child, dict) and child.get("type") in block.child_blocks
        )
    if isinstance(block, StructBlock):
        return isinstance(raw, dict) and any(
            _holds_form(child, raw.get(name))
            for name, child in block.child_blocks.items()
        )
    if isinstance(block, ListBlock):
        return any(
            _holds_form(
                block.child_block,
                # Items stored as {"type": "item", "value": …, "id": …}, or bare.
                item["value"]
                if isinstance(item, dict) and item.get("type") == "item"
                else item,
            )
            for item in raw or ()
        )
    return False


# Rate limits.


def client_address(request):
    """The visitor's address, as the rate limit counts it.

    ``REMOTE_ADDR`` unless ``SUBSCRIPTION_CLIENT_IP_HEADER`` names the header
    your proxies append the client's address to: then the entry
    ``SUBSCRIPTION_TRUSTED_PROXY_COUNT`` places from the right, the one your
    outermost proxy wrote (entries left of it come from the client and may be
    forged). A header with fewer entries did not pass through all your
    proxies: ``REMOTE_ADDR`` counts. IPv6 addresses count by /64 network,
    the block one client usually holds.
    """
    header = distmark_settings.SUBSCRIPTION_CLIENT_IP_HEADER
    if header:
        entries = [e.strip() for e in request.META.get(header, "").split(",")]
        entries = [e for e in entries if e]
        proxies = max(1, int(distmark_settings.SUBSCRIPTION_TRUSTED_PROXY_COUNT))
        if len(entries) >= proxies:
            address = _bucket(entries[-proxies])
            if address:
                return address
    remote = request.META.get("REMOTE_ADDR", "")
    return _bucket(remote) or remote


def _bucket(value):
    """``value`` as an address (a port dropped), an IPv6 one as its /64; or ''."""
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def rate_limit_cache():
    return caches[distmark_settings.SUBSCRIPTION_CACHE_ALIAS]


def _hit(cache, key, limit):
    """Count one attempt for ``key``; True while within ``limit`` per period."""
    cache.add(key, 0, RATE_PERIOD)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_PERIOD)
        count = 1
    return count <= limit


def check_rate(outlet, client, email):
    """Refuse a client flooding one outlet's forms (other outlets' stay open
    to it) and an address mailed too often (by anyone, from any outlet)."""
    cache = rate_limit_cache()
    limit = distmark_settings.SUBSCRIPTION_RATE_LIMIT
    if not _hit(
        cache, f"distmark:subscribe:client:{outlet.pk}:{client}", limit
    ) or not _hit(
        cache, f"distmark:subscribe:email:{email_hash(email)}", EMAIL_RATE_LIMIT
    ):
        raise RateLimited


# Subscribing and confirming.


def outlet_language(outlet):
    """The language ``outlet``'s visitors read: its profile's, or the active one."""
    return (outlet.locale if outlet else None) or translation.get_language()


def outlet_of_site(request):
    """The outlet whose site the request reached, or None (another site)."""
    site = Site.find_for_request(request)
    return Outlet.objects.filter(site=site).first() if site else None


def page_of_site(page_id, site, *, live=True):
    """Page ``page_id`` (live ones only by default) if ``site`` is its own
    site, else None. Its own site is the one Wagtail gives it: the site with
    the deepest root above it (an outlet's, not an HQ site rooted higher)."""
    pages = Page.objects.live() if live else Page.objects.all()
    page = pages.filter(pk=page_id).first() if page_id else None
    owner = page.get_site() if page is not None else None
    if owner is None or site is None or owner.pk != site.pk:
        return None
    return page


def confirmation_token(contact, page):
    """A signed link for this very request: the contact, when it asked, and
    the page whose form it used (to offer that form again)."""
    return signing.dumps(
        {
            "c": contact.pk,
            "h": contact.email_hash,
            "p": contact.email_consent_at.isoformat(),
            "g": page.pk,
        },
        salt=SIGNING_SALT,
    )


def confirmation_url(outlet, page, token):
    """The link on the outlet's own site (its configured hostname and port),
    never the Host header a request claimed."""
    site = outlet.site or page.get_site()
    path = reverse("distmark_subscribe_confirm", args=[token])
    return f"{site.root_url}{path}" if site else path


def send_confirmation(contact, outlet, confirm_url):
    """Email ``contact`` the link, in the outlet's language."""
    with translation.override(outlet_language(outlet)):
        subject = _("Confirm your subscription to %(outlet)s") % {"outlet": outlet.name}
        body = render_text(
            "wagtail_distmark/contacts/subscription/confirm_email.txt",
            {"outlet": outlet, "confirm_url": confirm_url},
        )
    send_mail(str(subject), body, None, [contact.email])


class Subscription:
    """Subscribing through one page's form."""

    def __init__(self, page):
        self.page = page

    @cached_property
    def outlet(self):
        """The page's outlet, or None when the page shows no subscription form
        or belongs to no outlet."""
        if not shows_subscription_form(self.page):
            return None
        return outlet_for(self.page)

    @transaction.atomic
    def subscribe(self, email, first_name=""):
        """Record a subscription request and send its link; return the
        contact, or None when the address is suppressed (nothing written,
        nothing sent)."""
        outlet, page = self.outlet, self.page
        if outlet is None:
            raise NoSubscriptionForm("The page shows no subscription form.")
        if Suppression.is_suppressed(email):
            return None
        contact, created = Contact.objects.select_for_update().get_or_create(
            outlet=outlet, email=email, defaults={"first_name": first_name}
        )
        if contact.email_consent == Consent.GRANTED:
            return contact  # already subscribed: nothing to confirm
        contact.email_consent = Consent.PENDING
        contact.email_consent_at = timezone.now()
        contact.email_consent_source = f"subscription form: {page.url or page.pk}"[:255]
        if first_name and not contact.first_name:
            contact.first_name = first_name
        contact.save()
        confirm_url = confirmation_url(outlet, page, confirmation_token(contact, page))
        transaction.on_commit(lambda: send_confirmation(contact, outlet, confirm_url))
        return contact


class ConfirmationLink:
    """What a confirmation link stands for.

    ``outcome`` is PENDING for a link that may still confirm its request, or
    why it may not; ``contact`` is None for an INVALID link; ``page_id`` is
    the page whose form sent it, when the link's signature is sound (links
    sent before it was recorded do not name one).
    """

    def __init__(self, outcome, contact=None, page_id=None):
        self.outcome = outcome
        self.contact = contact
        self.page_id = page_id


def read_link(token, *, lock=False):
    """The request ``token`` was sent for and its state; writes nothing
    (``lock`` holds the contact's row until the transaction ends)."""
    max_age = distmark_settings.SUBSCRIPTION_CONFIRM_DAYS * 86400
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)
    except signing.SignatureExpired:
        # Sound but too old: it still names the page to subscribe again on.
        data = signing.loads(token, salt=SIGNING_SALT)
        return ConfirmationLink(INVALID, page_id=_page_id(data))
    except signing.BadSignature:
        return ConfirmationLink(INVALID)
    page_id = _page_id(data)
    contacts = Contact.objects.select_related("outlet")
    if lock:
        contacts = contacts.select_for_update(of=("self",))
    contact = contacts.filter(
        pk=data.get("c"), email_hash=data.get("h"), erased_at__isnull=True
    ).first()
    requested_at = parse_datetime(data.get("p") or "")
    if (
        contact is None
        or requested_at is None
        or Suppression.is_suppressed(contact.email)
    ):
        return ConfirmationLink(INVALID, page_id=page_id)
    if contact.email_consent == Consent.GRANTED:
        return ConfirmationLink(ALREADY_CONFIRMED, contact, page_id)
    if contact.email_consent != Consent.PENDING:
        return ConfirmationLink(WITHDRAWN, contact, page_id)
    if contact.email_consent_at != requested_at:
        return ConfirmationLink(SUPERSEDED, contact, page_id)
    return ConfirmationLink(PENDING, contact, page_id)


def answered_on(link, site):
    """Whether ``link`` may be answered on ``site`` (the site the request
    reached): only its outlet's own site, so that one outlet's link never
    shows, let alone confirms, on another's.

    The outlet's site is the contact's outlet's; for a link naming no
    contact (expired), the site holding the page whose form sent it. A link
    naming neither (its signature broken, or its page deleted) tells nothing
    of any outlet: every site answers it, as invalid.
    """
    if link.contact is not None and link.contact.outlet.site_id is not None:
        return site is not None and site.pk == link.contact.outlet.site_id
    if link.page_id is None or not Page.objects.filter(pk=link.page_id).exists():
        return link.contact is None
    return page_of_site(link.page_id, site, live=False) is not None


def _page_id(data):
    page_id = data.get("g") if isinstance(data, dict) else None
    return page_id if isinstance(page_id, int) else None


@transaction.atomic
def confirm(token):
    """Grant consent for the pending request ``token`` was sent for: the
    person's act, never a mere opening of the link.

    Return the ConfirmationLink: outcome CONFIRMED, or why not.
    """
    link = read_link(token, lock=True)
    if link.outcome != PENDING:
        return link
    contact = link.contact
    contact.email_consent = Consent.GRANTED
    contact.email_consent_at = timezone.now()
    contact.email_consent_source = "double opt-in"
    contact.save()
    link.outcome = CONFIRMED
    return link
