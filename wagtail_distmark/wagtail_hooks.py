# Wagtail imports this module; each capability registers its own hooks.
from .outlets import wagtail_hooks as outlets_hooks  # noqa: F401
