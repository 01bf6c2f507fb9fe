"""A StreamField whose block types come from the registry at run time."""

from django.db import models
from django.utils.functional import cached_property
from wagtail.fields import StreamField

from .registry import template_stream_block


class DistributableStreamField(StreamField):
    """The template body: every registered distributable block, plus local zones.

    The block list comes from :mod:`.registry`, so a project that registers its
    own blocks does not change this app's models. For the same reason the
    field leaves its blocks out of migrations (a block list in a migration
    only matters to data migrations, which can build it from the registry).
    """

    def __init__(self, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(None, **kwargs)

    @cached_property
    def stream_block(self):
        return template_stream_block(**self.block_opts)

    def deconstruct(self):
        name, path, _args, kwargs = models.Field.deconstruct(self)
        return name, path, [], kwargs
