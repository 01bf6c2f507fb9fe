"""Usage rights beside images and documents, for the brand library (DAM).

One row per asset, one-to-one with the project's image or document model
(whatever ``get_image_model()`` is: no project has to swap its image model).
HQ edits them; outlets see them read-only and never choose an asset whose
rights are not approved or have expired.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string

from .blocks import ColourBlock, FontBlock, LegalLinkBlock, LogoBlock


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
    # Where the asset may be used.
    for_web = models.BooleanField(_("web"), default=True)
    for_email = models.BooleanField(_("email"), default=True)
    for_print = models.BooleanField(_("print"), default=True)
    credit = models.CharField(_("credit or licence"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssetRightsQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def channels(self):
        """The channels the asset may be used on, as labels."""
        return [
            label
            for allowed, label in (
                (self.for_web, _("web")),
                (self.for_email, _("email")),
                (self.for_print, _("print")),
            )
            if allowed
        ]

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


@register_setting(icon="palette")
class BrandKit(BaseGenericSetting):
    """HQ's brand guidelines, shown to every local editor beside the brand
    library (Brand library › Brand kit). One for the whole network."""

    logos = StreamField([("logo", LogoBlock())], verbose_name=_("logos"), blank=True)
    colours = StreamField(
        [("colour", ColourBlock())], verbose_name=_("colours"), blank=True
    )
    fonts = StreamField([("font", FontBlock())], verbose_name=_("fonts"), blank=True)
    tone_of_voice = RichTextField(
        _("tone of voice"),
        blank=True,
        features=["h3", "bold", "italic", "ol", "ul", "link"],
        help_text=_("How the brand speaks: words to use and to avoid, examples."),
    )
    legal_links = StreamField(
        [("link", LegalLinkBlock())],
        verbose_name=_("legal links"),
        blank=True,
        help_text=_(
            "Shown in the footer of every outlet site: legal notice, privacy "
            "policy, terms of sale."
        ),
    )
    contact = models.CharField(
        _("brand questions"),
        max_length=255,
        blank=True,
        help_text=_("Who outlets ask, e.g. brand@example.com."),
    )

    class Meta:
        verbose_name = _("brand kit")
        verbose_name_plural = _("brand kits")
