"""The public side of contacts: subscribing and confirming.

Every page here speaks the outlet's language (its profile's), whatever the
visitor's browser asks for, like the outlet's own pages.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page, Site

from . import subscription
from .subscription import (
    RateLimited,
    Subscription,
    SubscriptionForm,
    check_rate,
    client_address,
    outlet_language,
    outlet_of_site,
    page_of_site,
)

CHECK_INBOX = _(
    "Thank you. We have sent you an email: open the link in it to confirm your "
    "subscription."
)
INVALID_LINK = _("This link is invalid or has expired. Please subscribe again.")
BACK = _("Back")
# Names the subscription, not the person (a French "Abonné" is masculine).
CONFIRMED_TITLE = _("Subscription confirmed")
SUBSCRIBE_AGAIN = _("Subscribe again")

# What the visitor reads when a confirmation link confirms nothing, per
# outcome: (title, message, status, label of the link to the form).
CONFIRM_RESULTS = {
    subscription.ALREADY_CONFIRMED: (
        CONFIRMED_TITLE,
        _("Your subscription is already confirmed."),
        200,
        BACK,
    ),
    subscription.WITHDRAWN: (
        _("Subscription"),
        _(
            "Your subscription was withdrawn after this link was sent, so the "
            "link no longer confirms it. To subscribe again, use the form on "
            "the store's page."
        ),
        400,
        SUBSCRIBE_AGAIN,
    ),
    subscription.SUPERSEDED: (
        _("Subscription"),
        _(
            "A newer confirmation link was sent to this address: please open "
            "the link in the most recent email."
        ),
        400,
        SUBSCRIBE_AGAIN,
    ),
    subscription.INVALID: (_("Subscription"), INVALID_LINK, 400, SUBSCRIBE_AGAIN),
}


def in_language_of(outlet):
    return translation.override(outlet_language(outlet))


def outlet_page(request, outlet, template, context, status=200):
    """``template`` as a page of ``outlet``'s site: within its layout (the
    public base template, whose header names the outlet and links to its
    home page), in the active language (the outlet's: call it in
    ``in_language_of``)."""
    home = outlet.home_page if outlet is not None else None
    response = render(
        request,
        template,
        {
            "outlet": outlet,
            "outlet_home_url": home.get_url(request) if home and home.live else None,
            **context,
        },
        status=status,
    )
    response["Content-Language"] = translation.get_language()
    return response


def result(request, outlet, title, message, status=200, link_url=None, link=BACK):
    """A page of the outlet's site saying ``message``."""
    return outlet_page(
        request,
        outlet,
        "wagtail_distmark/contacts/subscription/result.html",
        {
            "title": title,
            "message": message,
            "link_url": link_url,
            "link_label": link,
        },
        status=status,
    )


@require_POST
def subscribe_view(request):
    form = SubscriptionForm(request.POST)
    form.is_valid()
    page_id = form.cleaned_data.get("page")
    # Only a page of the site the form was posted to: another outlet's page
    # is answered as one that does not exist here.
    page = page_of_site(page_id, Site.find_for_request(request))
    # Only a page showing a subscription form, for its own outlet.
    page_subscription = Subscription(page.specific) if page else None
    outlet = page_subscription.outlet if page_subscription else None
    # Refusals are pages of the site the visitor is on.
    shown = outlet or outlet_of_site(request)
    with in_language_of(shown):
        return _subscribe(request, form, page, page_subscription, shown)


def _subscribe(request, form, page, page_subscription, shown):
    outlet = page_subscription.outlet if page_subscription else None
    if "email" in form.errors:
        return result(
            request,
            shown,
            _("Subscription"),
            _("Please enter a valid email address."),
            status=400,
            link_url=request.META.get("HTTP_REFERER"),
        )
    if page is None:
        return result(
            request, shown, _("Subscription"), _("This page does not exist."), 400
        )
    if outlet is None:
        return result(
            request,
            shown,
            _("Subscription"),
            _("This page has no subscription form."),
            400,
        )
    if form.cleaned_data["website"]:
        # A robot filled the hidden field: answer as usual, record nothing.
        return result(request, outlet, _("Almost done"), CHECK_INBOX)
    try:
        check_rate(outlet, client_address(request), form.cleaned_data["email"])
    except RateLimited:
        return result(
            request,
            outlet,
            _("Subscription"),
            _("Too many attempts. Please try again in an hour."),
            status=429,
        )
    page_subscription.subscribe(
        form.cleaned_data["email"], form.cleaned_data["first_name"]
    )
    return result(request, outlet, _("Almost done"), CHECK_INBOX, link_url=page.url)


@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_view(request, token):
    """Opening the link (a person, or a mail scanner fetching it) shows a
    page asking to confirm and changes nothing; the page's button posts back
    (with its CSRF token) and only that grants consent."""
    link = subscription.read_link(token)
    # Answered only on its outlet's own site: another outlet's site knows
    # no such link (and confirms nothing).
    if not subscription.answered_on(link, Site.find_for_request(request)):
        raise Http404
    if request.method == "POST":
        link = subscription.confirm(token)
    outlet = link.contact.outlet if link.contact else outlet_of_site(request)
    with in_language_of(outlet):
        response = _confirmation_page(request, token, link, outlet)
    # The token is in the address: no other site reads it in a Referer.
    # ("no-referrer" would also blank the Origin of the button's post, which
    # Django's CSRF check then refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _confirmation_page(request, token, link, outlet):
    if link.outcome == subscription.PENDING:
        return outlet_page(
            request,
            outlet,
            "wagtail_distmark/contacts/subscription/confirm.html",
            {
                "title": _("Confirm your subscription to %(outlet)s")
                % {"outlet": outlet.name},
                "action_url": request.path,
            },
        )
    form_url = subscription_form_url(request, outlet, link.page_id)
    if link.outcome == subscription.CONFIRMED:
        return result(
            request,
            outlet,
            CONFIRMED_TITLE,
            _("Thank you: you will receive news from %(outlet)s.")
            % {"outlet": outlet.name},
            link_url=form_url,
        )
    title, message, status, label = CONFIRM_RESULTS[link.outcome]
    return result(request, outlet, title, message, status, form_url, label)


def subscription_form_url(request, outlet, page_id):
    """Where to subscribe again: the page whose form sent the link while it
    still shows one, else the outlet's home page; None off outlets' sites."""
    page = Page.objects.live().filter(pk=page_id).first() if page_id else None
    if page is not None and Subscription(page.specific).outlet is not None:
        return page.get_url(request)
    home = outlet.home_page if outlet is not None else None
    return home.get_url(request) if home is not None and home.live else None
