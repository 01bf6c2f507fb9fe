"""Admin screens: Contacts (each outlet's own), the suppression list and the
attribute definitions (HQ)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from ..outlets.viewsets import OutletScopedModelViewSet
from . import forms, views
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


class EvidenceViewSet(HQOnlyModelViewSet):
    """HQ's view of a record kept as evidence: listed and inspected, written only
    by the app itself. The views that would rewrite it are not routed at all
    (a crafted request is a 404) and no screen links to them; the model's
    permission policy (``permissions.EvidencePermissionPolicy``) refuses them too.
    """

    inspect_view_enabled = True
    #: Which of "add", "edit" and "delete" this screen offers.
    writable_views = ()

    def get_urlpatterns(self):
        unrouted = {"add", "edit", "delete", "copy"} - set(self.writable_views)
        return [p for p in super().get_urlpatterns() if p.name not in unrouted]

    def get_form_class(self, for_update=False):
        # Wagtail builds every view before the routes are filtered: a screen
        # without a form still needs a (never used) form class.
        return None

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add", "edit", "delete"):
            if name not in self.writable_views:
                view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    @property
    def url_finder_class(self):
        # Links to an entry (history, usage) open its inspect view.
        return type(
            "_EvidenceURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )


class SuppressionViewSet(EvidenceViewSet):
    """Bounces, complaints, unsubscriptions and erasures are evidence: never
    edited or deleted. HQ may suppress an address by hand, and withdraw only
    such a suppression of its own."""

    model = Suppression
    icon = "cross"
    menu_label = _("Suppression list")
    list_display = ["__str__", "reason", "source", "created_at"]
    list_filter = ["reason"]
    search_backend_name = None
    writable_views = ("add", "delete")
    index_view_class = views.SuppressionIndexView
    add_view_class = views.SuppressionCreateView
    delete_view_class = views.SuppressionDeleteView

    def get_form_class(self, for_update=False):
        return forms.ManualSuppressionForm


class AttributeDefinitionViewSet(HQOnlyModelViewSet):
    model = AttributeDefinition
    icon = "list-ul"
    menu_label = _("Contact attributes")
    list_display = ["label", "key", "type", "visibility"]
    form_fields = ["label", "key", "type", "choices", "visibility"]


class ContactAccessViewSet(EvidenceViewSet):
    """The access log: append-only, listed and inspected by HQ."""

    model = ContactAccess
    icon = "history"
    menu_label = _("Access log")
    list_display = ["created_at", "username", "action", "outlet", "contact_count"]
    list_filter = ["action", "outlet"]
    search_backend_name = None
    search_fields = ["username"]
    inspect_view_fields = [
        "created_at",
        "username",
        "action",
        "outlet",
        "contact_count",
        "contact_ids",
        "detail",
    ]


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
