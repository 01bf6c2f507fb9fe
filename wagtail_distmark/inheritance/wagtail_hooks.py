from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..isolation.pages import OutletScopedPageViewSet
from . import views
from .models import LocalPage
from .template_publishing import ConfirmTemplatePublishView, confirm_before_publishing

app_name = "distmark_templates"
urlpatterns = [
    path("", views.TemplateLibraryView.as_view(), name="index"),
    path("<int:pk>/preview/", views.TemplatePreviewView.as_view(), name="preview"),
    path("<int:pk>/use/", views.UseTemplateView.as_view(), name="use"),
    path("<int:pk>/report/", views.DriftReportView.as_view(), name="report"),
    path("<int:pk>/deploy/", views.DeployTemplateView.as_view(), name="deploy"),
    path("deployments/<int:pk>/", views.DeploymentView.as_view(), name="deployment"),
    path(
        "<int:pk>/publish/<int:revision_id>/",
        ConfirmTemplatePublishView.as_view(),
        name="confirm_publish",
    ),
]


class LocalPageViewSet(OutletScopedPageViewSet):
    """Wagtail's page views for outlet pages, with the template-aware editor."""

    model = LocalPage
    edit_view_class = views.LocalPageEditView


class TemplateLibraryMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_browse_library(request.user)


@hooks.register("register_admin_urls")
def register_template_library_urls():
    return [
        path(
            "distmark/templates/",
            include((urlpatterns, app_name), namespace=app_name),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_template_library_menu_item():
    return TemplateLibraryMenuItem(
        _("Template library"),
        reverse("distmark_templates:index"),
        name="distmark-templates",
        icon_name="doc-full-inverse",
        order=160,
    )


@hooks.register("register_admin_viewset")
def register_local_page_viewset():
    return LocalPageViewSet("local_pages")


# HQ confirms a template publish that affects outlets (what it affects, then
# publish): Wagtail's editor has saved the new version as a draft by then.
hooks.register("before_publish_page", confirm_before_publishing)
