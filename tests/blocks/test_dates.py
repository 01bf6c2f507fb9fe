import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from wagtail_distmark.blocks.dates import DateBlock


def test_the_picker_leaves_what_was_typed_alone():
    # Wagtail's picker otherwise puts today's date in place of a date it
    # cannot read (the Chromium test: tests/browser/test_admin_language.py).
    assert DateBlock().field.widget.get_config()["validateOnBlur"] is False


@pytest.mark.parametrize(
    ("language", "typed"),
    [("fr", "16/04/2027"), ("nl", "16-04-2027"), ("en", "2027-04-16")],
)
def test_a_date_is_read_in_the_users_format(language, typed):
    with translation.override(language):
        assert DateBlock().field.clean(typed) == datetime.date(2027, 4, 16)


def test_a_date_the_form_cannot_read_is_an_error_not_today():
    with translation.override("fr"), pytest.raises(ValidationError):
        DateBlock().field.clean("31/02/2027")


def test_stored_and_migrated_as_wagtails_date_block():
    path, args, kwargs = DateBlock(required=False).deconstruct()
    assert path == "wagtail.blocks.DateBlock"
    assert kwargs == {"required": False}
