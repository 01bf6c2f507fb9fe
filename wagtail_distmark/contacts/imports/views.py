"""Admin screens of the contact import: upload, mapping, progress, result,
the rejected rows report and the list of past imports.

Every view finds the import among those of the outlets the user may add
contacts to (``visible_imports``): another outlet's import is a 404, by URL
or by id. Starting an import checks the permission again on the server.
"""

import csv
import io
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ...outlets.access import get_network_roles, user_is_hq
from ...outlets.roles import CONTACT_ACTION_ROLES
from ..models import ContactImport
from .forms import MappingForm, UploadForm, read_preview
from .mapping import (
    ATTRIBUTE_PREFIX,
    FIELDS,
    IGNORE,
    MAILCHIMP,
    ORIGIN_NAMES,
    detect_origin,
)
from .reader import ImportFileError
from .services import (
    ImportContactsAction,
    date_columns,
    date_order_summary,
    date_order_texts,
    importable_definitions,
    read_progress,
    scan_date_orders,
    visible_imports,
    withdrawal_texts,
)
from .tasks import import_contacts_task

PER_PAGE = 25
#: The report's first rows shown on the result page; all are in the download.
REPORT_ROWS_SHOWN = 20
#: The characters a report's value is defused for (see ``services.safe_cell``).
DEFUSED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def first_report_rows(job, limit=REPORT_ROWS_SHOWN):
    """The report's first ``limit`` rows (line, column, value, reason), as
    the page shows them: a value defused for spreadsheets is shown as typed."""
    if not job.report:
        return []
    rows = []
    with job.report.open("rb") as raw:
        text = io.TextIOWrapper(raw, "utf-8-sig", newline="")
        reader = csv.reader(text)
        next(reader, None)  # the header
        for row in reader:
            line, column, value, reason = (row + ["", "", "", ""])[:4]
            if value.startswith(DEFUSED):
                value = value[1:]
            rows.append(
                {"line": line, "column": column, "value": value, "reason": reason}
            )
            if len(rows) >= limit:
                break
    return rows


def may_import_somewhere(user):
    """Whether ``user`` may add contacts to at least one outlet (the menu)."""
    if user_is_hq(user):
        return True
    return bool(get_network_roles(user).outlet_ids_for(CONTACT_ACTION_ROLES["add"]))


def start(contact_import, user):
    """Check, then run the import in the background once this request commits."""
    ImportContactsAction(contact_import, user).check()
    transaction.on_commit(partial(import_contacts_task.enqueue, contact_import.pk))


class ImporterRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_import_somewhere(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportObjectMixin(ImporterRequiredMixin):
    @cached_property
    def contact_import(self):
        return get_object_or_404(
            visible_imports(self.request.user), pk=self.kwargs["pk"]
        )


class BaseImportView(WagtailAdminTemplateMixin):
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        items = [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {
                "url": reverse("distmark_contact_imports:index"),
                "label": _("Contact imports"),
            },
        ]
        return items + [{"url": "", "label": self.get_page_title()}]


class ImportIndexView(ImporterRequiredMixin, BaseImportView, TemplateView):
    template_name = "wagtail_distmark/contacts/imports/index.html"
    page_title = _("Contact imports")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imports = visible_imports(self.request.user).order_by("-created_at", "-pk")
        page = Paginator(imports, PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(page_obj=page, imports=page.object_list)
        return context


class ImportUploadView(ImporterRequiredMixin, BaseImportView, FormView):
    template_name = "wagtail_distmark/contacts/imports/upload.html"
    page_title = _("Import contacts")
    form_class = UploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        outlet = form.cleaned_data["outlet"]
        upload = form.cleaned_data["file"]
        job = ContactImport(
            outlet=outlet,
            created_by=self.request.user,
            original_name=upload.name[:255],
            dry_run=form.cleaned_data["dry_run"],
            mapping={
                "columns": form.mapping,
                "header": form.header,
                "left_out": form.left_out,
                "origin": detect_origin(form.header),
            },
        )
        # The form's outlets are the user's; the action checks again.
        ImportContactsAction(job, self.request.user).check()
        job.file.save(upload.name, upload, save=False)
        job.save()
        return redirect("distmark_contact_imports:mapping", pk=job.pk)


class ImportMappingView(ImportObjectMixin, BaseImportView, FormView):
    template_name = "wagtail_distmark/contacts/imports/mapping.html"
    page_title = _("Map the columns")

    def get(self, request, *args, **kwargs):
        if self.contact_import.status != ContactImport.Status.PENDING:
            return redirect(
                "distmark_contact_imports:detail", pk=self.contact_import.pk
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.contact_import.status != ContactImport.Status.PENDING:
            return redirect(
                "distmark_contact_imports:detail", pk=self.contact_import.pk
            )
        return super().post(request, *args, **kwargs)

    @cached_property
    def preview(self):
        try:
            with self.contact_import.file.open("rb") as fileobj:
                return read_preview(fileobj)
        except (ImportFileError, OSError) as error:
            raise Http404(str(error)) from None

    def get_form(self, form_class=None):
        header, _rows = self.preview
        return MappingForm(
            **self.get_form_kwargs(),
            header=header,
            mapping=self.contact_import.mapping.get("columns") or [],
            user=self.request.user,
            outlet_id=self.contact_import.outlet_id,
            origin=detect_origin(header),
        )

    def form_valid(self, form):
        job = self.contact_import
        job.mapping = {
            **job.mapping,
            "columns": form.columns,
            "header": form.header,
            "consent_confirmed": form.consent_confirmed,
            "confirmed_by": (
                self.request.user.get_username() if form.consent_confirmed else ""
            ),
        }
        start(job, self.request.user)
        job.save(update_fields=["mapping"])
        return redirect("distmark_contact_imports:detail", pk=job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        header, rows = self.preview
        job = self.contact_import
        definitions = {
            d.key: d for d in importable_definitions(self.request.user, job.outlet_id)
        }
        declared = set(definitions)
        unknown = [
            name
            for name, target in zip(
                header, self.contact_import.mapping.get("columns") or [], strict=False
            )
            if target.startswith(ATTRIBUTE_PREFIX)
            and target[len(ATTRIBUTE_PREFIX) :] not in declared
        ]
        lines = [line for line, _cells in rows]
        rows = [
            [str(c) for c in cells] + [""] * (len(header) - len(cells))
            for _line, cells in rows
        ]
        form = context["form"]
        targets = form.targets()
        left_out = set(job.mapping.get("left_out") or [])

        def columns_for(*wanted):
            return [
                name or str(FIELDS.get(t, t))
                for name, t in zip(header, targets, strict=False)
                if t in wanted
            ]

        origin = form.origin
        context.update(
            origin=ORIGIN_NAMES.get(origin, ""),
            mailchimp_birthdays=origin.startswith(MAILCHIMP) and "birthday" in targets,
            date_orders=self.date_order_texts(header, targets, definitions, origin),
            consent_columns=columns_for("email_consent"),
            withdrawal_texts=self.withdrawal_texts(header, targets),
            confirm_field=(
                form["consent_confirmed"]
                if "consent_confirmed" in form.fields
                else None
            ),
            ignored_columns=[
                name
                for i, (name, t) in enumerate(zip(header, targets, strict=False))
                if t == IGNORE and name and i not in left_out
            ],
        )
        context.update(
            contact_import=self.contact_import,
            preview_rows=rows,
            # Numbered by the file's lines, as every other message is.
            preview_lines=lines,
            columns=[
                (field, [row[i] for row in rows])
                for i, field in enumerate(context["form"].rows())
            ],
            unknown_columns=unknown,
            left_out_columns=[
                header[i] for i in job.mapping.get("left_out") or [] if i < len(header)
            ],
        )
        return context

    def withdrawal_texts(self, header, targets):
        """The email withdrawal columns, with the values that withdraw."""
        columns = [i for i, t in enumerate(targets) if t == "email_withdrawn"]
        if not columns:
            return []
        job = self.contact_import
        try:
            with job.file.storage.open(job.file.name, "rb") as fileobj:
                return withdrawal_texts(fileobj, header, columns)
        except (ImportFileError, OSError) as error:
            raise Http404(str(error)) from None

    def date_order_texts(self, header, targets, definitions, origin):
        """How the import will read the file's dates, as mapped: decided
        from the whole file, as the import will (one pass)."""
        columns = date_columns(targets, definitions, origin)
        if not columns:
            return []
        job = self.contact_import
        try:
            with job.file.storage.open(job.file.name, "rb") as fileobj:
                orders = scan_date_orders(fileobj, columns, origin)
        except (ImportFileError, OSError) as error:
            raise Http404(str(error)) from None
        return date_order_texts(date_order_summary(header, orders))


class ImportDetailView(ImportObjectMixin, BaseImportView, TemplateView):
    """The progress bar while the import runs, then its result."""

    template_name = "wagtail_distmark/contacts/imports/detail.html"

    def get_page_title(self):
        return _("Import of %(file)s") % {"file": self.contact_import.original_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.contact_import
        processed, total = read_progress(job)
        running = job.status in (
            ContactImport.Status.PENDING,
            ContactImport.Status.RUNNING,
        )
        finished = job.status == ContactImport.Status.DONE
        # One more row than shown: whether the download holds more.
        report_rows = first_report_rows(job, REPORT_ROWS_SHOWN + 1) if finished else []
        context.update(
            contact_import=job,
            date_orders=date_order_texts(job.mapping.get("date_orders") or []),
            processed=processed,
            total=total,
            running=running,
            report_rows=report_rows[:REPORT_ROWS_SHOWN],
            report_has_more=len(report_rows) > REPORT_ROWS_SHOWN,
            # A dry run whose every row would be rejected: importing it for
            # real would do nothing, so the page says so instead of offering it.
            all_rejected=finished
            and job.total_rows > 0
            and job.rejected_count >= job.total_rows,
        )
        return context


def progress_data(job):
    processed, total = read_progress(job)
    done = job.status == ContactImport.Status.DONE
    percent = 100 if done else (min(100, int(100 * processed / total)) if total else 0)
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "processed": processed,
        "total": total,
        "percent": percent,
        "finished": job.status
        in (ContactImport.Status.DONE, ContactImport.Status.FAILED),
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
        "consent_not_restored": job.mapping.get("consent_not_restored", 0),
        "error": job.error,
    }


class ImportProgressView(ImportObjectMixin, View):
    """JSON for the progress bar's polling."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(progress_data(self.contact_import))


class ImportReportView(ImportObjectMixin, View):
    """The rejected rows report, from the private storage."""

    def get(self, request, *args, **kwargs):
        job = self.contact_import
        if not job.report:
            raise Http404
        return FileResponse(
            job.report.open("rb"),
            as_attachment=True,
            filename=f"rejected-rows-{job.pk}.csv",
            content_type="text/csv",
        )


class ImportRunView(ImportObjectMixin, View):
    """After a dry run: the same file and mapping, imported for real."""

    def post(self, request, *args, **kwargs):
        dry = self.contact_import
        if not dry.dry_run or dry.status != ContactImport.Status.DONE:
            raise Http404
        job = ContactImport(
            outlet=dry.outlet,
            created_by=request.user,
            file=dry.file.name,
            original_name=dry.original_name,
            mapping=dry.mapping,
        )
        ImportContactsAction(job, request.user).check()
        job.save()
        start(job, request.user)
        # No "has started" message: the progress page says so while it runs,
        # and a message would stay for the next page (the finished result).
        return redirect("distmark_contact_imports:detail", pk=job.pk)
