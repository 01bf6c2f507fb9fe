"""Helpers: images in the brand library and in outlet collections."""

import datetime

from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from wagtail_distmark.media.models import ImageRights
from wagtail_distmark.media.services import brand_library


def image(title, collection, **rights):
    img = get_image_model().objects.create(
        title=title,
        file=get_test_image_file(),
        collection=collection,
        description=f"{title} (alt text)",
    )
    if rights:
        ImageRights.objects.create(image=img, **rights)
    return img


def brand_image(title, **rights):
    return image(title, brand_library(), **rights)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)
