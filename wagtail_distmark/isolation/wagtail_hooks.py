from django.urls import Resolver404, resolve
from wagtail import hooks

from .bulk_actions import register_scoped_bulk_actions
from .media import ScopedDocumentsAdminAPIViewSet, ScopedImagesAdminAPIViewSet
from .pages import NetworkPageViewSet
from .routes import ROUTE_RULES, Hidden
from .visibility import is_local_user, visible_pages

register_scoped_bulk_actions()


@hooks.register("construct_page_chooser_queryset")
def show_only_visible_pages_in_chooser(pages, request):
    if is_local_user(request.user):
        pages = pages.filter(pk__in=visible_pages(request.user).values("pk"))
    return pages


# After Wagtail's images and documents apps register theirs (order 0).
@hooks.register("construct_admin_api", order=100)
def register_scoped_media_endpoints(router):
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


@hooks.register("register_admin_viewset")
def register_network_page_viewset():
    # Registered after Wagtail's base page viewset (order -1), it replaces it
    # for every page type without a viewset of its own.
    return NetworkPageViewSet("network_pages")


def _is_hidden(url):
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return isinstance(ROUTE_RULES.get(match.view_name), Hidden)


@hooks.register("construct_reports_menu")
def hide_hidden_reports(request, menu_items):
    if is_local_user(request.user):
        menu_items[:] = [item for item in menu_items if not _is_hidden(item.url)]
