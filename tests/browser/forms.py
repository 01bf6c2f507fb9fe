"""Helpers for filling Wagtail's admin forms in Chromium."""


def set_date(page, selector, value):
    """Type a date without focusing the field: Wagtail's date picker opens on
    focus, and an open picker would cover the footer's buttons."""
    page.locator(selector).evaluate(
        "(el, value) => { el.value = value;"
        " el.dispatchEvent(new Event('change', {bubbles: true})); }",
        value,
    )
