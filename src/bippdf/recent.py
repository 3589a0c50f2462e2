"""What a process keeps for its next build or check, bounded. ``watch`` builds and
checks the issue again after every save, and a save changes little of it: each
article's parse, the pages read back, the pictures' copies for screens. A forked
reader sends back what it used, which this process keeps in turn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class Recent(Generic[_K, _V]):
    """At most ``size`` values by key; those not used for the longest are forgotten first."""

    def __init__(self, size: int) -> None:
        self._values: dict[_K, _V] = {}
        self._size = size

    def get(self, key: _K) -> _V | None:
        return self._values.get(key)

    def keep(self, used: Mapping[_K, _V]) -> None:
        """Keep these values as the last used."""
        for key, value in used.items():
            self._values.pop(key, None)
            self._values[key] = value
        while len(self._values) > self._size:
            del self._values[next(iter(self._values))]

    def kept(self) -> dict[_K, _V]:
        """Every value kept, the least recently used first."""
        return dict(self._values)
