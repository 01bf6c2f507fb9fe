"""Admin screens: the template library (everyone), its reports (HQ), the outlet page editor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.views.pages.edit import EditView

from ..outlets.access import user_is_hq
from ..outlets.models import Outlet
from ..rules import has_any_outlet_role
from ..workflows.publishing import brand_check_problems
from .deploy import DeployTemplateAction
from .forms import DeployForm
from .merge import merge_template
from .models import LocalPage, TemplateDeployment, TemplatePage
from .services import (
    create_local_page,
    existing_local_page,
    outlet_pages_with_drafts,
)

PER_PAGE = 25
MAX_LINKS = 5  # links to a template's pages shown per row


def can_browse_library(user):
    return user_is_hq(user) or has_any_outlet_role(user)


def outlets_for_new_pages(user):
    """The user's outlets (page permissions are checked when creating)."""
    return (
        Outlet.objects.for_user(user, "view")
        .select_related("home_page")
        .order_by("name")
    )


class LibraryAccessMixin:
    hq_only = False

    def dispatch(self, request, *args, **kwargs):
        allowed = (
            user_is_hq(request.user)
            if self.hq_only
            else can_browse_library(request.user)
        )
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TemplateLibraryView(LibraryAccessMixin, View):
    """Every published HQ template, read-only, with "use for my outlet"."""

    template_name = "wagtail_distmark/inheritance/template_library.html"

    def get(self, request):
        query = (request.GET.get("q") or "").strip()
        templates = (
            TemplatePage.objects.live()
            .annotate(outlet_page_count=Count("local_pages"))
            .order_by("title")
        )
        if query:
            templates = templates.filter(
                Q(title__icontains=query) | Q(description__icontains=query)
            )
        page = Paginator(templates, PER_PAGE).get_page(request.GET.get("p"))
        outlets = list(outlets_for_new_pages(request.user))
        own_pages = {
            (local.hq_template_id, local.outlet_id): local
            for local in LocalPage.objects.filter(
                hq_template__in=[t.pk for t in page.object_list],
                outlet__in=outlets,
            ).only("pk", "hq_template_id", "outlet_id", "title")
        }
        rows = []
        for template in page.object_list:
            existing = [
                own_pages[(template.pk, outlet.pk)]
                for outlet in outlets
                if (template.pk, outlet.pk) in own_pages
            ]
            rows.append(
                {
                    "template": template,
                    "existing": existing[:MAX_LINKS],
                    "more_existing": max(0, len(existing) - MAX_LINKS),
                    "without_page": [
                        outlet
                        for outlet in outlets
                        if (template.pk, outlet.pk) not in own_pages
                    ],
                }
            )
        return TemplateResponse(
            request,
            self.template_name,
            {
                "page_obj": page,
                "rows": rows,
                "query": query,
                "outlets": outlets,
                "is_hq": user_is_hq(request.user),
                "deploy_enabled": True,
                "header_icon": "doc-full-inverse",
            },
        )


class TemplatePreviewView(LibraryAccessMixin, View):
    """HQ's live template, as HQ wrote it, for anyone who may use it."""

    def get(self, request, pk):
        template = get_object_or_404(TemplatePage.objects.live(), pk=pk)
        return template.serve_preview(request, template.default_preview_mode)


