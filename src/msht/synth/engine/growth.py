"""Growable numpy columns: the compact state a world keeps while its rows stream to disk."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


class GrowArray:
    """A one-dimensional numpy array that appends in amortised constant time."""

    def __init__(self, dtype: npt.DTypeLike, capacity: int = 1024) -> None:
        self._data: npt.NDArray[Any] = np.empty(capacity, dtype=dtype)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def extend(self, values: npt.ArrayLike) -> None:
        """Append ``values``, doubling the buffer when it is full."""
        array = np.asarray(values, dtype=self._data.dtype)
        needed = self._size + array.size
        if needed > self._data.size:
            capacity = max(needed, 2 * self._data.size)
            grown = np.empty(capacity, dtype=self._data.dtype)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : needed] = array.ravel()
        self._size = needed

    @property
    def values(self) -> npt.NDArray[Any]:
        """A view of the filled part (valid until the next ``extend``)."""
        return self._data[: self._size]
