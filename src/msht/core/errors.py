"""One exception tree for MSHT: every rule broken raises a subclass of MshtError."""

from __future__ import annotations


class MshtError(Exception):
    """Base of every MSHT error."""


class ConfigurationError(MshtError):
    """The environment or settings are not usable."""


class PermissionDeniedError(MshtError):
    """The actor may not do this (accounts.rules said no)."""


class ValidationError(MshtError):
    """Input broke one or more rules; ``problems`` names each one."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class SynthError(MshtError):
    """The synthetic world cannot be written or loaded."""
