"""Audience filters: the blocks a segment's rules are made of.

Each filter is a ``StructBlock`` that turns its value into a ``Q`` on
``Contact`` (``to_q``) and says which contact fields it reads (``reads``), so a
rule on a field the user may not see (:mod:`..contacts.visibility`) is refused
when the segment is saved. The shipped filters come first; projects add their
own with a hook returning ``(name, block)`` pairs::

    @hooks.register("register_distmark_audience_filters")
    def my_filters():
        return [("age", AgeFilter())]

A group filter (all / any of sub-rules) nests the others, so rules combine
with AND and OR. The stream block is built from the registry on first use and
kept out of migrations (see :class:`.models.AudienceRulesField`).
"""

import copy
import datetime
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache, reduce
from operator import and_, or_

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import blocks, hooks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from ..contacts.models import (
    AttributeDefinition,
    Consent,
    Contact,
    ContactTag,
    Gender,
    normalise_locale,
)
from ..contacts.visibility import EVERYONE, HQ, MANAGERS, field_visibility

AUDIENCE_FILTERS_HOOK = "register_distmark_audience_filters"

#: How deep groups nest: a group may hold a group, which holds only filters.
GROUP_DEPTH = 2

ALL = "all"
ANY = "any"
MATCH_CHOICES = [(ALL, _("All of these rules")), (ANY, _("Any of these rules"))]

#: Visibility levels, narrowest first: a level sees its own and narrower ones.
LEVEL_RANK = {EVERYONE: 0, MANAGERS: 1, HQ: 2}


@dataclass
class FilterContext:
    """What a filter may need besides its value: one clock for the whole
    segment, whether the count spans the network (``network_wide``: no outlet
    narrows it, so a filter may prefer another plan), and the custom attribute
    definitions (loaded once, on demand, shared by ``for_scope()`` copies)."""

    now: datetime.datetime = field(default_factory=timezone.now)
    network_wide: bool = False
    attribute_cache: dict = field(default_factory=dict, repr=False)

    @property
    def today(self):
        return timezone.localdate(self.now)

    @property
    def attributes(self):
        if not self.attribute_cache:
            self.attribute_cache.update(
                {d.key: d for d in AttributeDefinition.objects.all()}
            )
            self.attribute_cache.setdefault(None, None)  # loaded, even if empty
        return self.attribute_cache

    def for_scope(self, network_wide):
        return replace(self, network_wide=network_wide)


def combine(queries, match):
    """AND (``all``) or OR (``any``) of ``queries``; no rule matches everyone."""
    queries = list(queries)
    if not queries:
        return Q()
    return reduce(and_ if match == ALL else or_, queries)


def field_label(name):
    if name == "tags":
        return str(_("tags"))
    try:
        return str(Contact._meta.get_field(name).verbose_name)
    except Exception:
        return name


class AudienceFilter(blocks.StructBlock):
    """Base for audience filters.

    Subclasses declare their fields as for any ``StructBlock``, list the
    contact fields they read in ``contact_fields`` (names from
    :mod:`..contacts.visibility`) and implement ``to_q(value, context)``.
    """

    contact_fields = ()

    def to_q(self, value, context):
        raise NotImplementedError

    def reads(self, value):
        """``(label, level)`` of each contact field the rule reads; a field
        missing from the visibility declaration counts as HQ-only."""
        declared = field_visibility()
        return [(field_label(n), declared.get(n, HQ)) for n in self.contact_fields]

    def describe(self, value):
        """A one-line summary for listings and the inspect view."""
        return str(self.label)


# --------------------------------------------------------------------------
# The shipped filters


class TagSuggestionsInput(forms.TextInput):
    """A text box offering ``suggestions`` as the browser's own list (a
    ``<datalist>``): the tags the user's outlets already use."""

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        if not self.suggestions:
            return super().render(name, value, attrs, renderer)
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-suggestions"
        attrs["list"] = list_id
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            format_html_join(
                "", '<option value="{}"></option>', ((s,) for s in self.suggestions)
            ),
        )


