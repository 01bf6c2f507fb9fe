"""Admin views for contacts: every screen built from the visibility
declaration, every object checked against the user's outlets, every access
to personal data logged."""

import csv
import datetime
import json

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.mixins import Echo

from ..outlets.models import Outlet
from ..outlets.views import (
    OutletScopedEditView,
    OutletScopedIndexView,
    OutletScopedInspectView,
    OutletScopedObjectMixin,
)
from .access_log import log_access
from .forms import contact_form_class, tags_text
from .models import (
    Consent,
    Contact,
    ContactAccess,
    birthday_display,
    birthday_iso,
    is_yearless,
)
from .permissions import may_export, outlets_for_contacts
from .privacy import (
    HQ_HOLDS_MORE,
    ContactDataExportAction,
    EraseContactAction,
    visible_to,
)
from .visibility import visible_attributes, visible_fields

# Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_COLUMNS = (
    "first_name",
    "last_name",
    "gender",
    "birthday",
    "email_consent",
    "outlet",
)
SEARCHABLE = ("email", "first_name", "last_name")


def local_datetime(value):
    """An aware datetime in the user's admin time zone (the site's by
    default), to the minute, naive (as a spreadsheet cell wants it)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def csv_delimiter():
    """Excel in French and Dutch reads ``;``-separated files (its decimal
    separator is the comma): the admin language chooses."""
    return ";" if (translation.get_language() or "")[:2] in ("fr", "nl") else ","


def spreadsheet_safe(value):
    """Text a spreadsheet shows as text: a leading ' defuses a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def localised(chunks, language, time_zone):
    """``chunks`` generated in the user's admin language and time zone.

    A streamed file is generated after the view has returned, so after
    Wagtail's override of the user's language and time zone has ended: each
    chunk is made inside them again (and only while it is made, since the
    server may send each chunk from another thread).
    """
    chunks = iter(chunks)
    while True:
        with translation.override(language), timezone.override(time_zone):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def tag_names(contact):
    """As the form shows them: a tag with a comma quoted, so that "Amis,
    famille" stays one tag to the reader and to an import of the export."""
    return tags_text(sorted((tag.name for tag in contact.tags.all()), key=str.casefold))


class InChunks:
    """A queryset read in chunks (tags prefetched per chunk), so an export's
    memory stays flat however many contacts an outlet has."""

    def __init__(self, queryset, chunk_size=2000):
        self.queryset = queryset
        self.model = queryset.model
        self.chunk_size = chunk_size

    def __iter__(self):
        return self.queryset.iterator(chunk_size=self.chunk_size)


class ContactFilterSet(WagtailFilterSet):
    outlet = django_filters.ModelChoiceFilter(
        label=_("Outlet"), queryset=Outlet.objects.none()
    )
    email_consent = django_filters.ChoiceFilter(
        label=_("Email consent"), choices=Consent.choices
    )
    tag = django_filters.CharFilter(
        label=_("Tag"), field_name="tags__name", lookup_expr="iexact"
    )

    class Meta:
        model = Contact
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the outlets the user reaches are offered (and accepted).
        self.filters["outlet"].queryset = outlets_for_contacts(user).order_by("name")


