"""Usage rights beside images and documents, for the brand library (DAM).

One row per asset, one-to-one with the project's image or document model
(whatever ``get_image_model()`` is: no project has to swap its image model).
HQ edits them; outlets see them read-only and never choose an asset whose
rights are not approved or have expired.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string
from wagtail.images import get_image_model_string

WEB = "web"
EMAIL = "email"
PRINT = "print"
CHANNEL_CHOICES = [(WEB, _("Web")), (EMAIL, _("Email")), (PRINT, _("Print"))]


def today():
    return timezone.localdate()


class AssetRightsQuerySet(models.QuerySet):
    def usable(self, on=None):
        """Rights that allow use on ``on`` (today): approved, not expired."""
        on = on or today()
        return self.filter(hq_approved=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def unusable(self, on=None):
        on = on or today()
        return self.filter(Q(hq_approved=False) | Q(expires_on__lt=on))


class AssetRights(models.Model):
    hq_approved = models.BooleanField(
        _("approved by HQ"),
        default=False,
        help_text=_("Outlets may choose the asset only once HQ approves it."),
    )
    expires_on = models.DateField(
        _("usage rights expire on"),
        null=True,
        blank=True,
        help_text=_(
            "From the day after, outlets can no longer choose it, and pages "
            "still using it are reported. Leave empty for no expiry."
        ),
    )
    channels = models.JSONField(
        _("allowed channels"),
        default=list,
        blank=True,
        help_text=_("Where the asset may be used: web, email, print."),
    )
    credit = models.CharField(_("credit or licence"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AssetRightsQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        known = {value for value, _label in CHANNEL_CHOICES}
        if not isinstance(self.channels, list) or set(self.channels) - known:
            raise ValidationError(
                {
                    "channels": _("Choose channels among: %(channels)s.")
                    % {"channels": ", ".join(sorted(known))}
                }
            )

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < today()

    @property
    def is_usable(self):
        return self.hq_approved and not self.is_expired

    def expires_within(self, days):
        return (
            self.expires_on is not None
            and today() <= self.expires_on <= today() + datetime.timedelta(days=days)
        )


class ImageRights(AssetRights):
    image = models.OneToOneField(
        get_image_model_string(),
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="distmark_rights",
    )

    class Meta:
        verbose_name = _("image rights")
        verbose_name_plural = _("image rights")

    def __str__(self):
        return str(self.image)


class DocumentRights(AssetRights):
    document = models.OneToOneField(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="distmark_rights",
    )

    class Meta:
        verbose_name = _("document rights")
        verbose_name_plural = _("document rights")

    def __str__(self):
        return str(self.document)