class UseTemplateView(LibraryAccessMixin, View):
    """Create the outlet's page from a template (or open the existing one)."""

    def post(self, request, pk):
        template = get_object_or_404(TemplatePage.objects.live(), pk=pk)
        # The outlet must be one of the user's: a crafted id gets a 404.
        outlet_id = request.POST.get("outlet") or ""
        if not outlet_id.isdigit():
            raise Http404
        outlet = get_object_or_404(outlets_for_new_pages(request.user), pk=outlet_id)
        page = existing_local_page(template, outlet)
        if page is None:
            try:
                page = create_local_page(template, outlet, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("distmark_templates:index")
            messages.success(
                request,
                _("“%(title)s” created for %(outlet)s: fill in what HQ left open.")
                % {"title": page.title, "outlet": outlet.name},
            )
            # Said at once, not only when publishing: HQ's content may stop
            # it from going live (an expired visual in a locked block).
            for problem in brand_check_problems(page):
                messages.warning(
                    request,
                    _("Before it can be published: %(problem)s") % {"problem": problem},
                )
        return redirect("wagtailadmin_pages:edit", page.pk)


class DriftReportView(LibraryAccessMixin, View):
    """For HQ: every outlet page built on a template, and what needs review."""

    hq_only = True
    template_name = "wagtail_distmark/inheritance/drift_report.html"

    def get(self, request, pk):
        template = get_object_or_404(TemplatePage, pk=pk)
        # The editor works on the latest revision: drafts' overrides come
        # from their revisions, in one query.
        pages = outlet_pages_with_drafts(template)
        only_stale = request.GET.get("stale") == "1"
        rows = []
        for page, overrides in pages:
            # One template object for all: no query per page.
            merge = merge_template(
                template, page.overrides if overrides is None else overrides
            )
            if only_stale and not merge.stale:
                continue
            rows.append(
                {
                    "page": page,
                    "outlet": page.outlet,
                    "customised": sum(1 for m in merge.blocks if m.overridden_fields),
                    "stale": merge.stale,
                    "missing_required": merge.missing_required,
                }
            )
        paginated = Paginator(rows, 50).get_page(request.GET.get("p"))
        return TemplateResponse(
            request,
            self.template_name,
            {
                "template": template,
                "page_obj": paginated,
                "only_stale": only_stale,
                "stale_total": sum(1 for row in rows if row["stale"]),
                "header_icon": "warning",
            },
        )


class DeployTemplateView(LibraryAccessMixin, View):
    """HQ chooses outlets for a template; the deployment runs in the background."""

    hq_only = True
    template_name = "wagtail_distmark/inheritance/deploy.html"

    def get_template_page(self, pk):
        return get_object_or_404(TemplatePage, pk=pk)

    def render(self, request, template, form):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "template": template,
                "form": form,
                "recent": template.deployments.select_related("requested_by")[:5],
                "header_icon": "upload",
            },
        )

    def get(self, request, pk):
        return self.render(request, self.get_template_page(pk), DeployForm())

    def post(self, request, pk):
        template = self.get_template_page(pk)
        form = DeployForm(request.POST)
        if form.is_valid():
            action = DeployTemplateAction(
                template,
                request.user,
                target=form.cleaned_data["target"],
                publish=form.cleaned_data["publish"],
            )
            try:
                deployment = action.execute()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("distmark_templates:deployment", deployment.pk)
        return self.render(request, template, form)


class DeploymentView(LibraryAccessMixin, View):
    """A deployment's progress; refreshes itself until it is finished."""

    hq_only = True
    template_name = "wagtail_distmark/inheritance/deployment.html"

    def get(self, request, pk):
        deployment = get_object_or_404(
            TemplateDeployment.objects.select_related("template_page", "requested_by"),
            pk=pk,
        )
        running = deployment.status in (deployment.PENDING, deployment.RUNNING)
        # Created, but kept as drafts: they failed the brand checks.
        drafts = sum(1 for error in deployment.errors if error.get("draft"))
        if request.GET.get("format") == "json":
            return JsonResponse(
                {
                    "status": deployment.status,
                    "total": deployment.total,
                    "created": deployment.created_count,
                    "skipped": deployment.skipped_count,
                    "failed": deployment.failed_count,
                    "kept_as_drafts": drafts,
                    "percent": deployment.percent,
                    "errors": deployment.errors,
                }
            )
        return TemplateResponse(
            request,
            self.template_name,
            {
                "deployment": deployment,
                "running": running,
                "kept_as_drafts": drafts,
                "header_icon": "upload",
            },
        )


class LocalPageEditView(EditView):
    """Wagtail's page editor, telling the outlet what HQ changed under it."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        page = self.page
        if page.hq_template_id is None:
            messages.warning(
                request,
                _(
                    "HQ deleted the template this page was built on. Choose another "
                    "template to re-link it; your values are kept meanwhile."
                ),
            )
        elif page.merge.stale:
            messages.warning(
                request,
                ngettext(
                    "HQ changed %(count)d block you had customised: it is marked "
                    "below. Your page shows HQ's version until you review it.",
                    "HQ changed %(count)d blocks you had customised: they are "
                    "marked below. Your page shows HQ's version until you review them.",
                    len(page.merge.stale),
                )
                % {"count": len(page.merge.stale)},
            )
        return response
