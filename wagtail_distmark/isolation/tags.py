"""Tag autocomplete for local users: tags of the media they may see.

Wagtail's autocomplete suggests every tag of the installation, so typing "c"
in Lille's image form would suggest Marseille's tags. Local users get the
tags used on the images and documents they may see; tag models other than
taggit's own (a project's custom tags) suggest nothing to them.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, JsonResponse
from taggit.models import Tag, TagBase

from .visibility import tags_on, visible_documents, visible_images

LIMIT = 10


def visible_tags(user):
    images = tags_on(visible_images(user)).values("pk")
    documents = tags_on(visible_documents(user)).values("pk")
    return Tag.objects.filter(pk__in=images) | Tag.objects.filter(pk__in=documents)


def scoped_tag_autocomplete(request, app_name=None, model_name=None):
    if app_name and model_name:
        try:
            content_type = ContentType.objects.get_by_natural_key(app_name, model_name)
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        tag_model = content_type.model_class()
        if tag_model is None or not issubclass(tag_model, TagBase):
            raise Http404
        if tag_model is not Tag:
            return JsonResponse([], safe=False)
    term = request.GET.get("term", "")
    if not term:
        return JsonResponse([], safe=False)
    names = (
        visible_tags(request.user)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:LIMIT]
    )
    return JsonResponse(list(names), safe=False)
