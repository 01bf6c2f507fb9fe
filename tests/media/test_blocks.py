"""The brand kit's blocks validate what the admin page paints."""

import pytest
from django.core.exceptions import ValidationError

from wagtail_distmark.media.blocks import ColourBlock


@pytest.mark.parametrize("code", ["#C81E2D", "#c81e2d"])
def test_a_colour_code_is_six_hex_digits(code):
    value = ColourBlock().clean({"name": "Brand red", "hex": code, "usage": ""})
    assert value["hex"] == code


@pytest.mark.parametrize(
    "code", ["red", "#C81E2", "#C81E2DD", "#C81E2D; background:url(x)", "C81E2D"]
)
def test_anything_else_is_refused_with_an_example(code):
    with pytest.raises(ValidationError) as error:
        ColourBlock().clean({"name": "Brand red", "hex": code, "usage": ""})
    assert "#E30613" in str(error.value.block_errors["hex"])