class ContactIndexView(OutletScopedIndexView):
    """Contacts of the user's outlets: columns, search and export limited to
    the fields they may see; each page shown and each export logged."""

    export_filename = "contacts"
    filterset_class = ContactFilterSet
    # Times as the site's clock shows them, to the minute; XLSX keeps dates
    # as date cells.
    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        datetime.datetime: {
            "xlsx": local_datetime,
            "csv": lambda value: local_datetime(value).strftime("%Y-%m-%d %H:%M"),
        },
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Now, in the user's language: the file streams after the view ends.
        self.csv_delimiter = csv_delimiter()
        self.language = translation.get_language()
        self.time_zone = timezone.get_current_timezone()

    def get_filename(self):
        return f"contacts-{timezone.localdate():%Y-%m-%d}"

    def stream_csv(self, queryset):
        return localised(self.csv_chunks(queryset), self.language, self.time_zone)

    def csv_chunks(self, queryset):
        # A byte order mark, so Excel reads UTF-8 (accents) instead of
        # guessing Windows-1252; the separator Excel expects in the
        # user's language.
        yield "\ufeff"
        writer = csv.DictWriter(
            Echo(), fieldnames=self.list_export, delimiter=self.csv_delimiter
        )
        yield writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "user": self.request.user}

    @cached_property
    def visible(self):
        return visible_fields(self.request.user)

    @cached_property
    def search_fields(self):
        return [name for name in SEARCHABLE if name in self.visible]

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(erased_at__isnull=True)
            .select_related("outlet")
            .prefetch_related("tags")
        )

    @cached_property
    def several_outlets(self):
        return outlets_for_contacts(self.request.user)[:2].count() > 1

    @cached_property
    def columns(self):
        columns = []
        if "email" in self.visible:
            columns.append(
                TitleColumn(
                    "email",
                    label=_("Email"),
                    sort_key="email",
                    get_url=lambda c: self.get_inspect_url(c),
                )
            )
        else:
            columns.append(
                TitleColumn("__str__", label=_("Contact"), get_url=self.get_inspect_url)
            )
        for name in LIST_COLUMNS:
            if name in self.visible:
                field = self.model._meta.get_field(name)
                if name == "outlet" and not self.several_outlets:
                    continue  # one outlet: its name on every row says nothing
                if name == "birthday":
                    # A date, not "72 years ago"; without a year, the day
                    # and month.
                    columns.append(
                        Column(
                            name,
                            label=capfirst(field.verbose_name),
                            accessor=lambda c: birthday_display(
                                c.birthday, "SHORT_DATE_FORMAT"
                            ),
                            sort_key=name,
                        )
                    )
                else:
                    columns.append(
                        Column(
                            name,
                            label=capfirst(field.verbose_name),
                            accessor=f"get_{name}_display" if field.choices else name,
                            sort_key=name,
                        )
                    )
        if "tags" in self.visible:
            columns.append(Column("tags", label=_("Tags"), accessor=tag_names))
        return columns

    def get_inspect_url(self, instance):
        return super().get_inspect_url(instance)

    @property
    def list_export(self):
        names = [n for n in self.visible if n != "tags"]
        if "tags" in self.visible:
            names.append("tag_list")
        return names + [f"attributes.{d.key}" for d in self.export_attributes]

    @cached_property
    def export_attributes(self):
        return visible_attributes(self.request.user)

    @property
    def export_headings(self):
        headings = {"tag_list": _("Tags")}
        headings.update(
            {f"attributes.{d.key}": d.label for d in self.export_attributes}
        )
        return headings

    def to_row_dict(self, item):
        item.tag_list = tag_names(item)
        row = {}
        for field in self.list_export:
            if field.startswith("attributes."):
                value = item.attributes.get(field.split(".", 1)[1], "")
            elif field == "outlet":
                value = item.outlet.name
            else:
                value = getattr(item, field)
                model_field = (
                    item._meta.get_field(field) if field != "tag_list" else None
                )
                if model_field is not None and model_field.choices:
                    value = getattr(item, f"get_{field}_display")()
                elif field == "birthday" and is_yearless(value):
                    # ISO 8601 without a year; a date cell would say 1604.
                    value = birthday_iso(value)
            # XLSX cells are typed (Wagtail writes formula-like text as
            # text); only CSV needs the leading apostrophe.
            row[field] = spreadsheet_safe(value) if self.export_is_csv else value
        return row

    @cached_property
    def export_is_csv(self):
        return self.request.GET.get("export") == self.FORMAT_CSV

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(InChunks(queryset), spreadsheet_format)

    def get(self, request, *args, **kwargs):
        if self.is_export and not may_export(request.user):
            raise PermissionDenied
        response = super().get(request, *args, **kwargs)
        if self.is_export:
            log_access(
                request.user,
                ContactAccess.Action.EXPORT,
                count=super().get_queryset().count(),
                format=request.GET.get("export"),
                query=request.GET.urlencode(),
            )
        elif hasattr(response, "context_data"):
            shown = response.context_data.get("object_list") or []
            log_access(request.user, ContactAccess.Action.LIST, contacts=list(shown))
        return response

    @cached_property
    def show_export_buttons(self):
        return may_export(self.request.user)


