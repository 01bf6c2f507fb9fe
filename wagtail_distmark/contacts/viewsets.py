"""Admin screens: Contacts (each outlet's own), the suppression list and the
attribute definitions (HQ)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from ..outlets.viewsets import OutletScopedModelViewSet
from . import views
from .models import AttributeDefinition, Contact, ContactAccess, Suppression
from .permissions import contact_permission_policy


class ContactViewSet(OutletScopedModelViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    permission_policy = contact_permission_policy
    index_view_class = views.ContactIndexView
    inspect_view_class = views.ContactInspectView
    add_view_class = views.ContactCreateView
    edit_view_class = views.ContactEditView
    delete_view_class = views.ContactEraseView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    # The real form is built per user (forms.contact_form_class).
    form_fields = ["outlet", "email"]
    inspect_template_name = "wagtail_distmark/contacts/inspect.html"

    def get_urlpatterns(self):
        data_export = self.construct_view(
            views.ContactDataExportView, **self.get_inspect_view_kwargs()
        )
        return super().get_urlpatterns() + [
            # The id's converter Wagtail uses for the model's other views:
            # "abc" is a 404, not an error.
            path(
                f"data/<{self.pk_path_converter}:pk>/", data_export, name="data_export"
            )
        ]


class HQOnlyModelViewSet(ModelViewSet):
    copy_view_enabled = False
    inspect_view_enabled = False


class SuppressionViewSet(HQOnlyModelViewSet):
    model = Suppression
    icon = "cross"
    menu_label = _("Suppression list")
    list_display = ["__str__", "reason", "source", "created_at"]
    list_filter = ["reason"]
    search_backend_name = None
    form_fields = ["reason", "source"]
    add_view_enabled = False
    edit_view_enabled = False


class AttributeDefinitionViewSet(HQOnlyModelViewSet):
    model = AttributeDefinition
    icon = "list-ul"
    menu_label = _("Contact attributes")
    list_display = ["label", "key", "type", "visibility"]
    form_fields = ["label", "key", "type", "choices", "visibility"]


class ContactAccessViewSet(HQOnlyModelViewSet):
    model = ContactAccess
    icon = "history"
    menu_label = _("Access log")
    list_display = ["created_at", "username", "action", "outlet", "contact_count"]
    list_filter = ["action", "outlet"]
    search_backend_name = None
    search_fields = ["username"]
    add_view_enabled = False
    edit_view_enabled = False
    delete_view_enabled = False
    form_fields = ["action"]


#: The hook other capabilities register their items of the Contacts menu with
#: (segments, imports): a ``MenuItem`` returned by a function registered with
#: it, or a viewset whose ``menu_hook`` is this name. Each item keeps its own
#: ``is_shown`` (permission) check; the menu shows only when one item does.
CONTACTS_MENU_HOOK = "register_distmark_contacts_menu_item"

#: The order of the Contacts menu's items: the outlets' everyday screens first,
#: then HQ's.
CONTACTS_MENU_ORDER = {
    "contacts": 100,
    "segments": 200,
    "imports": 300,
    "attributes": 400,
    "suppressions": 500,
    "access_log": 600,
}


class ContactsViewSetGroup(ViewSetGroup):
    menu_label = _("Contacts")
    menu_icon = "group"
    menu_order = 170
    submenu_hook = CONTACTS_MENU_HOOK
    items = (
        ContactViewSet("distmark_contacts", menu_order=CONTACTS_MENU_ORDER["contacts"]),
        AttributeDefinitionViewSet(
            "distmark_contact_attributes",
            menu_order=CONTACTS_MENU_ORDER["attributes"],
        ),
        SuppressionViewSet(
            "distmark_suppressions", menu_order=CONTACTS_MENU_ORDER["suppressions"]
        ),
        ContactAccessViewSet(
            "distmark_contact_access", menu_order=CONTACTS_MENU_ORDER["access_log"]
        ),
    )
