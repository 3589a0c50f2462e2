"""The PDF's streams compressed once per process: a stream of the same bytes is given the
compressed bytes it was given before.

pydyf, which writes WeasyPrint's PDFs, compresses each stream at zlib's level 9 when the
stream is written, and again when the file's identifier is computed (PDF/X and PDF/UA
ask for one: the digest of every object, each made anew). The print PDF's output profile
alone (500 KB, styles/icc/) cost 0.23 s each time, twice in every print PDF. And under
``watch`` most streams of a PDF (the fonts, the profile, the pages an edit did not
change) are those of the last one. zlib gives the same bytes for the same input at the
same level, so what it gave is kept by the digest of what it compressed: the PDF is the
one pydyf writes, byte for byte, at the level it is written at (``kept``: pydyf's own,
or the variant's, the print PDF's zlib default).

Only while bippdf writes a PDF in this thread (``kept``): WeasyPrint called alone (the
bench's baseline) compresses as it does.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

BUDGET = 32 << 20  # bytes the streams kept may hold; the least recently used go first
SMALL = 512  # shorter streams are compressed again: quicker than looking them up

ENTRY = 200  # bytes a kept stream costs besides its own: its key, its place in the memo

_local = threading.local()
_lock = threading.Lock()
_kept: OrderedDict[tuple[int, int, bytes], bytes] = OrderedDict()
_size = [0]  # bytes held by ``_kept``


def _unlocked() -> None:
    """In a forked process: the memo free, whatever another thread was doing with it."""
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_unlocked)


@contextmanager
def kept(level: int | None = None) -> Iterator[None]:
    """While a PDF is written in this thread: each stream compressed as it was before, when
    it was, and what it is compressed to kept for the next; at zlib's ``level`` if one is
    given, rather than the one pydyf asks for."""
    outer = getattr(_local, "depth", 0), getattr(_local, "level", None)
    _local.depth, _local.level = outer[0] + 1, level
    try:
        yield
    finally:
        _local.depth, _local.level = outer


def install() -> None:
    """Have pydyf compress through this module (once per process)."""
    import pydyf

    if not isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = _Zlib()


def forget() -> None:
    """Let every stream kept go."""
    with _lock:
        _kept.clear()
        _size[0] = 0


def deflated(data: bytes, level: int) -> bytes:
    """``data`` compressed at ``level`` as zlib compresses it, kept for the next time."""
    if len(data) < SMALL:
        return _compressed(data, level)
    key = (level, len(data), hashlib.sha256(data).digest())
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    result = _compressed(data, level)
    with _lock:
        if key not in _kept:
            _kept[key] = result
            _size[0] += len(result) + ENTRY
        while _size[0] > BUDGET and _kept:
            _, gone = _kept.popitem(last=False)
            _size[0] -= len(gone) + ENTRY
    return result


def _compressed(data: bytes, level: int) -> bytes:
    """What pydyf's own compression gives: a compressor's output, then its flush."""
    compressor = zlib.compressobj(level)
    return compressor.compress(data) + compressor.flush()


class _Zlib:
    """zlib, as pydyf sees it: its compressors keep what they make while ``kept`` holds
    in the thread."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    def compressobj(self, level: int = -1, *arguments: Any, **options: Any) -> Any:
        if arguments or options or not getattr(_local, "depth", 0):
            return zlib.compressobj(level, *arguments, **options)
        return _Compressor(level if _local.level is None else _local.level)


class _Compressor:
    """A compressor that gathers its input and gives it all compressed when flushed, as
    pydyf uses one (``compress`` once, then ``flush``)."""

    def __init__(self, level: int) -> None:
        self._level = level
        self._parts: list[bytes] = []

    def compress(self, data: bytes) -> bytes:
        self._parts.append(bytes(data))
        return b""

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        if mode != zlib.Z_FINISH:
            raise ValueError("seul Z_FINISH est pris en charge")  # pydyf asks for no other
        data, self._parts = b"".join(self._parts), []
        return deflated(data, self._level)
