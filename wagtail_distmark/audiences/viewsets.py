"""Admin screens for segments: listing with counts, editing with a live count.

HQ sees and edits every segment. Local users see HQ's network segments
(read-only, counted on their own outlets' contacts) and the segments of their
outlets, which they add, change and delete. The outlet field offers only the
user's outlets, and the server checks the choice again.
"""

from django.contrib.admin.utils import quote
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button
from wagtail.blocks.base import BlockWidget

from ..contacts.models import AttributeDefinition, ContactTag
from ..contacts.viewsets import CONTACTS_MENU_HOOK, CONTACTS_MENU_ORDER
from ..contacts.visibility import EVERYONE, HQ, MANAGERS, user_level
from ..outlets import views as outlet_views
from ..outlets.access import get_network_roles, outlet_access_q, user_is_hq
from ..outlets.models import Outlet
from ..outlets.viewsets import OutletScopedModelViewSet
from .filters import (
    LEVEL_RANK,
    attribute_details,
    error_messages,
    rules_stream_block_for,
    rules_visibility_error,
)
from .models import Segment
from .permissions import (
    SEGMENT_ACTION_ROLES,
    SegmentPermissionPolicy,
    user_may_change,
    user_may_delete,
)
from .services import (
    cached_network_counts,
    count_segment,
    count_segments,
    counted_ago,
    is_network_wide,
    network_count,
)

segment_permission_policy = SegmentPermissionPolicy(Segment)


def count_text(counts):
    contacts = ngettext(
        "%(count)s contact", "%(count)s contacts", counts["contacts"]
    ) % {"count": f"{counts['contacts']:,}"}
    email = _("%(count)s reachable by email") % {"count": f"{counts['email']:,}"}
    return f"{contacts} ({email})"


def widest_attribute_level(user):
    """The widest visibility level ``user`` reaches on any of their outlets'
    contacts (HQ: every level), or None: the attribute labels they may read."""
    if user_is_hq(user):
        return HQ
    roles = get_network_roles(user)
    if roles.manager_of | roles.region_manager_of:
        return MANAGERS
    return EVERYONE if roles.any_outlet_ids else None


def attribute_options_for(user, used_keys=()):
    """``(key, label)`` of the attributes the rules' drop-down offers ``user``:
    those they may see. An attribute already in the segment's rules that they
    may not see is offered by its key only (the rules' summary shows keys), so
    editing the segment does not silently switch the rule to another one.
    With them, the :func:`attribute_details` of the ones they see."""
    level = widest_attribute_level(user)
    rank = LEVEL_RANK[level] if level is not None else -1
    choices, visible = [], []
    for definition in AttributeDefinition.objects.all():
        if LEVEL_RANK.get(definition.visibility, LEVEL_RANK[HQ]) <= rank:
            choices.append((definition.key, definition.label))
            visible.append(definition)
        elif definition.key in used_keys:
            choices.append((definition.key, definition.key))
    return choices, attribute_details(visible)


#: How many tags a rule's tag box suggests, and for how long they are kept.
MAX_TAG_SUGGESTIONS = 200
TAG_SUGGESTIONS_SECONDS = 300


def tag_suggestions(user):
    """The tags in use on the contacts ``user`` may see (HQ: the network's),
    one spelling per tag whatever its case, sorted: what a rule's tag box
    offers. Another outlet's tags are never among them. Kept a few minutes
    per set of outlets: across the network it reads the whole tag index."""
    if user_is_hq(user):
        key, outlet_ids = "network", None
    else:
        outlet_ids = sorted(get_network_roles(user).any_outlet_ids)
        if not outlet_ids:
            return []
        key = ",".join(map(str, outlet_ids))
    cache_key = f"distmark:segment-tags:{key}"
    names = cache.get(cache_key)
    if names is None:
        tags = ContactTag.objects.all()
        if outlet_ids is not None:
            tags = tags.filter(contact__outlet_id__in=outlet_ids)
        spellings = {}
        for name in tags.values_list("name", flat=True).distinct().iterator():
            spellings.setdefault(name.lower(), name)
        names = [spellings[k] for k in sorted(spellings)][:MAX_TAG_SUGGESTIONS]
        cache.set(cache_key, names, TAG_SUGGESTIONS_SECONDS)
    return names


def used_attribute_keys(stream_value):
    keys = set()
    for child in stream_value or ():
        if child.block_type == "group":
            keys |= used_attribute_keys(child.value["rules"])
        elif isinstance(child.value, dict) and "attribute" in child.value:
            keys.add(child.value["attribute"])
    return keys


def counted_text(counted_at):
    """ "counted 3 minutes ago" for a reused network-wide count, or ""."""
    if counted_at is None:
        return ""
    if counted_ago(counted_at) < 60:
        return str(_("counted just now"))
    return _("counted %(time)s ago") % {"time": timesince(counted_at)}


def count_payload(counts):
    """The JSON the count endpoints answer."""
    return {
        "contacts": counts["contacts"],
        "email": counts["email"],
        "text": count_text(counts),
        "counted": counted_text(counts.get("counted_at")),
    }


class SegmentCountColumn(Column):
    """A count cell. A network-wide count not in the cache is not counted while
    the page renders: the cell holds a placeholder the listing's script fills
    from the segment's count endpoint (which counts it once and caches it)."""

    class Media:
        js = ["wagtail_distmark/audiences/segment-listing-counts.js"]

    def __init__(self, name, field, **kwargs):
        self.field = field
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        count_url = getattr(instance, "count_url", None)
        if count_url:
            return format_html(
                '<span data-distmark-segment-row-count data-url="{}" '
                'data-field="{}">{}</span>',
                count_url,
                self.field,
                _("Counting…"),
            )
        value = super().get_value(instance)
        note = getattr(instance, "counted_note", "")
        if note and self.field == "contacts":
            return format_html(
                '{}<br><small class="w-help-text">{}</small>', value, note
            )
        return value


