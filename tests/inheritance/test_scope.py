"""Which media and pages an outlet's own values may point at."""

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Page

from wagtail_distmark.inheritance.scope import out_of_scope_references


def image_in(collection):
    return Image.objects.create(
        title="x", file=get_test_image_file(), collection=collection
    )


def refs(*objects):
    return [(type(obj), obj.pk, "", "") for obj in objects]


def test_own_and_shared_media_are_in_scope_other_outlets_are_not(demo):
    own = image_in(demo.lille.collection)
    shared = image_in(Collection.get_first_root_node())
    theirs = image_in(demo.marseille.collection)
    refused = out_of_scope_references(demo.lille, refs(own, shared, theirs))
    assert refused == [(Image, theirs.pk)]


def test_pages_of_another_outlet_are_out_of_scope(demo):
    lille_home = Page.objects.get(pk=demo.lille.home_page_id)
    marseille_home = Page.objects.get(pk=demo.marseille.home_page_id)
    refused = out_of_scope_references(demo.lille, refs(lille_home, marseille_home))
    assert [pk for _model, pk in refused] == [marseille_home.pk]


def test_without_an_outlet_no_outlet_media_is_in_scope(demo):
    own = image_in(demo.lille.collection)
    assert out_of_scope_references(None, refs(own)) == [(Image, own.pk)]
