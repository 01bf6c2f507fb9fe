"""The image form base with the network's upload rules.

Wagtail already refuses what matters most: a file whose content is not the
image format its extension claims (an HTML page renamed .jpg), SVG unless the
project allows it, files over ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` and images over
``WAGTAILIMAGES_MAX_IMAGE_PIXELS``. This adds the minimum dimensions brand
visuals need (``IMAGE_MIN_WIDTH``, ``IMAGE_MIN_HEIGHT``). Use it with::

    WAGTAILIMAGES_IMAGE_FORM_BASE = "wagtail_distmark.media.forms.BrandImageForm"
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from ..conf import distmark_settings


class BrandImageForm(BaseImageForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        image = getattr(uploaded, "image", None)  # set on a new upload only
        if image is None:
            return uploaded
        width, height = image.get_size()
        min_width = distmark_settings.IMAGE_MIN_WIDTH or 0
        min_height = distmark_settings.IMAGE_MIN_HEIGHT or 0
        if width < min_width or height < min_height:
            raise ValidationError(
                _(
                    "This image is %(width)s×%(height)s pixels; images must be at "
                    "least %(min_width)s×%(min_height)s pixels."
                ),
                code="image_too_small",
                params={
                    "width": width,
                    "height": height,
                    "min_width": min_width,
                    "min_height": min_height,
                },
            )
        return uploaded
