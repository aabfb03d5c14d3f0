"""Loading reference data from a YAML file beside the migration that loads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def load_yaml_beside(migration_file: str, name: str) -> dict[str, Any]:
    """Read ``name`` from the folder of ``migration_file`` (data-hub-api's pattern)."""
    path = Path(migration_file).with_name(name)
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data
