from wagtail import hooks

from .blocks import ProductOfferBlock, notice_block


@hooks.register("register_distmark_template_blocks")
def register_example_template_blocks():
    return [("product_offer", ProductOfferBlock()), ("notice", notice_block())]
