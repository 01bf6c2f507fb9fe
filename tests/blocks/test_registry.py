"""The registry of template and local blocks, extended through hooks."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail import blocks, hooks

from wagtail_distmark.blocks import registry
from wagtail_distmark.blocks.base import LocalZoneBlock


@pytest.fixture
def fresh_registry():
    registry.clear_caches()
    yield
    registry.clear_caches()


def test_library_project_blocks_and_local_zone(fresh_registry):
    names = [name for name, _ in registry.template_block_types()]
    assert names[0] == "hero"
    assert "product_offer" in names  # the example site's hook
    assert names[-1] == "local_zone"
    zone = dict(registry.template_block_types())["local_zone"]
    assert isinstance(zone, LocalZoneBlock)
    assert list(zone.child_blocks["blocks"].child_blocks) == [
        name for name, _ in registry.local_block_types()
    ]


def test_a_template_block_must_be_distributable(fresh_registry):
    with (
        hooks.register_temporarily(
            registry.TEMPLATE_BLOCKS_HOOK, lambda: [("plain", blocks.CharBlock())]
        ),
        pytest.raises(ImproperlyConfigured, match="not distributable"),
    ):
        registry.template_block_types()


def test_two_blocks_may_not_share_a_name(fresh_registry):
    with (
        hooks.register_temporarily(
            registry.LOCAL_BLOCKS_HOOK, lambda: [("rich_text", blocks.CharBlock())]
        ),
        pytest.raises(ImproperlyConfigured, match="rich_text"),
    ):
        registry.local_block_types()
