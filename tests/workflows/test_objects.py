"""Which outlet a moderated object belongs to."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from tests.inheritance.editing import spring_page
from wagtail_distmark.inheritance.models import TemplatePage
from wagtail_distmark.workflows.objects import outlet_for, outlet_ids_for_objects

pytestmark = pytest.mark.django_db


def test_pages_belong_to_the_outlet_whose_tree_holds_them(demo):
    page = spring_page(demo.lille)
    assert outlet_for(page) == demo.lille
    assert outlet_for(Page.objects.get(pk=demo.lille.home_page_id)) == demo.lille
    assert outlet_for(TemplatePage.objects.first()) is None


def test_objects_map_to_outlets_in_bulk(demo):
    page_type = ContentType.objects.get_for_model(Page).pk
    lille, marseille = spring_page(demo.lille), spring_page(demo.marseille)
    template = TemplatePage.objects.first()
    keys = [(page_type, str(p.pk)) for p in (lille, marseille, template)]
    assert outlet_ids_for_objects(keys) == {
        keys[0]: demo.lille.pk,
        keys[1]: demo.marseille.pk,
        keys[2]: None,
    }


def test_a_moved_page_belongs_to_its_new_outlet_even_in_old_revisions(demo):
    page = spring_page(demo.lille)
    page.slug = "lille-spring"
    revision = page.save_revision()
    page.save()
    page.move(Page.objects.get(pk=demo.gent.home_page_id), pos="last-child")
    assert outlet_for(revision.as_object()) == demo.gent
