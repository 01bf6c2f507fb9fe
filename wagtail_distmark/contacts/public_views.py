"""The public side of contacts: subscribing and confirming."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from . import subscription
from .subscription import (
    RateLimited,
    Subscription,
    SubscriptionForm,
    check_rate,
    client_address,
)

CHECK_INBOX = _(
    "Thank you. We have sent you an email: open the link in it to confirm your "
    "subscription."
)
INVALID_LINK = _("This link is invalid or has expired. Please subscribe again.")

# What the visitor reads after opening a confirmation link, per outcome:
# (title, message, status).
CONFIRM_RESULTS = {
    subscription.ALREADY_CONFIRMED: (
        _("Subscribed"),
        _("Your subscription is already confirmed."),
        200,
    ),
    subscription.WITHDRAWN: (
        _("Subscription"),
        _(
            "Your subscription was withdrawn after this link was sent, so the "
            "link no longer confirms it. To subscribe again, use the form on "
            "the store's page."
        ),
        400,
    ),
    subscription.SUPERSEDED: (
        _("Subscription"),
        _(
            "A newer confirmation link was sent to this address: please open "
            "the link in the most recent email."
        ),
        400,
    ),
    subscription.INVALID: (_("Subscription"), INVALID_LINK, 400),
}


def result(request, title, message, status=200, back_url=None):
    return render(
        request,
        "wagtail_distmark/contacts/subscription/result.html",
        {"title": title, "message": message, "back_url": back_url},
        status=status,
    )


@require_POST
def subscribe_view(request):
    form = SubscriptionForm(request.POST)
    if not form.is_valid() and "email" in form.errors:
        return result(
            request,
            _("Subscription"),
            _("Please enter a valid email address."),
            status=400,
            back_url=request.META.get("HTTP_REFERER"),
        )
    page = (
        Page.objects.live().filter(pk=form.cleaned_data["page"]).first()
        if form.is_valid()
        else None
    )
    if page is None:
        return result(request, _("Subscription"), _("This page does not exist."), 400)
    # Only a page showing a subscription form, for its own outlet.
    page_subscription = Subscription(page.specific)
    if page_subscription.outlet is None:
        return result(
            request, _("Subscription"), _("This page has no subscription form."), 400
        )
    if form.cleaned_data["website"]:
        # A robot filled the hidden field: answer as usual, record nothing.
        return result(request, _("Almost done"), CHECK_INBOX)
    try:
        check_rate(
            page_subscription.outlet,
            client_address(request),
            form.cleaned_data["email"],
        )
    except RateLimited:
        return result(
            request,
            _("Subscription"),
            _("Too many attempts. Please try again in an hour."),
            status=429,
        )
    page_subscription.subscribe(
        form.cleaned_data["email"], form.cleaned_data["first_name"]
    )
    return result(request, _("Almost done"), CHECK_INBOX, back_url=page.url)


def confirm_view(request, token):
    outcome, contact = subscription.confirm(token)
    if outcome == subscription.CONFIRMED:
        return result(
            request,
            _("Subscribed"),
            _("Thank you: you will receive news from %(outlet)s.")
            % {"outlet": contact.outlet.name},
        )
    title, message, status = CONFIRM_RESULTS[outcome]
    return result(request, title, message, status)