class TagNameBlock(blocks.CharBlock):
    """A tag's name, with ``suggestions`` (see :func:`rules_stream_block_for`)."""

    def __init__(self, suggestions=(), **kwargs):
        super().__init__(**kwargs)
        self.suggestions = list(suggestions)
        self.field.widget = TagSuggestionsInput(self.suggestions)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("suggestions", None)
        return path, args, kwargs


def tagged(tag):
    """ContactTag rows naming ``tag`` in any case ("VIP" finds "vip"), read
    through the tags' lower-case index. SQLite lowers ASCII letters only:
    there "ÉTÉ" and "été" stay two tags."""
    return ContactTag.objects.alias(lower_name=Lower("name")).filter(
        lower_name=Lower(Value(tag))
    )


class TagFilter(AudienceFilter):
    has = blocks.ChoiceBlock(
        choices=[("yes", _("has the tag")), ("no", _("does not have the tag"))],
        default="yes",
        label=_("Contact"),
    )
    tag = TagNameBlock(
        max_length=64,
        label=_("Tag"),
        help_text=_("Upper or lower case: “VIP” also finds “vip”."),
    )

    contact_fields = ("tags",)

    class Meta:
        icon = "tag"
        label = _("Tag")

    def to_q(self, value, context):
        if value["has"] == "yes" and context.network_wide:
            # Across the network, read the tag's index once (IN) rather than
            # probe it for every contact (EXISTS), which SQLite would do; for
            # one outlet's contacts, probing is the cheaper plan. PostgreSQL
            # plans both as the same semi-join.
            return Q(pk__in=tagged(value["tag"]).values("contact_id"))
        exists = Exists(tagged(value["tag"]).filter(contact_id=OuterRef("pk")))
        return Q(exists) if value["has"] == "yes" else ~Q(exists)

    def describe(self, value):
        if value["has"] == "yes":
            return _("Tagged “%(tag)s”") % {"tag": value["tag"]}
        return _("Not tagged “%(tag)s”") % {"tag": value["tag"]}


def attribute_choices():
    return [(d.key, d.label) for d in AttributeDefinition.objects.all()]


class AttributeChoiceBlock(blocks.ChoiceBlock):
    """The attribute drop-down.

    It accepts every declared attribute (a rule on one the user may not see is
    refused by the visibility check, with its message, as before), but with
    ``shown`` it offers only those choices: :func:`rules_stream_block_for`
    builds one per form, so a user never receives the labels of attributes
    they may not see.
    """

    def __init__(self, *args, shown=None, details=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shown is not None:
            self.field.widget.choices = self._get_callable_choices(list(shown))()
        if details:
            # Read by attribute-rule.js: the tests and values that fit the
            # chosen attribute's type. Only for attributes the user sees.
            self.field.widget.attrs[ATTRIBUTE_DETAILS_ATTR] = json.dumps(details)


OPERATORS = [
    ("eq", _("is")),
    ("ne", _("is not")),
    ("lt", _("is less than / before")),
    ("lte", _("is at most")),
    ("gt", _("is more than / after")),
    ("gte", _("is at least")),
    ("contains", _("contains")),
    ("set", _("is filled in")),
    ("unset", _("is empty")),
]
_T = AttributeDefinition.Type
ATTRIBUTE_DETAILS_ATTR = "data-distmark-attribute-details"
OPERATORS_BY_TYPE = {
    _T.TEXT: {"eq", "ne", "contains", "set", "unset"},
    _T.NUMBER: {"eq", "ne", "lt", "lte", "gt", "gte", "set", "unset"},
    _T.DATE: {"eq", "lt", "gt", "set", "unset"},
    _T.BOOLEAN: {"eq", "set", "unset"},
    _T.CHOICE: {"eq", "ne", "set", "unset"},
}
VALUE_PLACEHOLDERS = {
    _T.TEXT: _("Some text"),
    _T.NUMBER: _("A number, e.g. 250"),
    _T.DATE: _("A date, e.g. 31/12/2026"),
    _T.BOOLEAN: _("yes or no"),
    _T.CHOICE: _("One of the choices"),
}
TRUE_WORDS = {"yes", "true", "1", "oui", "ja", "y"}
FALSE_WORDS = {"no", "false", "0", "non", "nee", "n"}


def attribute_details(definitions):
    """What the segment editor needs to guide a rule on each attribute: the
    tests its type allows (in the drop-down's order), the choices of a choice
    attribute, and a hint for the value. The server checks the same on save."""
    details = {}
    for definition in definitions:
        allowed = OPERATORS_BY_TYPE.get(definition.type, ())
        details[definition.key] = {
            "operators": [key for key, _label in OPERATORS if key in allowed],
            "choices": definition.choice_list if definition.type == _T.CHOICE else [],
            "placeholder": str(VALUE_PLACEHOLDERS.get(definition.type, "")),
        }
    return details


def parse_attribute_value(definition, raw):
    """The JSON value a rule compares with, as the contact forms store it."""
    raw = (raw or "").strip()
    if definition.type == _T.NUMBER:
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
        return int(number) if number == number.to_integral_value() else float(number)
    if definition.type == _T.DATE:
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(raw, fmt).date().isoformat()
            except ValueError:
                continue
        raise ValidationError(_("Enter a date as YYYY-MM-DD or DD/MM/YYYY."))
    if definition.type == _T.BOOLEAN:
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise ValidationError(_("Enter yes or no."))
    if definition.type == _T.CHOICE and raw not in definition.choice_list:
        raise ValidationError(
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(definition.choice_list)}
        )
    if not raw:
        raise ValidationError(_("Enter a value."))
    return raw


