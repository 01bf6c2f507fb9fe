import re

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.images.widgets import AdminImageChooser

from .models import Region
from .onboarding import default_hostname, validate_outlet_identity

hostname_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    _("Enter a hostname such as lille.example.com (letters, digits, dots, hyphens)."),
    code="invalid_hostname",
    flags=re.IGNORECASE,
)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label_with_depth


class OutletForm(WagtailAdminModelForm):
    """Admin form for an outlet's profile; the hostname lives on its Site."""

    hostname = forms.CharField(
        label=_("hostname"),
        max_length=253,
        required=False,
        validators=[hostname_validator],
        help_text=_(
            "The outlet site's address, e.g. lille.example.com. "
            "Left empty, “<slug>.localhost” is used."
        ),
    )

    class Meta:
        field_classes = {"region": RegionChoiceField}
        widgets = {"manager_photo": AdminImageChooser}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "region" in self.fields:
            self.fields["region"].queryset = Region.objects.order_by("path")
        if "manager_photo" in self.fields:
            self._scope_manager_photo(self.fields["manager_photo"])
        if self.instance.pk:
            # The slug names the outlet's groups and keys CSV re-imports.
            if "slug" in self.fields:
                self.fields["slug"].disabled = True
            if "hostname" in self.fields and self.instance.site_id:
                self.fields["hostname"].initial = self.instance.site.hostname

    def _scope_manager_photo(self, field):
        """The photo shows on the outlet's public pages: one of its own images
        or a brand asset the user may choose, never another outlet's. An id
        posted outside these is refused without naming the image."""
        from wagtail.images import get_image_model

        from ..isolation.visibility import is_local_user, visible_images
        from ..media.services import outlet_images, unusable_reason

        outlet = self.instance if self.instance.pk else None
        choices = outlet_images(outlet, self.for_user)
        if is_local_user(self.for_user):
            choices = choices.filter(pk__in=visible_images(self.for_user).values("pk"))
        current = self.instance.manager_photo if self.instance.pk else None
        if current is not None:
            # Kept while unchanged, even once its rights lapse (saving the
            # profile must not fail for it): the form says so.
            choices = get_image_model().objects.filter(
                Q(pk__in=choices.values("pk")) | Q(pk=current.pk)
            )
            reason = unusable_reason(current)
            if reason:
                field.help_text = _(
                    "Your pages no longer show this photo: %(reason)s Choose "
                    "another one."
                ) % {"reason": reason}
        field.queryset = choices
        field.error_messages["invalid_choice"] = _(
            "Choose a photo from this outlet's images or from the brand library."
        )

    def clean_manager_photo(self):
        from ..media.services import unusable_reason

        photo = self.cleaned_data.get("manager_photo")
        # A new photo must be usable today (HQ may choose any of the outlet's
        # images and brand assets; outlet users only get those choices).
        changed = "manager_photo" in self.changed_data
        reason = unusable_reason(photo) if photo and changed else None
        if reason:
            raise forms.ValidationError(
                _("%(reason)s Choose another photo.") % {"reason": reason},
                code="unusable_asset",
            )
        return photo

    def full_clean(self):
        super().full_clean()
        if "manager_photo" in self._errors:
            # The image chooser shows the image it holds: not a refused one
            # (nor, for a malformed id, fail while showing it).
            data = self.data.copy()
            data[self.add_prefix("manager_photo")] = ""
            self.data = data

    def clean_hostname(self):
        return self.cleaned_data["hostname"].strip().lower()

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug") or self.instance.slug
        if slug and not self.errors:
            hostname = cleaned_data.get("hostname") or (
                self.instance.site.hostname
                if self.instance.site_id
                else default_hostname(slug)
            )
            cleaned_data["hostname"] = hostname
            try:
                validate_outlet_identity(
                    slug=slug,
                    name=cleaned_data.get("name", ""),
                    hostname=hostname,
                    outlet=self.instance if self.instance.pk else None,
                )
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned_data


class RegionForm(WagtailAdminModelForm):
    """Regions are tree nodes: a new one is placed under a parent region."""

    parent = RegionChoiceField(
        label=_("parent region"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Leave empty to place the region directly under the network."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Region.objects.order_by("path")
        if self.instance.pk:
            # Moving a region re-parents every outlet below it; not offered here.
            self.fields["parent"].disabled = True
            self.fields["parent"].initial = self.instance.get_parent()
