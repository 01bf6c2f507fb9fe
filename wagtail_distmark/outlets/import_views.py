"""Admin screens of the outlet import: upload, then the import's report.

HQ only, like adding outlets and regions (docs/roles.md): every view refuses
anyone else, whatever the URL or the job id. The import itself is the same
service as the command's (``import_outlets``), run as a background task
(``import_jobs``); the service checks again that its user is HQ.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import include, re_path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from .access import user_is_hq
from .import_jobs import OutletImportJob
from .importing import OutletImportError, RowError, check_file, quoted

#: The largest file the admin accepts (1,000 outlets take about 250 KB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".txt")
#: Rejected rows listed on the report page; all of them are in the download.
ERRORS_SHOWN = 200


def header_buttons(user):
    """The Outlets listing's "Import outlets" button, for HQ only."""
    if not user_is_hq(user):
        return []
    return [
        HeaderButton(
            _("Import outlets"),
            url=reverse("distmark_outlet_imports:upload"),
            icon_name="upload",
        )
    ]


class OutletImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Comma or semicolon separated, UTF-8 or Windows encoding (as Excel "
            "saves it). The first row names the columns: slug, name and region "
            "are required; see the documentation for the others."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        initial=True,
        help_text=_(
            "Check every row as a real import would, then save nothing. The "
            "report then offers to import the same file for real."
        ),
    )
    create_regions = forms.BooleanField(
        label=_("Create missing regions"),
        required=False,
        help_text=_(
            "Regions the file names but the network lacks are created directly "
            "under the network, named as the file spells them (rename them "
            "afterwards). "
            "Without it, rows with an unknown region are rejected."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_SUFFIXES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        # The file as a whole is checked now, so that a wrong file is said at
        # once, not after a background run.
        try:
            check_file(upload)
        except OutletImportError as error:
            raise forms.ValidationError(str(error)) from None
        finally:
            upload.seek(0)
        return upload


class HQRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_is_hq(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class JobMixin(HQRequiredMixin):
    @cached_property
    def job(self):
        job = OutletImportJob.get(self.kwargs["job_id"])
        if job is None:
            raise Http404
        return job


class BaseImportView(WagtailAdminTemplateMixin):
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("outlets:index"), "label": _("Outlets")},
            {"url": "", "label": self.get_page_title()},
        ]


class OutletImportUploadView(HQRequiredMixin, BaseImportView, FormView):
    template_name = "wagtail_distmark/outlets/import_upload.html"
    page_title = _("Import outlets")
    form_class = OutletImportForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = OutletImportJob.start(
            user=self.request.user,
            fileobj=upload,
            original_name=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            create_regions=form.cleaned_data["create_regions"],
        )
        return redirect("distmark_outlet_imports:detail", job_id=job.id)


class OutletImportDetailView(JobMixin, BaseImportView, TemplateView):
    """ "Importing…" while the task runs (the page reloads itself), then the
    report: counts, regions created, what each update changed, rejected rows."""

    template_name = "wagtail_distmark/outlets/import_detail.html"

    def get_page_title(self):
        return _("Import of %(file)s") % {"file": self.job.original_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.job.report
        context.update(job=self.job, report=report)
        if report is not None:
            # Unknown regions are summed up once per region, not row by row.
            errors = shown_errors(report, report.row_errors[:ERRORS_SHOWN])
            context.update(
                counts=report.counts,
                updates=[
                    (slug, quoted(fields))
                    for slug, fields in sorted(report.changed_fields.items())
                ],
                ignored_columns=quoted(report.ignored_columns),
                errors=errors,
                errors_hidden=max(0, len(report.row_errors) - ERRORS_SHOWN),
                unknown_regions=report.unknown_region_messages(),
                unknown_regions_help=(
                    report.unknown_regions_help() if report.unknown_regions else ""
                ),
                offer_create_regions=can_create_regions_for(self.job),
                offer_import=can_import_for_real(self.job),
            )
        return context


@dataclass
class ShownError(RowError):
    """A rejected row's error as the page lists it, with the cell's value."""

    value: str = ""


def shown_errors(report, errors):
    values = {row.line: row.values for row in report.rejected}
    return [
        ShownError(
            error.line,
            error.column,
            error.message,
            error.code,
            value=str(values.get(error.line, {}).get(error.column, "") or ""),
        )
        for error in errors
    ]


def can_create_regions_for(job):
    """Whether the report offers to import for real creating the missing
    regions: a dry run that failed only because of unknown regions."""
    report = job.report
    return bool(
        job.dry_run
        and not job.create_regions
        and report is not None
        and report.only_unknown_regions
    )


def can_import_for_real(job):
    """Whether the report offers to import the same file for real: a dry run
    that would create or update outlets (not one that rejected every row)."""
    return bool(job.dry_run and job.report is not None and job.report.changes_anything)


class OutletImportRunView(JobMixin, View):
    """After a dry run: the same file and options, imported for real; or,
    when the dry run failed only on unknown regions, creating them."""

    def post(self, request, *args, **kwargs):
        if not self.job.dry_run or self.job.report is None:
            raise Http404
        create_regions = None  # as the dry run did
        if request.POST.get("create_regions"):
            # Checked again here: the page offers it only for such a dry run.
            if not can_create_regions_for(self.job):
                return HttpResponseBadRequest(
                    _("This import does not need missing regions created.")
                )
            create_regions = True
        elif not can_import_for_real(self.job):
            # Checked again here: the page does not offer it.
            return HttpResponseBadRequest(
                _("Importing this file for real would change nothing.")
            )
        job = self.job.again(user=request.user, create_regions=create_regions)
        messages.success(request, _("The import has started."))
        return redirect("distmark_outlet_imports:detail", job_id=job.id)


class OutletImportRejectedRowsView(JobMixin, View):
    """The rejected rows with their errors, as a CSV file to correct and
    import again (the ``line`` and ``errors`` columns are ignored then)."""

    def get(self, request, *args, **kwargs):
        report = self.job.report
        if report is None or not report.rejected:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="rejected-outlets-{self.job.id[:8]}.csv"'
        )
        # BOM so that Excel opens it with the accents right, as the command's.
        response.write("\ufeff")
        report.write_rejected_csv(response)
        return response


JOB = r"(?P<job_id>[0-9a-f]{32})"
app_name = "distmark_outlet_imports"
urlpatterns = [
    re_path(r"^$", OutletImportUploadView.as_view(), name="upload"),
    re_path(rf"^{JOB}/$", OutletImportDetailView.as_view(), name="detail"),
    re_path(rf"^{JOB}/run/$", OutletImportRunView.as_view(), name="run"),
    re_path(
        rf"^{JOB}/rejected/$",
        OutletImportRejectedRowsView.as_view(),
        name="rejected",
    ),
]


def admin_urls():
    """For the ``register_admin_urls`` hook."""
    return [
        re_path(
            r"^distmark/outlet-imports/",
            include((urlpatterns, app_name), namespace=app_name),
        )
    ]