class AttributeFilter(AudienceFilter):
    attribute = AttributeChoiceBlock(choices=attribute_choices, label=_("Attribute"))
    operator = blocks.ChoiceBlock(choices=OPERATORS, default="eq", label=_("Test"))
    value = blocks.CharBlock(
        required=False,
        label=_("Value"),
        help_text=_("A number, a date (YYYY-MM-DD), yes/no, or one of the choices."),
    )

    class Meta:
        icon = "form"
        label = _("Custom attribute")

    def clean(self, value):
        value = super().clean(value)
        definition = AttributeDefinition.objects.filter(key=value["attribute"]).first()
        if definition is None:
            raise StructBlockValidationError(
                {"attribute": ValidationError(_("This attribute no longer exists."))}
            )
        operator = value["operator"]
        if operator not in OPERATORS_BY_TYPE.get(definition.type, ()):
            raise StructBlockValidationError(
                {
                    "operator": ValidationError(
                        _("This test does not apply to a %(type)s attribute.")
                        % {"type": definition.get_type_display().lower()}
                    )
                }
            )
        if operator not in ("set", "unset"):
            try:
                parse_attribute_value(definition, value["value"])
            except ValidationError as error:
                raise StructBlockValidationError({"value": error}) from None
        return value

    def reads(self, value):
        definition = AttributeDefinition.objects.filter(key=value["attribute"]).first()
        if definition is None:
            return []
        return [(definition.label, definition.visibility)]

    def to_q(self, value, context):
        definition = context.attributes.get(value["attribute"])
        if definition is None or "__" in definition.key:
            return Q(pk__in=[])  # a deleted (or unqueryable) attribute: nobody
        key = f"attributes__{definition.key}"
        operator = value["operator"]
        if operator in ("set", "unset"):
            return Q(**{f"{key}__isnull": operator == "unset"})
        parsed = parse_attribute_value(definition, value["value"])
        if operator == "contains":
            return Q(**{f"{key}__icontains": parsed})
        exact = "iexact" if definition.type == _T.TEXT else "exact"
        if operator in ("eq", "ne"):
            matches = Q(**{f"{key}__{exact}": parsed})
            if operator == "eq":
                return matches
            return Q(**{f"{key}__isnull": False}) & ~matches
        return Q(**{f"{key}__{operator}": parsed})

    def describe(self, value):
        operator = dict(OPERATORS).get(value["operator"], value["operator"])
        return f"{value['attribute']} {operator} {value['value'] or ''}".strip()


