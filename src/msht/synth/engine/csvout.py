"""Streaming CSV output built column by column, with a running SHA-256 of each file.

Rows are joined from whole columns (lists of strings) rather than written cell by cell
through ``csv.writer``: only the free-text columns can hold a comma, quote or newline,
so only they are quoted, and a million rows join in a second or two. The output is
RFC 4180 CSV that ``csv.reader`` reads back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from msht.synth.engine.schema import FileSpec

_SPECIAL = re.compile(r'[,"\r\n]')


def quote(value: str) -> str:
    """RFC 4180 quoting of one cell, only when it needs it."""
    if _SPECIAL.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


class CsvSink:
    """One output file: written to ``<name>.part`` and renamed when the world is complete."""

    def __init__(self, directory: Path, spec: FileSpec) -> None:
        self.spec = spec
        self.path = directory / spec.name
        self.partial = directory / f"{spec.name}.part"
        self.rows = 0
        self._digest = hashlib.sha256()
        self._handle: IO[bytes] = self.partial.open("wb")
        self._emit(",".join(spec.columns) + "\n")

    def _emit(self, text: str) -> None:
        """Write text to the file and to its running SHA-256."""
        data = text.encode("utf-8")
        self._digest.update(data)
        self._handle.write(data)

    def write(self, columns: dict[str, Sequence[str]]) -> None:
        """Append rows given as one list of strings per column (all the same length)."""
        ordered = []
        length = -1
        for name in self.spec.columns:
            values = columns[name]
            if length < 0:
                length = len(values)
            elif len(values) != length:
                raise ValueError(
                    f"{self.spec.name}: column {name} has {len(values)} rows, not {length}"
                )
            if name in self.spec.text_columns:
                values = [quote(value) for value in values]
            ordered.append(values)
        if length <= 0:
            return
        self._emit("\n".join(map(",".join, zip(*ordered, strict=True))) + "\n")
        self.rows += length

    def close(self) -> str:
        """Close the file and return its SHA-256."""
        self._handle.close()
        return self._digest.hexdigest()

    def publish(self) -> None:
        """Give the finished file its final name."""
        self.partial.replace(self.path)

    def discard(self) -> None:
        """Remove the unfinished file (the world failed)."""
        if not self._handle.closed:
            self._handle.close()
        self.partial.unlink(missing_ok=True)
