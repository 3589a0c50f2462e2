"""Where bippdf's own files are and what of the machine it may use (resources.py): what is
not said elsewhere."""

from __future__ import annotations

import ctypes

import pytest

from bippdf import resources


def test_freed_memory_is_given_back_where_the_c_library_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """glibc's malloc_trim, called with no padding; a C library without it (musl, macOS)
    or none found (Windows, where ctypes needs a name) is no error."""
    resources.give_back_freed_memory()  # this machine's own C library
    trimmed: list[int] = []

    class Glibc:
        def malloc_trim(self, pad: int) -> int:
            trimmed.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Glibc())
    resources.give_back_freed_memory()
    assert trimmed == [0]
    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())
    resources.give_back_freed_memory()

    for refusal in (OSError("no C library"), TypeError("a name is needed")):

        def missing(name: object, refusal: Exception = refusal) -> object:
            raise refusal

        monkeypatch.setattr(ctypes, "CDLL", missing)
        resources.give_back_freed_memory()