class ConsentFilter(AudienceFilter):
    channel = blocks.ChoiceBlock(
        choices=[("email", _("Email")), ("sms", _("SMS"))],
        default="email",
        label=_("Channel"),
    )
    status = blocks.ChoiceBlock(
        choices=Consent.choices, default=Consent.GRANTED, label=_("Consent")
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Consent")

    def reads(self, value):
        name = f"{value['channel']}_consent"
        return [(field_label(name), field_visibility().get(name, HQ))]

    def to_q(self, value, context):
        return Q(**{f"{value['channel']}_consent": value["status"]})

    def describe(self, value):
        # "Email consent: granted", in the user's language: the field's label.
        return _("%(field)s: %(status)s") % {
            "field": capfirst(field_label(f"{value['channel']}_consent")),
            "status": Consent(value["status"]).label,
        }


THIS_MONTH = "this"
NEXT_MONTH = "next"


def month_choices():
    return [
        (THIS_MONTH, _("This month")),
        (NEXT_MONTH, _("Next month")),
        *((str(n), name) for n, name in MONTHS.items()),
    ]


class BirthdayMonthFilter(AudienceFilter):
    month = blocks.ChoiceBlock(
        choices=month_choices, default=THIS_MONTH, label=_("Birthday in")
    )

    contact_fields = ("birthday",)

    class Meta:
        icon = "date"
        label = _("Birthday month")

    @staticmethod
    def month_number(value, context):
        month = value["month"]
        if month == THIS_MONTH:
            return context.today.month
        if month == NEXT_MONTH:
            return context.today.month % 12 + 1
        return int(month)

    def to_q(self, value, context):
        return Q(birthday_month=self.month_number(value, context))

    def describe(self, value):
        label = dict(month_choices()).get(value["month"], value["month"])
        return _("Birthday in: %(month)s") % {"month": label}


class CreatedSinceFilter(AudienceFilter):
    days = blocks.IntegerBlock(
        required=False, min_value=1, label=_("In the last … days")
    )
    since = blocks.DateBlock(required=False, label=_("Or since"))

    contact_fields = ("created_at",)

    class Meta:
        icon = "plus"
        label = _("Added since")

    def clean(self, value):
        value = super().clean(value)
        if (value["days"] is None) == (value["since"] is None):
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(_("Give either a number of days or a date."))
                ]
            )
        return value

    def to_q(self, value, context):
        if value["days"]:
            return Q(created_at__gte=context.now - datetime.timedelta(value["days"]))
        start = datetime.datetime.combine(value["since"], datetime.time.min)
        return Q(created_at__gte=timezone.make_aware(start))

    def describe(self, value):
        if value["days"]:
            return _("Added in the last %(days)s days") % {"days": value["days"]}
        return _("Added since %(date)s") % {"date": value["since"]}


class LastEngagementFilter(AudienceFilter):
    when = blocks.ChoiceBlock(
        choices=[
            ("within", _("Engaged in the last … days")),
            ("not_within", _("Not engaged in the last … days (or never)")),
            ("never", _("Never engaged")),
        ],
        default="within",
        label=_("Engagement"),
    )
    days = blocks.IntegerBlock(required=False, min_value=1, label=_("Days"))

    contact_fields = ("last_engaged_at",)

    class Meta:
        icon = "pick"
        label = _("Last engagement")

    def clean(self, value):
        value = super().clean(value)
        if value["when"] != "never" and not value["days"]:
            raise StructBlockValidationError(
                {"days": ValidationError(_("Give a number of days."))}
            )
        return value

    def to_q(self, value, context):
        if value["when"] == "never":
            return Q(last_engaged_at__isnull=True)
        since = context.now - datetime.timedelta(value["days"])
        if value["when"] == "within":
            return Q(last_engaged_at__gte=since)
        return Q(last_engaged_at__lt=since) | Q(last_engaged_at__isnull=True)

    def describe(self, value):
        if value["when"] == "never":
            return str(_("Never engaged"))
        if value["when"] == "within":
            return _("Engaged in the last %(days)s days") % {"days": value["days"]}
        return _("Not engaged in the last %(days)s days") % {"days": value["days"]}


def language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


