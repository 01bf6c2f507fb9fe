"""A date block whose picker keeps what the editor types.

Wagtail's date picker writes one format for every user (``WAGTAIL_DATE_FORMAT``,
year first by default) and, on leaving the field, replaces a date it cannot
read with today's, silently: a French editor typing 16/04/2027 saved today's
date. Here the picker leaves typed text alone and the form reads it in the
user's own formats (Django's ``DATE_INPUT_FORMATS`` of the active language,
ISO included), or says it cannot.
"""

from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.widgets import AdminDateInput


class TypedDateInput(AdminDateInput):
    def get_config(self):
        return {**super().get_config(), "validateOnBlur": False}


class DateBlock(blocks.DateBlock):
    # Stored and migrated as Wagtail's own block: only the widget differs.
    canonical_module_path = "wagtail.blocks.DateBlock"

    @cached_property
    def field(self):
        field = super().field
        field.widget = TypedDateInput(format=self.format)
        return field
