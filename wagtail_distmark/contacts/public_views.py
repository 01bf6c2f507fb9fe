"""The public side of contacts: subscribing and confirming."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from .subscription import RateLimited, SubscriptionForm, check_rate, confirm, subscribe

CHECK_INBOX = _(
    "Thank you. We have sent you an email: open the link in it to confirm your "
    "subscription."
)


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
    if not form.is_valid():
        return result(
            request,
            _("Subscription"),
            _("Please enter a valid email address."),
            status=400,
            back_url=request.META.get("HTTP_REFERER"),
        )
    page = Page.objects.live().filter(pk=form.cleaned_data["page"]).first()
    if page is None:
        return result(request, _("Subscription"), _("This page does not exist."), 400)
    if form.cleaned_data["website"]:
        # A robot filled the hidden field: answer as usual, record nothing.
        return result(request, _("Almost done"), CHECK_INBOX)
    try:
        check_rate(request.META.get("REMOTE_ADDR", ""), form.cleaned_data["email"])
    except RateLimited:
        return result(
            request,
            _("Subscription"),
            _("Too many attempts. Please try again in an hour."),
            status=429,
        )
    try:
        subscribe(
            page.specific,
            form.cleaned_data["email"],
            form.cleaned_data["first_name"],
            request=request,
        )
    except ValueError:
        return result(
            request, _("Subscription"), _("This page has no subscription."), 400
        )
    return result(request, _("Almost done"), CHECK_INBOX, back_url=page.url)


def confirm_view(request, token):
    contact = confirm(token)
    if contact is None:
        return result(
            request,
            _("Subscription"),
            _("This link is invalid or has expired. Please subscribe again."),
            status=400,
        )
    return result(
        request,
        _("Subscribed"),
        _("Thank you: you will receive news from %(outlet)s.")
        % {"outlet": contact.outlet.name},
    )