class SegmentForm(WagtailAdminModelForm):
    """Outlets limited to the user's; rules limited to the fields they see."""

    class Media:
        js = [
            "wagtail_distmark/audiences/segment-count.js",
            "wagtail_distmark/audiences/attribute-rule.js",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules_count = self.add_prefix("rules") + "-count"
        if self.is_bound and rules_count not in self.data:
            # A POST without the rules' management field (not the admin's
            # form): read it as no rules rather than failing with a 500.
            self.data = self.data.copy()
            self.data[rules_count] = "0"
        user = self.for_user
        if user is not None and "rules" in self.fields:
            # The attribute drop-down lists only the attributes the user may
            # see: the block definitions (with their choices) are rendered
            # into the page, so they are built for this user.
            field = self.fields["rules"]
            choices, details = attribute_options_for(
                user, used_attribute_keys(self.instance.rules)
            )
            block = rules_stream_block_for(
                choices,
                details,
                tags=tag_suggestions(user),
                **Segment._meta.get_field("rules").block_opts,
            )
            field.block = block
            field.widget = BlockWidget(block)
        if "outlet" in self.fields:
            field = self.fields["outlet"]
            if user is not None and not user_is_hq(user):
                roles = SEGMENT_ACTION_ROLES["change" if self.instance.pk else "add"]
                field.queryset = Outlet.objects.filter(outlet_access_q(user, roles))
                field.required = True
                field.empty_label = None
                field.help_text = ""
            else:
                # HQ: no outlet makes a network segment; say so.
                field.empty_label = _("The whole network")

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
        user = self.for_user
        error = rules_visibility_error(
            cleaned_data.get("rules"),
            level,
            for_outlet_segment=outlet is not None,
            user_level=HQ if user is None else widest_attribute_level(user) or EVERYONE,
        )
        if error:
            self.add_error("rules", error)
        return cleaned_data

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class SegmentIndexView(outlet_views.OutletScopedIndexView):
    """Each row's counts, for the user's scope.

    Counts narrowed to outlets (every row for local users, outlet segments for
    HQ) are counted in one query for the page. Network-wide counts (HQ's view
    of a network segment) come from the cache, or are left to the page's
    script, which asks the count endpoint for each: the page never waits for
    a network-wide count."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("outlet")

    def get_table(self, object_list):
        user = self.request.user
        segments = list(object_list)
        network_wide = [s for s in segments if is_network_wide(s, user=user)]
        count_segments(
            [s for s in segments if not is_network_wide(s, user=user)], user=user
        )
        cached = cached_network_counts(network_wide)
        for segment in network_wide:
            counts = cached.get(segment.pk)
            if counts is None:
                segment.count_url = reverse(
                    "distmark_segments:saved_count", args=[segment.pk]
                )
                continue
            segment.contact_count = counts["contacts"]
            segment.email_count = counts["email"]
            segment.counted_note = counted_text(counts["counted_at"])
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
    copy_url_name = None

    @cached_property
    def header_more_buttons(self):
        # Copy is how an outlet adapts a network segment it may not change,
        # so the page that shows the rules offers it too, not only the listing.
        buttons = super().header_more_buttons
        if self.copy_url_name and self.user_has_permission("add"):
            url = reverse(self.copy_url_name, args=(quote(self.object.pk),))
            buttons.append(Button(_("Copy"), url=url, icon_name="copy", priority=15))
        return buttons

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

    def get_created_by_display_value(self):
        return str(self.object.created_by) if self.object.created_by else "—"

    def get_definition_display_value(self):
        return self.object.describe()

    def get_counts_display_value(self):
        user = self.request.user
        if is_network_wide(self.object, user=user):
            counts = network_count(self.object)
            note = counted_text(counts["counted_at"])
            return f"{count_text(counts)}, {note}"
        return count_text(count_segment(self.object, user=user))

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


class SavedSegmentCountView(View):
    """``GET``: a saved segment's counts for the user (the listing's script
    asks for the network-wide ones). Network-wide counts are reused from the
    cache for a few minutes (``services.NETWORK_COUNT_SECONDS``); only a
    segment the user may view is counted, and only within their outlets."""

    http_method_names = ["get"]

    def get(self, request, pk):
        viewable = segment_permission_policy.instances_user_has_any_permission_for(
            request.user, ["view"]
        )
        segment = viewable.filter(pk=pk).first()
        if segment is None:
            raise Http404
        if is_network_wide(segment, user=request.user):
            counts = network_count(segment)
        else:
            counts = count_segment(segment, user=request.user)
        return JsonResponse(count_payload(counts))


class SegmentViewSet(OutletScopedModelViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    # An item of the Contacts menu (see contacts.viewsets.ContactsViewSetGroup).
    menu_hook = CONTACTS_MENU_HOOK
    menu_order = CONTACTS_MENU_ORDER["segments"]
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
        SegmentCountColumn("contact_count", "contacts", label=_("Contacts")),
        SegmentCountColumn("email_count", "email", label=_("Reachable by email")),
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

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            copy_url_name=self.get_url_name("copy"), **kwargs
        )

    def get_urlpatterns(self):
        count_view = SegmentCountView.as_view(form_class=self.get_form_class())
        return [
            *super().get_urlpatterns(),
            path("count/", count_view, name="count"),
            path(
                "count/<int:pk>/",
                SavedSegmentCountView.as_view(),
                name="saved_count",
            ),
        ]
