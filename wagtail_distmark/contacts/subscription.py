"""Public subscription with double opt-in.

A visitor posts the form of a subscription block on an outlet's page: the
address becomes a contact of that outlet (the outlet is found from the page,
never from the form), with email consent pending, and receives a signed link.
Opening it grants consent. Robots are turned away by a honeypot field and a
rate limit per address and per IP; addresses on the suppression list are
never written to, and the visitor is not told (nothing leaks).
"""

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import distmark_settings
from ..emails import render_text
from ..workflows.objects import outlet_for
from .models import Consent, Contact, Suppression, normalise_email

SIGNING_SALT = "wagtail_distmark.subscription"


class SubscriptionForm(forms.Form):
    page = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(max_length=254, label=_("Email address"))
    first_name = forms.CharField(max_length=100, required=False)
    website = forms.CharField(required=False)  # the honeypot

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class RateLimited(Exception):
    pass


def _hit(key, limit, period):
    """Count one attempt for ``key``; True while within ``limit`` per ``period``."""
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period)
        count = 1
    return count <= limit


def check_rate(ip, email):
    limit = distmark_settings.SUBSCRIPTION_RATE_LIMIT
    period = 3600
    if not _hit(f"distmark:subscribe:ip:{ip}", limit, period) or not _hit(
        f"distmark:subscribe:email:{email}", 3, period
    ):
        raise RateLimited


def confirmation_token(contact):
    return signing.dumps({"c": contact.pk, "h": contact.email_hash}, salt=SIGNING_SALT)


@transaction.atomic
def subscribe(page, email, first_name="", request=None):
    """Record a subscription request; return the contact, or None when the
    address is suppressed (nothing written, nothing sent)."""
    outlet = outlet_for(page)
    if outlet is None:
        raise ValueError("The page belongs to no outlet.")
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
    path = reverse("distmark_subscribe_confirm", args=[confirmation_token(contact)])
    confirm_url = request.build_absolute_uri(path) if request else path
    transaction.on_commit(
        lambda: send_mail(
            str(_("Confirm your subscription to %(outlet)s") % {"outlet": outlet.name}),
            render_text(
                "wagtail_distmark/contacts/subscription/confirm_email.txt",
                {"outlet": outlet, "confirm_url": confirm_url},
            ),
            None,
            [contact.email],
        )
    )
    return contact


def confirm(token):
    """Grant consent for a valid, unexpired token; return the contact or None."""
    max_age = distmark_settings.SUBSCRIPTION_CONFIRM_DAYS * 86400
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    contact = Contact.objects.filter(
        pk=data.get("c"), email_hash=data.get("h"), erased_at__isnull=True
    ).first()
    if contact is None or Suppression.is_suppressed(contact.email):
        return None
    if contact.email_consent != Consent.GRANTED:
        contact.email_consent = Consent.GRANTED
        contact.email_consent_at = timezone.now()
        contact.email_consent_source = "double opt-in"
        contact.save()
    return contact
