"""An outlet page copied or moved into another outlet's tree belongs to it."""

from wagtail.models import Page

from wagtail_distmark.inheritance.models import LocalPage

from .editing import spring_page


def test_a_copy_belongs_to_the_outlet_it_is_copied_into(demo):
    LocalPage.objects.filter(outlet=demo.gent).delete()
    page = spring_page(demo.lille)
    gent_home = Page.objects.get(pk=demo.gent.home_page_id)
    copy = page.copy(to=gent_home, update_attrs={"slug": "spring-copy"})
    assert LocalPage.objects.get(pk=copy.pk).outlet_id == demo.gent.pk
    assert LocalPage.objects.get(pk=page.pk).outlet_id == demo.lille.pk


def test_a_moved_page_follows_its_new_tree(demo):
    LocalPage.objects.filter(outlet=demo.gent).delete()
    page = spring_page(demo.lille)
    gent_home = Page.objects.get(pk=demo.gent.home_page_id)
    from wagtail.actions.move_page import MovePageAction

    MovePageAction(page, gent_home, pos="last-child").execute()
    assert LocalPage.objects.get(pk=page.pk).outlet_id == demo.gent.pk
