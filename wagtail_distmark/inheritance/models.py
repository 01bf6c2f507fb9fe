"""HQ templates and the outlet pages that inherit them live."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from ..blocks.fields import DistributableStreamField
from ..blocks.registry import template_block_types
from ..outlets.models import Outlet, OutletHomePage, OutletLanguageMixin
from .forms import LocalPageForm
from .merge import merge_template
from .overrides import clean_overrides


class TemplateLibraryPage(Page):
    """HQ's template library: the one tree holding every template.

    Created by ``ensure_network``. Not a public page; local editors browse it
    read-only through the admin's template library screen.
    """

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["wagtail_distmark.TemplatePage"]
    max_count = 1

    class Meta:
        verbose_name = _("template library")

    def serve(self, request, *args, **kwargs):
        raise Http404


class TemplatePage(Page):
    """An HQ template: blocks with a local policy that outlet pages inherit."""

    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the template is for, shown to outlets in the library."),
    )
    body = DistributableStreamField(blank=True, verbose_name=_("content"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        FieldPanel("body"),
    ]
    parent_page_types = ["wagtail_distmark.TemplateLibraryPage"]
    subpage_types = []
    template = "wagtail_distmark/inheritance/template_page.html"

    class Meta:
        verbose_name = _("HQ template")
        verbose_name_plural = _("HQ templates")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Blocks filled from an outlet's profile show placeholders here.
        context["outlet"] = None
        context["content"] = self.body
        return context

    def serve(self, request, *args, **kwargs):
        # Templates are seen through previews and the outlet pages built on them.
        if not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    @property
    def required_block_count(self):
        return sum(
            1
            for child in self.body.raw_data
            if (child.get("value") or {}).get("local_policy") == "required"
        )


class OverridesField(models.JSONField):
    """An outlet page's overrides; tells Wagtail's reference index what they use.

    An image an outlet chose in an override is then listed as used by that
    outlet page, like any image in a StreamField.
    """

    def extract_references(self, value):
        if not isinstance(value, dict):
            return
        blocks = dict(template_block_types())
        for block_id, override in value.items():
            if not isinstance(override, dict):
                continue
            block = blocks.get(override.get("type"))
            if block is None:
                continue
            for name, raw in (override.get("values") or {}).items():
                child = block.child_blocks.get(name)
                if child is None:
                    continue
                for (
                    model,
                    object_id,
                    model_path,
                    content_path,
                ) in child.extract_references(child.to_python(raw)):
                    yield (
                        model,
                        object_id,
                        f"{override['type']}.{name}.{model_path}".rstrip("."),
                        f"{block_id}.{name}.{content_path}".rstrip("."),
                    )


class LocalPage(OutletLanguageMixin, Page):
    """An outlet's page built on an HQ template.

    Stores only the outlet's overrides, keyed by template block id; what it
    shows is :func:`~.merge.merge_template` of the template's live content and
    these overrides (the draft's overrides in previews).
    """

    hq_template = models.ForeignKey(
        TemplatePage,
        verbose_name=_("HQ template"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="local_pages",
        help_text=_("The HQ template this page is built on."),
    )
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        null=True,
        editable=False,
        # Offboarding deletes the outlet's page tree through Wagtail first.
        on_delete=models.SET_NULL,
        related_name="local_pages",
    )
    overrides = OverridesField(
        _("outlet's changes"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hq_template"),
        FieldPanel("overrides"),
    ]
    parent_page_types = [OutletHomePage]
    subpage_types = []
    template = "wagtail_distmark/inheritance/local_page.html"
    base_form_class = LocalPageForm

    search_fields = [*Page.search_fields, index.SearchField("merged_text")]
    # A copy in another outlet's tree belongs to that outlet (set on save).
    exclude_fields_in_copy = ["outlet"]

    class Meta:
        verbose_name = _("local page")
        verbose_name_plural = _("local pages")

    @cached_property
    def merge(self):
        return merge_template(self.hq_template, self.overrides)

    def refresh_merge(self):
        self.__dict__.pop("merge", None)

    def merged_text(self):
        """The merged content as text, for Wagtail's search index."""
        return " ".join(str(text) for text in self.merge.searchable_content())

    def clean(self):
        super().clean()
        if self.hq_template_id is None:
            return
        outlet = (
            self.outlet
            if self.outlet_id
            else (self.outlet_from_tree() if self.path else None)
        )
        normalised, errors = clean_overrides(self.hq_template, self.overrides, outlet)
        if errors:
            raise ValidationError(
                {"overrides": errors.as_validation_error(self.merge).messages}
            )
        self.overrides = normalised
        self.refresh_merge()

    def outlet_from_tree(self):
        """The outlet whose page tree holds this page."""
        return (
            Outlet.objects.filter(
                home_page__in=Page.objects.ancestor_of(self, inclusive=True)
            )
            .only("pk")
            .first()
        )

    def save(self, *args, **kwargs):
        if self.outlet_id is None and self.path:
            self.outlet = self.outlet_from_tree()
        self.refresh_merge()
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["outlet"] = (
            Outlet.objects.select_related(
                "manager_photo__collection", "manager_photo__distmark_rights"
            )
            .prefetch_related("opening_hours")
            .filter(pk=self.outlet_id)
            .first()
        )
        context["content"] = self.merge.stream_value
        context["template_missing"] = self.hq_template_id is None
        return context

    def outlet_language(self):
        outlet = self.outlet if self.outlet_id else None
        return outlet.locale if outlet else None


class TemplateDeployment(models.Model):
    """One request by HQ to create a template's page in many outlets, and its progress."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUS_CHOICES = [
        (PENDING, _("Waiting to start")),
        (RUNNING, _("Running")),
        (DONE, _("Finished")),
        (FAILED, _("Failed")),
    ]

    template_page = models.ForeignKey(
        TemplatePage,
        verbose_name=_("HQ template"),
        on_delete=models.CASCADE,
        related_name="deployments",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publish = models.BooleanField(_("publish at once"), default=False)
    # {"all": true} or {"regions": [ids]} or {"outlets": [ids]}
    target = models.JSONField(_("target"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=STATUS_CHOICES, default=PENDING
    )
    total = models.PositiveIntegerField(_("outlets targeted"), default=0)
    created_count = models.PositiveIntegerField(_("pages created"), default=0)
    skipped_count = models.PositiveIntegerField(_("outlets skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("outlets failed"), default=0)
    # [{"outlet": id, "name": "...", "error": "..."}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("template deployment")
        verbose_name_plural = _("template deployments")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.template_page} ({self.get_status_display()})"

    @property
    def done_count(self):
        return self.created_count + self.skipped_count + self.failed_count

    @property
    def percent(self):
        return round(100 * self.done_count / self.total) if self.total else 0
