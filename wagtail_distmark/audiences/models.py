"""Segments: saved audiences, built from filters and evaluated as one query."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from ..outlets.models import Outlet
from . import permissions  # noqa: F401  (declares the segment rules)
from .filters import ALL, MATCH_CHOICES, rules_stream_block


class AudienceRulesField(StreamField):
    """A segment's rules: every registered audience filter, and groups.

    Like ``DistributableStreamField``, the block list comes from the registry
    at run time and stays out of migrations, so a project's own filters never
    change this app's migrations.
    """

    def __init__(self, verbose_name=None, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        # The verbose name is the form's label ("Règles"): without it the
        # label was the field's name, untranslated.
        super().__init__(None, verbose_name=verbose_name, **kwargs)

    @cached_property
    def stream_block(self):
        return rules_stream_block(**self.block_opts)

    def deconstruct(self):
        name, path, _args, kwargs = models.Field.deconstruct(self)
        # A label: nothing for the database, so nothing for migrations.
        kwargs.pop("verbose_name", None)
        return name, path, [], kwargs


class Segment(models.Model):
    """A saved audience: contacts matching all (or any) of the rules.

    With an outlet, it is that outlet's; without, it is a network segment HQ
    defines and every outlet uses on its own contacts.
    """

    name = models.CharField(_("name"), max_length=255)
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="segments",
        help_text=_("Empty: a network segment every outlet uses on its contacts."),
    )
    match = models.CharField(
        _("contacts matching"), max_length=3, choices=MATCH_CHOICES, default=ALL
    )
    rules = AudienceRulesField(_("rules"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_network(self):
        return self.outlet_id is None

    @property
    def scope_label(self):
        if self.outlet_id is None:
            return _("Network (each outlet's own contacts)")
        return self.outlet.name

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        if exclude and "rules" in exclude:
            return
        # Whoever saves it, an outlet's segment never filters on HQ-only fields.
        if self.outlet_id is not None:
            from ..contacts.visibility import MANAGERS
            from .filters import rules_visibility_error

            error = rules_visibility_error(
                self.rules, MANAGERS, for_outlet_segment=True
            )
            if error:
                from django.core.exceptions import ValidationError

                raise ValidationError({"rules": error})

    def describe(self):
        from .filters import ALL, describe_rules

        joiner = " %s " % (_("and") if self.match == ALL else _("or"))
        return joiner.join(describe_rules(self.rules)) or str(_("Every contact"))
