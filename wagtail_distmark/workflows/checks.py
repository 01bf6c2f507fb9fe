"""Brand compliance checks, run by the automatic "Brand compliance" workflow task.

A check looks at what an outlet submitted and returns findings, each naming
the block concerned. The shipped checks cover HQ's template rules, required
blocks, link domains, banned words and image alt text. Projects add their own
with a hook returning check instances::

    @hooks.register("register_distmark_check")
    def no_shouting():
        return [NoShoutingCheck()]

Outlets are judged on what they wrote: checks read the parts of a page the
outlet changed (and the page title), not HQ's own content, which the outlet
could not fix anyway. For a snippet (a campaign) or another page type, its own
content fields are the outlet's.
"""

import logging
import re
from dataclasses import dataclass, field
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import transaction
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks, hooks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import AbstractImage
from wagtail.models import Page, ReferenceIndex
from wagtail.rich_text import RichText

from ..blocks.library import LinkBlock
from ..conf import distmark_settings
from ..links import links_in_html, refused_link_messages
from .objects import outlet_for

logger = logging.getLogger(__name__)

CHECKS_HOOK = "register_distmark_check"

PASSED = "passed"
FAILED = "failed"
ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One problem found, for a person to read and fix."""

    message: str
    where: str = ""  # the block (and field) concerned, as the editor labels it

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else str(self.message)


@dataclass
class ContentPart:
    """Something the outlet wrote: a field of a block, or the title."""

    where: str
    block: object  # a Wagtail block, or None for plain text and rich text fields
    value: object
    is_title: bool = False
    # Where the part sits in the object, as Wagtail's reference index writes
    # content paths ("overrides.<block id>.blocks.<child id>", "body.<id>").
    path: str = ""


@dataclass(frozen=True)
class Reference:
    """An object the outlet's content refers to (an image, a document, a
    page, a snippet), and where, as the editor labels it."""

    model: type  # the base model: Page for every page type
    object_id: str
    where: str
    # In HQ's template content an outlet page shows, not in what the outlet
    # wrote; ``outlet_may_replace`` when HQ left that field open to outlets.
    from_hq: bool = False
    outlet_may_replace: bool = False


@dataclass(frozen=True)
class NetworkScope:
    """The tree paths that tell an outlet's pages and media from other outlets'."""

    network_pages: str = ""  # the network's page root ("" before setup)
    network_collections: str = ""
    own_pages: str = ""  # the outlet's home page ("" for HQ content)
    own_collection: str = ""

    @staticmethod
    def _foreign(path, network, own):
        return (
            bool(network)
            and path.startswith(network)
            and not (own and path.startswith(own))
        )

    def is_foreign_page(self, path):
        """In the network's tree but not the outlet's: another outlet's or a region's."""
        return self._foreign(path, self.network_pages, self.own_pages)

    def is_foreign_collection(self, path):
        return self._foreign(path, self.network_collections, self.own_collection)


@dataclass
class CheckResult:
    name: str
    label: str
    status: str
    findings: list = field(default_factory=list)

    def as_json(self):
        return {
            "check": self.name,
            "label": str(self.label),
            "status": self.status,
            "findings": [
                {"where": finding.where, "message": str(finding.message)}
                for finding in self.findings
            ],
        }


@dataclass
class ComplianceReport:
    results: list

    @property
    def passed(self):
        return all(result.status == PASSED for result in self.results)

    @property
    def findings(self):
        return [finding for result in self.results for finding in result.findings]

    def as_json(self):
        return [result.as_json() for result in self.results]

    def summary(self):
        """The report as text: it becomes the task's comment, so the page's
        history and the rejection email show it."""
        if self.passed:
            return gettext("All %(count)s brand checks passed.") % {
                "count": len(self.results)
            }
        return "\n".join([gettext("Brand checks found problems:"), *self.problems()])

    def problems(self):
        """One line per finding (or check that could not run), for a person."""
        lines = []
        for result in self.results:
            if result.status == ERROR:
                lines.append(
                    gettext("- %(check)s could not run: %(error)s")
                    % {
                        "check": result.label,
                        "error": "; ".join(str(f) for f in result.findings),
                    }
                )
            else:
                lines.extend(f"- {finding}" for finding in result.findings)
        return lines


class ComplianceSubject:
    """What a check looks at: one revision of a page or snippet."""

    def __init__(self, obj, outlet=None):
        self.obj = obj
        if outlet is not None:
            # Known to the caller: a page about to be created in ``outlet``.
            self.outlet = outlet

    @cached_property
    def outlet(self):
        return outlet_for(self.obj)

    @property
    def is_local_page(self):
        return hasattr(self.obj, "hq_template_id") and hasattr(self.obj, "overrides")

    @cached_property
    def merge(self):
        return self.obj.merge if self.is_local_page else None

    @cached_property
    def local_parts(self):
        """The parts the outlet wrote, with Python values (images loaded in bulk)."""
        parts = []
        title = getattr(self.obj, "title", "")
        if title:
            parts.append(ContentPart(str(_("Title")), None, title, is_title=True))
        if self.merge is not None:
            parts.extend(self._local_page_parts())
        else:
            parts.extend(self._field_parts())
        return parts

    def _local_page_parts(self):
        from ..inheritance.merge import FROM_OUTLET

        merged_by_id = {
            merged.id: merged
            for merged in self.merge.blocks
            if merged.state == FROM_OUTLET
        }
        for child in self.merge.stream_value:
            merged = merged_by_id.get(child.id)
            if merged is None:
                continue
            for name in merged.overridden_fields:
                child_block = merged.block.child_blocks[name]
                value = child.value.get(name)
                path = f"overrides.{merged.id}.{name}"
                if isinstance(child_block, blocks.StreamBlock):
                    # A local zone: name each block the outlet added.
                    for item in value or []:
                        yield ContentPart(
                            f"{merged.label} › {item.block.label}",
                            item.block,
                            item.value,
                            path=f"{path}.{item.id}",
                        )
                    continue
                yield ContentPart(
                    f"{merged.label} › {child_block.label}",
                    child_block,
                    value,
                    path=path,
                )

    def _field_parts(self):
        """The object's own content fields: StreamField blocks, rich text,
        text and web addresses (Wagtail's page fields aside from the title)."""
        from django.db import models as db_models
        from django.utils.text import capfirst
        from wagtail.fields import RichTextField, StreamField

        for model_field in self.obj._meta.concrete_fields:
            name = model_field.name
            if (
                name in page_field_names()
                or name == "title"
                or not model_field.editable
            ):
                continue
            value = getattr(self.obj, name)
            if not value:
                continue
            where = str(capfirst(model_field.verbose_name))
            if isinstance(model_field, StreamField):
                for child in value:
                    yield ContentPart(
                        str(child.block.label or child.block_type),
                        child.block,
                        child.value,
                        path=f"{name}.{child.id}",
                    )
            elif isinstance(model_field, RichTextField):
                yield ContentPart(where, None, RichText(value), path=name)
            elif isinstance(model_field, db_models.URLField):
                yield ContentPart(where, blocks.URLBlock(), value, path=name)
            elif isinstance(
                model_field, (db_models.CharField, db_models.TextField)
            ) and not (
                model_field.choices or isinstance(model_field, db_models.SlugField)
            ):
                yield ContentPart(where, None, value, path=name)

    @cached_property
    def references(self):
        """What the outlet's own content refers to, as :class:`Reference` objects.

        Extracted from this revision with Wagtail's reference index machinery
        (what the index would record were it saved: chooser blocks, links and
        embeds in rich text, foreign keys, inline children), not read from the
        stored index, which reflects the last save. Only references inside
        what the outlet wrote count (:attr:`local_parts`); for a snippet or
        another page type, every content field (not Wagtail's page fields).
        """
        parts = sorted(
            ((part.path, part.where) for part in self.local_parts if part.path),
            key=lambda item: -len(item[0]),
        )
        found = {}
        extracted = ReferenceIndex._extract_references_from_object(self.obj)
        for content_type_id, object_id, model_path, content_path in extracted:
            where = next(
                (
                    label
                    for path, label in parts
                    if content_path == path or content_path.startswith(path + ".")
                ),
                None,
            )
            if where is None:
                # A foreign key or inline child of a snippet's (or another
                # page type's) content; on an outlet page built on a template,
                # anything outside the outlet's values is HQ's or Wagtail's.
                if self.merge is not None:
                    continue
                if model_path.split(".", 1)[0] in page_field_names():
                    continue
                where = self._describe_field(model_path)
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None:
                key = (model, str(object_id), where)
                found.setdefault(key, Reference(*key))
        return list(found.values())

    @cached_property
    def shown_references(self):
        """What the object shows visitors refers to: :attr:`references`, and
        on an outlet page built on a template, the references of HQ's content
        the page shows (``from_hq``), named by block and field.

        Checks about what may be published at all (an asset's usage rights)
        judge these: the outlet page would show HQ's expired visual as much
        as one the outlet chose. Read from the merge the page renders, so
        hidden blocks and the outlet's own values do not count twice.
        """
        if self.merge is None:
            return self.references
        from ..inheritance.merge import FROM_OUTLET

        found = {(ref.model, ref.object_id, ref.where): ref for ref in self.references}
        merged_by_id = {merged.id: merged for merged in self.merge.blocks}
        extracted = self.merge.stream_block.extract_references(self.merge.stream_value)
        for model, object_id, _model_path, content_path in extracted:
            block_id, _dot, rest = content_path.partition(".")
            merged = merged_by_id.get(block_id)
            if merged is None:
                continue
            name = rest.split(".", 1)[0]
            if merged.state == FROM_OUTLET and name in merged.overridden_fields:
                continue  # the outlet's value: already in self.references
            child_blocks = getattr(merged.block, "child_blocks", {})
            where = str(merged.label)
            if name in child_blocks:
                where = f"{where} › {child_blocks[name].label}"
            key = (model, str(object_id), where)
            found.setdefault(
                key,
                Reference(
                    *key,
                    from_hq=True,
                    outlet_may_replace=name in merged.open_fields,
                ),
            )
        return list(found.values())

    def _describe_field(self, model_path):
        content_type = ContentType.objects.get_for_model(self.obj)
        try:
            label = ReferenceIndex(
                content_type=content_type, model_path=model_path
            ).describe_source_field()
        except (FieldDoesNotExist, KeyError, AttributeError):
            return model_path
        return str(label).replace(" → ", " › ")

    @cached_property
    def scope(self):
        """The paths telling this outlet's pages and media from other outlets'."""
        from ..outlets.models import Outlet, Region

        root = (
            Region.get_root_nodes()
            .values_list("page__path", "collection__path")
            .first()
        )
        if root is None:
            return NetworkScope()
        own = (None, None)
        if self.outlet is not None:
            own = (
                Outlet.objects.filter(pk=self.outlet.pk)
                .values_list("home_page__path", "collection__path")
                .first()
            ) or own
        return NetworkScope(root[0] or "", root[1] or "", own[0] or "", own[1] or "")

    @cached_property
    def changed_block_count(self):
        """How many blocks the outlet changed or hid."""
        if self.merge is not None:
            from ..inheritance.merge import FROM_OUTLET, HIDDEN

            return sum(
                1
                for merged in self.merge.blocks
                if merged.state in (FROM_OUTLET, HIDDEN)
            )
        return sum(1 for part in self.local_parts if not part.is_title)

    @cached_property
    def highest_discount(self):
        """The highest discount (%) the content offers, or None.

        A block offers a discount by defining ``discount_offered(value)``.
        """
        if self.merge is not None:
            values = ((child.block, child.value) for child in self.merge.stream_value)
        else:
            values = (
                (part.block, part.value) for part in self.local_parts if part.block
            )
        discounts = [
            block.discount_offered(value)
            for top_block, top_value in values
            for block, value in walk(top_block, top_value, leaves_only=False)
            if hasattr(block, "discount_offered")
        ]
        discounts = [discount for discount in discounts if discount is not None]
        return max(discounts, default=None)


@cache
def page_field_names():
    """Wagtail's own page fields and relations: never the outlet's content."""
    return frozenset(field.name for field in Page._meta.get_fields())


def load_referenced(references, queryset):
    """``{object id: object}`` for ``references`` found in ``queryset``, in
    one query; a reference to a deleted object has no entry."""
    ids = {ref.object_id for ref in references if ref.object_id.isdigit()}
    if not ids:
        return {}
    return {str(obj.pk): obj for obj in queryset.filter(pk__in=ids)}


def missing_finding(reference):
    return Finding(
        format_lazy(
            _("A linked item no longer exists ({kind}, id {id})."),
            kind=reference.model._meta.verbose_name,
            id=reference.object_id,
        ),
        reference.where,
    )


def foreign_item_message(title):
    return format_lazy(
        _("“{title}” belongs to another outlet: use your own outlet's or HQ's."),
        title=title,
    )


def walk(block, value, leaves_only=True):
    """``(block, value)`` for every block inside ``value``, depth first."""
    if value is None:
        return
    is_container = isinstance(
        block, (blocks.StructBlock, blocks.ListBlock, blocks.StreamBlock)
    )
    if not leaves_only or not is_container:
        yield block, value
    if isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from walk(child, value.get(name), leaves_only)
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from walk(block.child_block, item, leaves_only)
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from walk(child.block, child.value, leaves_only)


def part_leaves(part):
    if part.block is None:
        yield None, part.value
    else:
        yield from walk(part.block, part.value)


def text_of(value):
    if isinstance(value, RichText):
        return strip_tags(value.source)
    if isinstance(value, str):
        return value
    return ""


class Check:
    """A brand compliance check. Subclass, set ``name`` and ``label``, and
    implement ``run(subject)`` returning an iterable of :class:`Finding`."""

    name = ""
    label = ""

    def applies_to(self, subject):
        return True

    def run(self, subject):
        raise NotImplementedError


class TemplateRulesCheck(Check):
    """The outlet changed only what HQ opened, within HQ's bounds."""

    name = "template_rules"
    label = _("Locked content intact and HQ's bounds respected")

    def applies_to(self, subject):
        return subject.is_local_page and subject.obj.hq_template_id is not None

    def run(self, subject):
        from ..inheritance.overrides import clean_overrides

        page = subject.obj
        _normalised, errors = clean_overrides(
            page.hq_template, page.overrides, subject.outlet
        )
        for where, message in errors.located(subject.merge):
            yield Finding(message, where)


class RequiredBlocksCheck(Check):
    name = "required_blocks"
    label = _("Required blocks filled in")

    def applies_to(self, subject):
        return subject.is_local_page

    def run(self, subject):
        if subject.obj.hq_template_id is None:
            yield Finding(_("The HQ template this page was built on was deleted."))
            return
        for merged in subject.merge.missing_required:
            names = ", ".join(
                str(merged.block.child_blocks[name].label)
                for name in merged.missing_required
            )
            yield Finding(
                format_lazy(_("Required, still to fill in: {fields}."), fields=names),
                str(merged.label),
            )


class LinkDomainsCheck(Check):
    """Every link the outlet typed, rich text included, passes the link
    policy (``wagtail_distmark.links``), as the editor applies it on save."""

    name = "link_domains"
    label = _("Links point to allowed domains")

    def run(self, subject):
        for part in subject.local_parts:
            for block, value in part_leaves(part):
                if isinstance(block, (LinkBlock, blocks.URLBlock)) and value:
                    links = [value]
                elif isinstance(value, RichText):
                    links = links_in_html(value.source)
                else:
                    continue
                for message in refused_link_messages(links):
                    yield Finding(message, part.where)


class LinkedContentCheck(Check):
    """Pages and snippets the outlet links to or chose can be shown: they
    exist, pages are published and public, and neither is another outlet's.

    Images and documents are the ``asset_rights`` check's
    (``wagtail_distmark.media.checks``).
    """

    name = "linked_content"
    label = _(
        "Linked pages and items exist, are published, and belong to your outlet or HQ"
    )

    def run(self, subject):
        by_model = {}
        for reference in subject.references:
            by_model.setdefault(reference.model, []).append(reference)
        for model, references in by_model.items():
            if issubclass(model, Page):
                yield from self._pages(subject, references)
            elif _outlet_field(model) is not None:
                yield from self._outlet_items(subject, model, references)

    def _pages(self, subject, references):
        from ..inheritance.models import TemplateLibraryPage, TemplatePage

        pages = load_referenced(
            references,
            Page.objects.only("pk", "title", "path", "live", "content_type_id"),
        )
        hq_templates = {
            ContentType.objects.get_for_model(model).pk
            for model in (TemplateLibraryPage, TemplatePage)
        }
        for reference in references:
            page = pages.get(reference.object_id)
            if page is None:
                yield missing_finding(reference)
            elif isinstance(subject.obj, Page) and page.pk == subject.obj.pk:
                continue  # a link to itself goes live with it
            elif subject.scope.is_foreign_page(page.path):
                yield Finding(
                    format_lazy(
                        _(
                            "“{title}” is not a page of your outlet or of HQ: "
                            "link to your own outlet's pages or HQ's."
                        ),
                        title=page.title,
                    ),
                    reference.where,
                )
            elif page.content_type_id in hq_templates:
                yield Finding(
                    format_lazy(
                        _(
                            "“{title}” is in HQ's template library, which "
                            "visitors cannot open: link to a published page."
                        ),
                        title=page.title,
                    ),
                    reference.where,
                )
            elif not page.live:
                yield Finding(
                    format_lazy(
                        _(
                            "“{title}” is not published: visitors would find "
                            "no page there. Publish it first, or remove the link."
                        ),
                        title=page.title,
                    ),
                    reference.where,
                )

    def _outlet_items(self, subject, model, references):
        items = load_referenced(references, model._default_manager.all())
        own = subject.outlet.pk if subject.outlet is not None else None
        for reference in references:
            item = items.get(reference.object_id)
            if item is None:
                yield missing_finding(reference)
            elif item.outlet_id is not None and item.outlet_id != own:
                yield Finding(foreign_item_message(str(item)), reference.where)


def _outlet_field(model):
    """The model's ``outlet`` foreign key to an outlet, or None: such a
    model's items (campaigns, segments) belong to one outlet."""
    from ..outlets.models import Outlet

    try:
        outlet_field = model._meta.get_field("outlet")
    except FieldDoesNotExist:
        return None
    if (
        outlet_field.many_to_one
        and outlet_field.concrete
        and issubclass(outlet_field.related_model, Outlet)
    ):
        return outlet_field
    return None


class BannedWordsCheck(Check):
    name = "banned_words"
    label = _("No banned words")

    @cached_property
    def pattern(self):
        words = [
            word.strip() for word in distmark_settings.BANNED_WORDS if word.strip()
        ]
        if not words:
            return None
        alternatives = "|".join(re.escape(word) for word in words)
        return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)

    def run(self, subject):
        pattern = self.pattern
        if pattern is None:
            return
        for part in subject.local_parts:
            found = {
                match.group(0).lower()
                for _block, value in part_leaves(part)
                for match in pattern.finditer(text_of(value))
            }
            for word in sorted(found):
                yield Finding(
                    format_lazy(
                        _("“{word}” is on HQ's list of banned words."), word=word
                    ),
                    part.where,
                )


