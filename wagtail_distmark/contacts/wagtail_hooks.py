"""Admin hooks for contacts."""

from .imports import wagtail_hooks as imports_hooks  # noqa: F401
