"""The image and document form bases with the network's upload rules.

Wagtail already refuses what matters most: a file whose content is not the
image format its extension claims (an HTML page renamed .jpg), SVG unless the
project allows it, files over ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` and images over
``WAGTAILIMAGES_MAX_IMAGE_PIXELS``. This adds the minimum dimensions brand
visuals need (``IMAGE_MIN_WIDTH``, ``IMAGE_MIN_HEIGHT``). Use it with::

    WAGTAILIMAGES_IMAGE_FORM_BASE = "wagtail_distmark.media.forms.BrandImageForm"
"""

import os

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from ..conf import distmark_settings


class OneFileErrorMixin:
    """Once the file is refused, Wagtail's model check sees no file and adds
    a confusing 'File extension “” is not allowed': keep our message only."""

    def _post_clean(self):
        refused = list(self.errors.get("file", []))
        super()._post_clean()
        if refused:
            self.errors["file"] = self.error_class(refused)


class BrandImageForm(OneFileErrorMixin, BaseImageForm):
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


# What a file of each type starts with. Types not listed are checked by
# extension only (WAGTAILDOCS_EXTENSIONS).
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "zip": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}
TEXT_EXTENSIONS = {"txt", "csv"}
# Markup a browser would run if the file were opened from the media host.
_ACTIVE_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<iframe", b"<?xml")


class BrandDocumentForm(OneFileErrorMixin, BaseDocumentForm):
    """Documents are checked by content, not only by name: a PDF must start
    as a PDF does, a text file must be text and not a web page, and files
    over ``DOCUMENT_MAX_UPLOAD_SIZE`` bytes are refused. Use it with::

        WAGTAILDOCS_DOCUMENT_FORM_BASE = "wagtail_distmark.media.forms.BrandDocumentForm"
    """

    def _update_errors(self, errors):
        # Wagtail's multiple uploader edits documents with a form that has no
        # "file" field, yet the model's check of WAGTAILDOCS_EXTENSIONS
        # reports on "file" (on an empty name for an upload held until its
        # details are filled in): Django would raise ValueError. The uploader
        # checked the file, with this form's rules, when it arrived.
        if "file" not in self.fields and "file" in getattr(errors, "error_dict", {}):
            others = {
                field: messages
                for field, messages in errors.error_dict.items()
                if field != "file"
            }
            if not others:
                return
            errors = ValidationError(others)
        super()._update_errors(errors)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "content_type"):
            return uploaded  # no new upload (an edit keeping the file)
        limit = distmark_settings.DOCUMENT_MAX_UPLOAD_SIZE
        if limit and uploaded.size > limit:
            raise ValidationError(
                _("This file is %(size)s; documents may be %(limit)s at most."),
                code="file_too_large",
                params={
                    "size": filesizeformat(uploaded.size),
                    "limit": filesizeformat(limit),
                },
            )
        extension = os.path.splitext(uploaded.name)[1].lstrip(".").lower()
        uploaded.seek(0)
        head = uploaded.read(2048)
        uploaded.seek(0)
        if extension in DOCUMENT_SIGNATURES and not head.startswith(
            DOCUMENT_SIGNATURES[extension]
        ):
            raise ValidationError(
                _(
                    "This file is named .%(extension)s but its content is not a "
                    ".%(extension)s file."
                ),
                code="content_mismatch",
                params={"extension": extension},
            )
        if extension in TEXT_EXTENSIONS and (
            b"\x00" in head or any(tag in head.lower() for tag in _ACTIVE_MARKUP)
        ):
            raise ValidationError(
                _(
                    "This file is named .%(extension)s but holds a web page or "
                    "binary data, which is not allowed."
                ),
                code="content_mismatch",
                params={"extension": extension},
            )
        return uploaded