class AltTextCheck(Check):
    name = "alt_text"
    label = _("Images have alt text")

    def run(self, subject):
        for part in subject.local_parts:
            for block, value in part_leaves(part):
                if not isinstance(block, ImageChooserBlock) or value is None:
                    continue
                alt = getattr(value, "contextual_alt_text", None)
                if alt is None and isinstance(value, AbstractImage):
                    alt = value.description
                if not (alt or "").strip():
                    yield Finding(
                        format_lazy(
                            _(
                                "The image “{title}” has no alt text: describe it "
                                "in the image's description."
                            ),
                            title=getattr(value, "title", value),
                        ),
                        part.where,
                    )


def default_checks():
    return [
        TemplateRulesCheck(),
        RequiredBlocksCheck(),
        LinkDomainsCheck(),
        LinkedContentCheck(),
        BannedWordsCheck(),
        AltTextCheck(),
    ]


def get_checks():
    """The shipped checks, then the projects', minus ``DISABLED_CHECKS``."""
    checks = default_checks()
    for hook in hooks.get_hooks(CHECKS_HOOK):
        checks.extend(hook())
    names = set()
    for check in checks:
        if not check.name or check.name in names:
            raise ImproperlyConfigured(
                f"Every distmark check needs a unique name; {check!r} has {check.name!r}."
            )
        names.add(check.name)
    disabled = set(distmark_settings.DISABLED_CHECKS)
    return [check for check in checks if check.name not in disabled]


def run_checks(obj, checks=None, outlet=None):
    """Run every check on ``obj``; a check that raises fails with its error.

    ``outlet``, when given, is the outlet ``obj`` belongs to (for an object
    not saved yet, whose place in the tree cannot tell).
    """
    subject = ComplianceSubject(obj, outlet=outlet)
    results = []
    for check in checks if checks is not None else get_checks():
        try:
            # A savepoint: a check's failed query must not abort the
            # submission's transaction (PostgreSQL refuses every later query).
            with transaction.atomic():
                if not check.applies_to(subject):
                    continue
                findings = list(check.run(subject))
        except Exception as error:  # a broken check must never approve
            logger.exception("Brand check %s failed on %r", check.name, obj)
            results.append(
                CheckResult(
                    check.name,
                    check.label,
                    ERROR,
                    [Finding(f"{type(error).__name__}: {error}")],
                )
            )
            continue
        results.append(
            CheckResult(
                check.name, check.label, FAILED if findings else PASSED, findings
            )
        )
    return ComplianceReport(results)
