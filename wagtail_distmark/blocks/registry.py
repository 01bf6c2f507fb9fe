"""The blocks HQ can place in templates, and outlets in local zones.

The shipped library (:mod:`.library`) comes first; projects add their own with
two hooks, each returning ``(name, block)`` pairs::

    @hooks.register("register_distmark_template_blocks")
    def my_template_blocks():
        return [("store_event", StoreEventBlock())]

    @hooks.register("register_distmark_local_blocks")
    def my_local_blocks():
        return [("video", EmbedBlock())]

Template blocks must be distributable (see :mod:`.base`); local blocks may be
any block. The stream blocks are built once, on first use.
"""

from functools import cache

from django.core.exceptions import ImproperlyConfigured
from wagtail import blocks, hooks

from .base import LocalZoneBlock, is_distributable

TEMPLATE_BLOCKS_HOOK = "register_distmark_template_blocks"
LOCAL_BLOCKS_HOOK = "register_distmark_local_blocks"


def _collect(defaults, hook_name):
    types = list(defaults)
    for hook in hooks.get_hooks(hook_name):
        types.extend(hook())
    seen = set()
    for name, _block in types:
        if name in seen:
            raise ImproperlyConfigured(
                f"Two distmark blocks are registered as {name!r} ({hook_name})."
            )
        seen.add(name)
    return types


@cache
def local_block_types():
    from .library import default_local_blocks

    return _collect(default_local_blocks(), LOCAL_BLOCKS_HOOK)


@cache
def template_block_types():
    from .library import default_template_blocks

    types = _collect(default_template_blocks(), TEMPLATE_BLOCKS_HOOK)
    for name, block in types:
        if not is_distributable(block):
            raise ImproperlyConfigured(
                f"Template block {name!r} is not distributable: subclass "
                "DistributableBlock or wrap it with distributable()."
            )
    types.append(("local_zone", LocalZoneBlock(local_block_types())))
    return types


def template_stream_block(**options):
    """A new ``StreamBlock`` of every template block type."""
    block = blocks.StreamBlock(template_block_types())
    block.set_meta_options(options)
    return block


def clear_caches():
    """Forget the registered blocks (tests that register blocks call this)."""
    local_block_types.cache_clear()
    template_block_types.cache_clear()
