"""The example site's own middleware."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation
from wagtail.models import Site


class OutletSiteNotFoundMiddleware:
    """A page missing on an outlet's site shows the site's branded ``404.html``,
    in the outlet's language, whatever ``DEBUG`` says.

    With ``DEBUG = True`` (the demo) Django answers a 404 with its technical
    page, which no visitor of a store's site should see. On the network's
    own host (admin, HQ) Django's debug page stays, for developers. Without
    ``DEBUG``, Django's ``handler404`` renders the same ``404.html``; this
    middleware adds the outlet's language to it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404):
            return None
        from wagtail_distmark.outlets.models import Outlet

        site = Site.find_for_request(request)
        outlet = (
            Outlet.objects.prefetch_related("opening_hours").filter(site=site).first()
            if site is not None
            else None
        )
        if outlet is None:
            return None
        with translation.override(outlet.locale):
            response = TemplateResponse(
                request, "404.html", {"outlet": outlet}, status=404
            )
            response.render()
        return response
