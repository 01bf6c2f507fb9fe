"""Keep outlet pages attached to the outlet whose tree holds them."""

from wagtail.models import Page

from ..outlets.models import Outlet
from .models import LocalPage


def on_page_moved(sender, instance, **kwargs):
    # Wagtail sends the moved page as it has it (not always the specific class).
    if not (isinstance(sender, type) and issubclass(sender, LocalPage)):
        return
    outlet = Outlet.objects.filter(
        home_page__in=Page.objects.ancestor_of(instance, inclusive=True)
    ).first()
    LocalPage.objects.filter(pk=instance.pk).exclude(outlet=outlet).update(
        outlet=outlet
    )
