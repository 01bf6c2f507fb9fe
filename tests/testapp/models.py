"""A stand-in for outlet campaigns: an outlet-scoped snippet with a workflow.

Tests use it to show the workflow tasks serve snippets as they serve pages.
"""

from django.db import models
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, RevisionMixin, WorkflowMixin


class LocalOffer(WorkflowMixin, DraftStateMixin, RevisionMixin, models.Model):
    title = models.CharField(max_length=255)
    outlet = models.ForeignKey(
        "wagtail_distmark.Outlet", on_delete=models.CASCADE, related_name="+"
    )
    body = StreamField(
        [
            ("headline", blocks.CharBlock(label="Headline")),
            ("text", blocks.RichTextBlock(label="Text")),
            ("link", blocks.URLBlock(label="Link")),
        ],
        blank=True,
    )
    audience = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.title

    def audience_size(self):
        return self.audience
