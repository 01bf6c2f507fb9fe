import functools
import zoneinfo

import swapper
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from treebeard.mp_tree import MP_Node
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page

from ..conf import distmark_settings
from ..isolation.references import OutletReferencesPageForm
from .access import outlet_access_q, user_is_hq
from .roles import OUTLET_ACTION_ROLES

swapper.set_app_prefix("wagtailcore", "wagtail")


@functools.cache
def known_timezones():
    # available_timezones() walks the tz database on disk at every call.
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value):
    if value not in known_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (for example Europe/Paris)."),
            code="invalid_timezone",
            params={"value": value},
        )


def locale_choices():
    return list(distmark_settings.LOCALES)


class Region(MP_Node):
    """A node of the network tree: the root is the network (HQ), below it
    regions and sub-regions. Outlets hang off any region."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    managers_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("managers group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="distmark_managed_region",
        help_text=_("Members manage every outlet in this region and below."),
    )
    # The region's node in the page and collection trees; outlets below it.
    page = models.OneToOneField(
        swapper.get_model_name("wagtailcore", "Page"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_region",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_region",
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def label_with_depth(self):
        return "— " * (self.depth - 1) + self.name


class OutletQuerySet(models.QuerySet):
    def for_user(self, user, action="view"):
        """Outlets on which ``user`` may perform ``action`` (the SQL twin of
        the ``wagtail_distmark.<action>_outlet`` rule)."""
        if user_is_hq(user):
            return self
        return self.filter(outlet_access_q(user, OUTLET_ACTION_ROLES[action]))


class Outlet(ClusterableModel):
    """A point of sale (store, franchise, club, agency) with its own site,
    page tree, media collection and groups."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=63,
        unique=True,
        help_text=_("Short identifier used in hostnames and group names."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="outlets",
    )

    # What onboarding creates for the outlet.
    site = models.OneToOneField(
        "wagtailcore.Site",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_outlet",
    )
    home_page = models.OneToOneField(
        swapper.get_model_name("wagtailcore", "Page"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_outlet",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_outlet",
    )
    editors_group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_outlet_as_editors",
    )
    managers_group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="distmark_outlet_as_managers",
    )

    # Profile, used to fill local communications.
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 code, for example FR, BE, NL, CA."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        validators=[validate_timezone],
    )
    locale = models.CharField(
        _("language"), max_length=10, default="fr", choices=locale_choices
    )
    manager_name = models.CharField(_("manager's name"), max_length=255, blank=True)
    manager_email = models.EmailField(_("manager's email"), blank=True)
    manager_photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("manager's photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    manager_signature = models.CharField(
        _("signature"),
        max_length=255,
        blank=True,
        help_text=_("Signs local communications, e.g. “Marie Dupont, store manager”."),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["name"]
        permissions = [
            ("network_hq", _("Is HQ staff: sees and manages the whole network")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.country:
            self.country = self.country.upper()

    @cached_property
    def hostname(self):
        return self.site.hostname if self.site_id else ""

    @property
    def site_url(self):
        return self.site.root_url if self.site_id else ""

    @cached_property
    def public_manager_photo(self):
        """The manager's photo, while its usage rights allow showing it."""
        from ..media.services import unusable_reason

        photo = self.manager_photo
        return photo if photo is not None and unusable_reason(photo) is None else None


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OpeningHours(Orderable):
    """One opening span of an outlet; several per day allow a lunch break.
    A day without any span is a closed day."""

    outlet = ParentalKey(Outlet, related_name="opening_hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError(
                {"closes": _("Closing time must be after opening time.")}
            )

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class RegionPage(Page):
    """A region's place in the page tree, mirroring the region tree.

    Outlet home pages sit under their region's page (the root region's page is
    titled "Outlets"), so a regional manager needs one grant on this page to
    reach every outlet below it, and their explorer opens here.
    """

    parent_page_types = []
    subpage_types = []

    class Meta:
        verbose_name = _("region page")

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        # An organising node of the admin tree, not a public page.
        raise Http404


class OutletLanguageMixin:
    """Pages of an outlet's site speak the outlet's language, previews included,
    whatever the visitor's browser or the editor's admin language."""

    def outlet_language(self):
        raise NotImplementedError

    def _in_outlet_language(self, serve):
        with translation.override(self.outlet_language() or translation.get_language()):
            response = serve()
            if hasattr(response, "render"):
                response.render()
        return response

    def serve(self, request, *args, **kwargs):
        parent = super()
        return self._in_outlet_language(lambda: parent.serve(request, *args, **kwargs))

    def serve_preview(self, request, mode_name):
        parent = super()
        return self._in_outlet_language(
            lambda: parent.serve_preview(request, mode_name)
        )


class OutletHomePage(OutletLanguageMixin, Page):
    """The root of an outlet's page tree and the home page of its site.

    Only onboarding creates these, so no parent type allows adding one by hand.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    # Never another outlet's document or page in the introduction, not even
    # in a refused form shown again.
    base_form_class = OutletReferencesPageForm
    parent_page_types = []
    template = "wagtail_distmark/outlets/outlet_home_page.html"

    class Meta:
        verbose_name = _("outlet home page")

    @cached_property
    def outlet(self):
        return (
            Outlet.objects.select_related("region")
            .prefetch_related("opening_hours")
            .filter(home_page_id=self.pk)
            .first()
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["outlet"] = self.outlet
        return context

    def clean(self):
        super().clean()
        # Outlets write the introduction: its links follow the one link
        # policy, refused when the page is saved (not only at submission),
        # and may not reach another outlet's documents or pages.
        from ..isolation.references import UNAVAILABLE_MESSAGE, rich_text_in_scope
        from ..links import validate_rich_text_links

        messages = []
        try:
            validate_rich_text_links(self.intro)
        except ValidationError as error:
            messages.extend(error.messages)
        if rich_text_in_scope(self.outlet, self.intro)[1]:
            messages.append(UNAVAILABLE_MESSAGE)
        if messages:
            raise ValidationError({"intro": messages})

    def outlet_language(self):
        return self.outlet.locale if self.outlet else None
