"""Distributable StreamField blocks: HQ sets a local policy per block instance."""

from .base import (  # noqa: F401
    EDITABLE,
    LOCKED,
    OPTIONAL,
    REQUIRED,
    DistributableBlock,
    LocalZoneBlock,
    distributable,
    local_error,
)