class LanguageFilter(AudienceFilter):
    language = blocks.ChoiceBlock(choices=language_choices, label=_("Language"))

    contact_fields = ("locale",)

    class Meta:
        icon = "globe"
        label = _("Language")

    def to_q(self, value, context):
        # Stored normalised (``normalise_locale``): plain comparisons, no
        # UPPER() on each of a million rows.
        code = normalise_locale(value["language"]).split("-")[0]
        return Q(locale=code) | Q(locale__startswith=f"{code}-")

    def describe(self, value):
        return _("Language: %(language)s") % {"language": value["language"]}


class GenderFilter(AudienceFilter):
    gender = blocks.ChoiceBlock(choices=Gender.choices, label=_("Gender"))

    contact_fields = ("gender",)

    class Meta:
        icon = "user"
        label = _("Gender")

    def to_q(self, value, context):
        return Q(gender=value["gender"])

    def describe(self, value):
        return _("Gender: %(gender)s") % {"gender": Gender(value["gender"]).label}


class GroupFilter(AudienceFilter):
    """All or any of its own rules: how AND and OR combine."""

    class Meta:
        icon = "folder-open-inverse"
        label = _("Group (all / any of)")

    def __init__(self, child_types, **kwargs):
        super().__init__(
            [
                (
                    "match",
                    blocks.ChoiceBlock(
                        choices=MATCH_CHOICES,
                        default=ANY,
                        label=_("Contacts matching"),
                    ),
                ),
                ("rules", blocks.StreamBlock(child_types, label=_("Rules"))),
            ],
            **kwargs,
        )

    def to_q(self, value, context):
        return rules_q(value["rules"], value["match"], context)

    def reads(self, value):
        return [
            pair for child in value["rules"] for pair in child.block.reads(child.value)
        ]

    def describe(self, value):
        joiner = " %s " % (_("and") if value["match"] == ALL else _("or"))
        return "(" + joiner.join(describe_rules(value["rules"])) + ")"


def default_audience_filters():
    return [
        ("tag", TagFilter()),
        ("attribute", AttributeFilter()),
        ("consent", ConsentFilter()),
        ("birthday_month", BirthdayMonthFilter()),
        ("created_since", CreatedSinceFilter()),
        ("last_engagement", LastEngagementFilter()),
        ("language", LanguageFilter()),
        ("gender", GenderFilter()),
    ]


# --------------------------------------------------------------------------
# The registry


@cache
def audience_filter_types():
    """Every filter, shipped then registered, without the group."""
    types = default_audience_filters()
    for hook in hooks.get_hooks(AUDIENCE_FILTERS_HOOK):
        types.extend(hook())
    seen = set()
    for name, block in types:
        if name in seen or name == "group":
            raise ImproperlyConfigured(
                f"Two audience filters are registered as {name!r}."
            )
        if not isinstance(block, AudienceFilter):
            raise ImproperlyConfigured(
                f"Audience filter {name!r} must subclass AudienceFilter."
            )
        seen.add(name)
    return types


def _with_groups(depth, filter_types=None):
    if filter_types is None:
        filter_types = audience_filter_types()
    types = list(filter_types)
    if depth > 0:
        types.append(("group", GroupFilter(_with_groups(depth - 1, filter_types))))
    return types


@cache
def rule_block_types():
    """The segment's top-level rule types: every filter and a group."""
    return _with_groups(GROUP_DEPTH)


def rules_stream_block(**options):
    block = blocks.StreamBlock(rule_block_types())
    block.set_meta_options(options)
    return block


def _for_form(block, shown, details=None, tags=()):
    """A copy of ``block`` whose attribute drop-downs offer only ``shown``
    (with ``details`` for the editor's script, see attribute_details) and
    whose tag boxes suggest ``tags``."""
    if not isinstance(block, blocks.StructBlock):
        return block
    child_blocks = {}
    for name, child in block.child_blocks.items():
        if isinstance(child, AttributeChoiceBlock):
            replacement = AttributeChoiceBlock(
                choices=attribute_choices,
                shown=shown,
                details=details,
                label=child.label,
                required=child.required,
                help_text=child.field.help_text or None,
            )
        elif isinstance(child, TagNameBlock) and tags:
            replacement = TagNameBlock(
                suggestions=tags,
                max_length=child.field.max_length,
                label=child.label,
                required=child.required,
                help_text=child.field.help_text or None,
            )
        else:
            child_blocks[name] = child
            continue
        replacement.set_name(name)
        child_blocks[name] = replacement
    if all(child_blocks[n] is c for n, c in block.child_blocks.items()):
        return block
    clone = copy.copy(block)
    clone.child_blocks = type(block.child_blocks)(child_blocks)
    return clone


