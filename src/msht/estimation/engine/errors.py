"""Errors of the estimation engine."""

from __future__ import annotations

from msht.core.errors import ValidationError


class OverlapTableError(ValidationError):
    """A list-overlap table that cannot be used, with a reason a person can act on."""
