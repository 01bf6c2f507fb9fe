"""Admin hooks for contact imports: the screens and the "Import contacts" item
of the Contacts menu, shown to users who may add contacts to some outlet."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..viewsets import CONTACTS_MENU_HOOK, CONTACTS_MENU_ORDER
from . import views

app_name = "distmark_contact_imports"
urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("new/", views.ImportUploadView.as_view(), name="upload"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/mapping/", views.ImportMappingView.as_view(), name="mapping"),
    path("<int:pk>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("<int:pk>/report/", views.ImportReportView.as_view(), name="report"),
    path("<int:pk>/run/", views.ImportRunView.as_view(), name="run"),
]


class ImportContactsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_import_somewhere(request.user)


@hooks.register("register_admin_urls")
def register_contact_import_urls():
    return [
        path(
            "distmark/contact-imports/",
            include((urlpatterns, app_name), namespace=app_name),
        )
    ]


@hooks.register(CONTACTS_MENU_HOOK)
def register_contact_import_menu_item():
    return ImportContactsMenuItem(
        _("Import contacts"),
        reverse("distmark_contact_imports:index"),
        name="distmark-contact-imports",
        icon_name="upload",
        order=CONTACTS_MENU_ORDER["imports"],
    )
