from wagtail import hooks

from .audiences import AgeFilter
from .blocks import ProductOfferBlock, notice_block
from .checks import NoShoutingCheck


@hooks.register("register_distmark_template_blocks")
def register_example_template_blocks():
    return [("product_offer", ProductOfferBlock()), ("notice", notice_block())]


@hooks.register("register_distmark_check")
def register_example_checks():
    return [NoShoutingCheck()]


@hooks.register("register_distmark_audience_filters")
def register_example_audience_filters():
    return [("age", AgeFilter())]
