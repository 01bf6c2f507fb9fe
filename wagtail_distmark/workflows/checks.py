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

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks, hooks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import AbstractImage
from wagtail.rich_text import RichText

from ..blocks.library import LinkBlock, validate_link
from ..conf import distmark_settings
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
        lines = [gettext("Brand checks found problems:")]
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
        return "\n".join(lines)


class ComplianceSubject:
    """What a check looks at: one revision of a page or snippet."""

    def __init__(self, obj):
        self.obj = obj

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
                if isinstance(child_block, blocks.StreamBlock):
                    # A local zone: name each block the outlet added.
                    for item in value or []:
                        yield ContentPart(
                            f"{merged.label} › {item.block.label}",
                            item.block,
                            item.value,
                        )
                    continue
                yield ContentPart(
                    f"{merged.label} › {child_block.label}", child_block, value
                )

    def _field_parts(self):
        """The object's own content fields: StreamField blocks, rich text,
        text and web addresses (Wagtail's page fields aside from the title)."""
        from django.db import models as db_models
        from django.utils.text import capfirst
        from wagtail.fields import RichTextField, StreamField
        from wagtail.models import Page

        page_fields = {field.name for field in Page._meta.get_fields()}
        for model_field in self.obj._meta.concrete_fields:
            name = model_field.name
            if name in page_fields or name == "title" or not model_field.editable:
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
                    )
            elif isinstance(model_field, RichTextField):
                yield ContentPart(where, None, RichText(value))
            elif isinstance(model_field, db_models.URLField):
                yield ContentPart(where, blocks.URLBlock(), value)
            elif isinstance(
                model_field, (db_models.CharField, db_models.TextField)
            ) and not (
                model_field.choices or isinstance(model_field, db_models.SlugField)
            ):
                yield ContentPart(where, None, value)

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


_HREF = re.compile(r"""<a\b[^>]*?\bhref=["']([^"']*)["']""", re.IGNORECASE)


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
    """Every link the outlet typed, rich text included, is allowed."""

    name = "link_domains"
    label = _("Links point to allowed domains")

    def run(self, subject):
        for part in subject.local_parts:
            for block, value in part_leaves(part):
                if isinstance(block, (LinkBlock, blocks.URLBlock)) and value:
                    links = [value]
                elif isinstance(value, RichText):
                    links = _HREF.findall(value.source)
                else:
                    continue
                for link in links:
                    try:
                        validate_link(link)
                    except ValidationError as error:
                        yield Finding(" ".join(error.messages), part.where)


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


def run_checks(obj, checks=None):
    """Run every check on ``obj``; a check that raises fails with its error."""
    subject = ComplianceSubject(obj)
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