def rules_stream_block_for(shown_attributes, details=None, tags=(), **options):
    """The rules block for one form: the same rules, but every attribute
    drop-down (groups included) offers only ``shown_attributes``
    (``(key, label)`` pairs), built per request from what the user may see,
    and carries ``details`` (:func:`attribute_details`) of those attributes;
    every tag box suggests ``tags`` (the tags of the user's outlets)."""
    shown = list(shown_attributes)
    filter_types = [
        (name, _for_form(block, shown, details, tags))
        for name, block in audience_filter_types()
    ]
    block = blocks.StreamBlock(_with_groups(GROUP_DEPTH, filter_types))
    block.set_meta_options(options)
    return block


def clear_caches():
    """Forget the registered filters (tests that register filters call this)."""
    audience_filter_types.cache_clear()
    rule_block_types.cache_clear()


# --------------------------------------------------------------------------
# Evaluating and checking rules


def rules_q(stream_value, match, context):
    return combine(
        (child.block.to_q(child.value, context) for child in stream_value or ()), match
    )


def describe_rules(stream_value):
    return [str(child.block.describe(child.value)) for child in stream_value or ()]


def hidden_field_message(label, field_level, for_outlet_segment):
    if field_level == HQ and for_outlet_segment:
        return _(
            "An outlet's segment cannot filter on “%(field)s”: only HQ sees it. "
            "HQ may use it in a network segment."
        ) % {"field": label}
    if field_level == HQ:
        return _("You cannot filter on “%(field)s”: only HQ sees it.") % {
            "field": label
        }
    return _("You cannot filter on “%(field)s”: only HQ and managers see it.") % {
        "field": label
    }


def rules_visibility_error(
    stream_value, level, *, for_outlet_segment=False, user_level=None
):
    """A ``StreamBlockValidationError`` naming each rule that reads a field
    above ``level`` (a visibility level), or ``None``.

    ``user_level``: the widest level the user sees, when known. A custom
    attribute above it is named by its key (as the rules' summary shows it),
    never by its label, which the user may not see."""
    user_rank = LEVEL_RANK[HQ] if user_level is None else LEVEL_RANK[user_level]
    block_errors = {}
    for index, child in enumerate(stream_value or ()):
        if isinstance(child.block, GroupFilter):
            nested = rules_visibility_error(
                child.value["rules"],
                level,
                for_outlet_segment=for_outlet_segment,
                user_level=user_level,
            )
            if nested:
                block_errors[index] = StructBlockValidationError({"rules": nested})
            continue
        messages = []
        for label, seen_by in child.block.reads(child.value):
            rank = LEVEL_RANK.get(seen_by, LEVEL_RANK[HQ])
            if rank <= LEVEL_RANK[level]:
                continue
            if rank > user_rank and isinstance(child.block, AttributeFilter):
                label = child.value["attribute"]
            messages.append(hidden_field_message(label, seen_by, for_outlet_segment))
        if messages:
            block_errors[index] = StructBlockValidationError(
                non_block_errors=[ValidationError(m) for m in messages]
            )
    if block_errors:
        return StreamBlockValidationError(block_errors=block_errors)
    return None


def error_messages(error):
    """Every message of a nested block validation error, flattened (tests, JSON)."""
    found = []
    if isinstance(error, StreamBlockValidationError | StructBlockValidationError):
        for message in error.non_block_errors.as_data():
            found.extend(error_messages(message))
        for child in error.block_errors.values():
            found.extend(error_messages(child))
        return found
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    return [str(error)]
