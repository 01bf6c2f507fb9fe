"""The template body field keeps project blocks out of migrations."""

from wagtail_distmark.blocks.fields import DistributableStreamField
from wagtail_distmark.blocks.registry import template_block_types
from wagtail_distmark.inheritance.models import TemplatePage


def test_blocks_come_from_the_registry_and_stay_out_of_migrations():
    field = TemplatePage._meta.get_field("body")
    assert isinstance(field, DistributableStreamField)
    assert list(field.stream_block.child_blocks) == [
        name for name, _ in template_block_types()
    ]
    _name, path, args, kwargs = field.deconstruct()
    assert path == "wagtail_distmark.blocks.fields.DistributableStreamField"
    assert args == []
    assert "block_lookup" not in kwargs
    # A migration's call rebuilds the same field.
    rebuilt = DistributableStreamField(*args, **kwargs)
    assert list(rebuilt.stream_block.child_blocks) == list(
        field.stream_block.child_blocks
    )