class ContactInspectView(OutletScopedInspectView):
    def setup(self, request, *args, **kwargs):
        # The fields depend on the contact's outlet: find it (or 404) first.
        self.request = request
        self.kwargs = kwargs
        self.pk = kwargs[self.pk_url_kwarg]
        self.object = self.get_object()
        super().setup(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        return super().get_object(queryset)

    def get_fields(self):
        return [
            n
            for n in visible_fields(self.request.user, self.object.outlet_id)
            if n != "tags"
        ]

    def get_field_display_value(self, field_name, field):
        if field_name == "birthday":
            return birthday_display(self.object.birthday) or "—"
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value, "DATE_FORMAT")
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        definitions = visible_attributes(self.request.user, self.object.outlet_id)
        context["attributes"] = [
            (d.label, self.object.attributes.get(d.key, "")) for d in definitions
        ]
        context["tags"] = (
            tag_names(self.object)
            if "tags" in visible_fields(self.request.user, self.object.outlet_id)
            else None
        )
        # An erased contact has no data left to download or erase.
        context["may_erase"] = (
            self.object.erased_at is None
            and self.permission_policy.user_has_permission_for_instance(
                self.request.user, "delete", self.object
            )
        )
        if context["may_erase"] and not visible_to(self.request.user, self.object)[2]:
            context["data_export_note"] = HQ_HOLDS_MORE
        log_access(
            self.request.user,
            ContactAccess.Action.VIEW,
            contacts=[self.object],
            outlet=self.object.outlet,
        )
        return context


class ContactFormMixin:
    def get_form_class(self):
        return contact_form_class(self.request.user, getattr(self, "object", None))


class ContactCreateView(ContactFormMixin, generic.CreateView):
    def save_instance(self):
        contact = self.form.save()
        log_access(
            self.request.user,
            ContactAccess.Action.CHANGE,
            contacts=[contact],
            outlet=contact.outlet,
            created=True,
        )
        return contact


class ContactEditView(ContactFormMixin, OutletScopedEditView):
    def get_object(self, queryset=None):
        contact = super().get_object(queryset)
        if contact.erased_at is not None:
            raise Http404  # anonymised for good: nothing to edit
        return contact

    def save_instance(self):
        contact = self.form.save()
        log_access(
            self.request.user,
            ContactAccess.Action.CHANGE,
            contacts=[contact],
            outlet=contact.outlet,
            fields=sorted(self.form.changed_data),
        )
        return contact


class ContactEraseView(OutletScopedObjectMixin, generic.DeleteView):
    """Wagtail's delete view, erasing (anonymising) instead of deleting."""

    object_action = "delete"
    template_name = "wagtail_distmark/contacts/confirm_erase.html"
    page_title = _("Erase")

    def get_success_message(self):
        return _(
            "The contact's personal data was erased; their address will never be mailed again."
        )

    def delete_action(self):
        EraseContactAction(self.object, self.request.user).execute()

    def form_valid(self, form):
        try:
            self.delete_action()
        except PermissionDenied as refused:
            messages.error(
                self.request, str(refused) or _("You may not erase this contact.")
            )
            return redirect(self.index_url_name)
        messages.success(self.request, self.get_success_message())
        return redirect(self.index_url_name)


class ContactDataExportView(OutletScopedObjectMixin, generic.InspectView):
    """One contact's data as a JSON download (GDPR right of access)."""

    object_action = "delete"

    def get(self, request, *args, **kwargs):
        data = ContactDataExportAction(self.object, request.user).execute()
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="contact-{self.object.pk}.json"'
        )
        return response


# The suppression list ------------------------------------------------------------


class SuppressionIndexView(generic.IndexView):
    def get_delete_url(self, instance):
        # Only a suppression HQ added by hand may be withdrawn.
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", instance
        ):
            return super().get_delete_url(instance)
        return None


class SuppressionCreateView(generic.CreateView):
    def get_success_buttons(self):
        # A suppression is not edited afterwards: no "Edit" button.
        return []


class SuppressionDeleteView(generic.DeleteView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail checks the model-level permission; evidence (a bounce, a
        # complaint, an unsubscription, an erasure) is never deleted.
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "delete", self.object
        ):
            raise PermissionDenied
