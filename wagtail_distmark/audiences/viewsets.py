"""Admin screens for segments: listing with counts, editing with a live count.

HQ sees and edits every segment. Local users see HQ's network segments
(read-only, counted on their own outlets' contacts) and the segments of their
outlets, which they add, change and delete. The outlet field offers only the
user's outlets, and the server checks the choice again.
"""

from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn

from ..contacts.visibility import HQ, MANAGERS, user_level
from ..outlets import views as outlet_views
from ..outlets.access import outlet_access_q, user_is_hq
from ..outlets.models import Outlet
from ..outlets.viewsets import OutletScopedModelViewSet
from .filters import LEVEL_RANK, error_messages, rules_visibility_error
from .models import Segment
from .permissions import (
    SEGMENT_ACTION_ROLES,
    SegmentPermissionPolicy,
    user_may_change,
    user_may_delete,
)
from .services import count_segment, count_segments

segment_permission_policy = SegmentPermissionPolicy(Segment)


def count_text(counts):
    contacts = ngettext(
        "%(count)s contact", "%(count)s contacts", counts["contacts"]
    ) % {"count": f"{counts['contacts']:,}"}
    email = _("%(count)s reachable by email") % {"count": f"{counts['email']:,}"}
    return f"{contacts} ({email})"


class SegmentForm(WagtailAdminModelForm):
    """Outlets limited to the user's; rules limited to the fields they see."""

    class Media:
        js = ["wagtail_distmark/audiences/segment-count.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules_count = self.add_prefix("rules") + "-count"
        if self.is_bound and rules_count not in self.data:
            # A POST without the rules' management field (not the admin's
            # form): read it as no rules rather than failing with a 500.
            self.data = self.data.copy()
            self.data[rules_count] = "0"
        user = self.for_user
        if "outlet" in self.fields:
            field = self.fields["outlet"]
            if user is not None and not user_is_hq(user):
                roles = SEGMENT_ACTION_ROLES["change" if self.instance.pk else "add"]
                field.queryset = Outlet.objects.filter(outlet_access_q(user, roles))
                field.required = True
                field.empty_label = None
                field.help_text = ""

    def visibility_level(self, outlet):
        """The widest field level the rules may read, for this user and outlet."""
        user = self.for_user
        if outlet is None:
            return HQ if user is None or user_is_hq(user) else None
        level = HQ if user is None else user_level(user, outlet.pk)
        if level is None:
            return None
        return min(level, MANAGERS, key=LEVEL_RANK.__getitem__)

    def clean(self):
        cleaned_data = super().clean()
        if "rules" in self.errors or "outlet" in self.errors:
            return cleaned_data
        outlet = cleaned_data.get("outlet")
        level = self.visibility_level(outlet)
        if level is None:
            self.add_error("outlet", _("You cannot make segments for this outlet."))
            return cleaned_data
        error = rules_visibility_error(
            cleaned_data.get("rules"), level, for_outlet_segment=outlet is not None
        )
        if error:
            self.add_error("rules", error)
        return cleaned_data

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class SegmentIndexView(outlet_views.OutletScopedIndexView):
    """Each row's counts, for the user's scope, in one query for the page."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("outlet")

    def get_table(self, object_list):
        segments = count_segments(object_list, user=self.request.user)
        return super().get_table(segments)

    def get_edit_url(self, instance):
        if user_may_change(self.request.user, instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if user_may_delete(self.request.user, instance):
            return super().get_delete_url(instance)
        return None


class SegmentInspectView(outlet_views.OutletScopedInspectView):
    def get_field_label(self, field_name, field):
        labels = {
            "scope": _("Outlet"),
            "definition": _("Rules"),
            "counts": _("Contacts"),
        }
        if field_name in labels:
            return labels[field_name]
        return super().get_field_label(field_name, field)

    def get_scope_display_value(self):
        return self.object.scope_label

    def get_definition_display_value(self):
        return self.object.describe()

    def get_counts_display_value(self):
        return count_text(count_segment(self.object, user=self.request.user))

    def get_edit_url(self):
        if user_may_change(self.request.user, self.object):
            return super().get_edit_url()
        return None

    def get_delete_url(self):
        if user_may_delete(self.request.user, self.object):
            return super().get_delete_url()
        return None


class SegmentCopyView(outlet_views.OutletScopedCopyView):
    """Copy into a new segment. Wagtail's copy view binds the form to the
    original object, so saving it would change the original (an outlet user
    could rewrite HQ's network segment): bind a fresh, unsaved copy instead."""

    def get_initial_form_instance(self):
        original = super().get_initial_form_instance()
        return Segment(
            name=original.name,
            outlet_id=original.outlet_id,
            match=original.match,
            rules=original.rules.raw_data,
        )


class SegmentCountView(View):
    """Counts the segment being edited: the form is validated as on save, and
    only the user's outlets' contacts are counted."""

    form_class = None
    http_method_names = ["post"]

    def post(self, request):
        policy = segment_permission_policy
        if not policy.user_has_any_permission(request.user, ["add", "change"]):
            return JsonResponse({"errors": [str(_("Not allowed."))]}, status=403)
        form = self.form_class(request.POST, instance=Segment(), for_user=request.user)
        # A segment is counted before it has a name.
        form.fields["name"].required = False
        if not form.is_valid():
            messages = []
            for errors in form.errors.as_data().values():
                for error in errors:
                    messages.extend(error_messages(error))
            return JsonResponse({"errors": messages}, status=400)
        counts = count_segment(form.save(commit=False), user=request.user)
        return JsonResponse({**counts, "text": count_text(counts)})


class SegmentViewSet(OutletScopedModelViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    menu_order = 170
    add_to_admin_menu = True
    inspect_view_enabled = True
    index_view_class = SegmentIndexView
    inspect_view_class = SegmentInspectView
    # Its copy view builds an unsaved copy (see SegmentCopyView).
    copy_view_enabled = True
    copy_view_class = SegmentCopyView
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["name"]
    list_per_page = 50
    list_display = [
        "name",
        Column("scope_label", label=_("Outlet")),
        Column("contact_count", label=_("Contacts")),
        Column("email_count", label=_("Reachable by email")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    inspect_view_fields = ["name", "scope", "definition", "counts", "created_by"]
    panels = [
        FieldPanel("name"),
        FieldPanel("outlet"),
        HelpPanel(
            template="wagtail_distmark/audiences/count_panel.html",
            heading=_("Contacts"),
        ),
        FieldPanel("match"),
        FieldPanel("rules"),
    ]
    edit_handler = ObjectList(panels, base_form_class=SegmentForm)

    @property
    def permission_policy(self):
        return segment_permission_policy

    def get_urlpatterns(self):
        count_view = SegmentCountView.as_view(form_class=self.get_form_class())
        return [
            *super().get_urlpatterns(),
            path("count/", count_view, name="count"),
        ]
