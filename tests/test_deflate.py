"""The PDF's streams compressed once per process (deflate.py): the bytes zlib gives,
compressed once while bippdf writes a PDF, as pydyf compresses them otherwise."""

from __future__ import annotations

import random
import threading
import zlib
from collections.abc import Iterator
from typing import Any

import pydyf
import pytest

from bippdf import deflate


@pytest.fixture(autouse=True)
def _installed() -> Iterator[None]:
    """pydyf compressing through deflate.py, nothing kept from another test."""
    deflate.install()
    deflate.forget()
    yield
    deflate.forget()


@pytest.fixture
def compressions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The level of each compressor zlib makes."""
    made: list[int] = []
    real = zlib.compressobj

    def counted(level: int = -1, *arguments: Any) -> Any:
        made.append(level)
        return real(level, *arguments)

    monkeypatch.setattr(zlib, "compressobj", counted)
    return made


def _content(seed: int, size: int = 20_000) -> bytes:
    """Bytes like a page's content: compressible, not trivially."""
    rng = random.Random(seed)
    lines = (
        f"{rng.uniform(0, 600):.2f} {rng.uniform(0, 800):.2f} Td [(mot) {rng.randint(-99, 99)}]TJ"
        for _ in range(size // 30)
    )
    return "\n".join(lines).encode()


def _written(data: bytes) -> bytes:
    """A pydyf stream of ``data``, compressed, as written into a PDF."""
    return bytes(pydyf.Stream([data], compress=True).data)


def test_a_stream_is_written_as_pydyf_writes_it_the_first_time_and_after() -> None:
    data, small = _content(1), b"0 0 m 10 10 l S"
    expected = [_written(data), _written(small)]  # outside a PDF of bippdf's: zlib's own
    with deflate.kept():
        first = [_written(data), _written(small)]
        again = [_written(data), _written(small)]
    assert first == expected and again == expected
    assert zlib.decompress(expected[0].split(b"stream\n", 1)[1].rsplit(b"\nendstream")[0]) == data


def test_the_same_bytes_are_compressed_once_and_each_level_apart(compressions: list[int]) -> None:
    data = _content(2)
    with deflate.kept():
        _written(data)
        _written(data)
        assert compressions == [9]
        fast = deflate.deflated(data, 1)
        assert compressions == [9, 1]
    assert fast == zlib.compress(data, 1) and fast != zlib.compress(data, 9)
    with deflate.kept():
        _written(_content(3))
    assert compressions == [9, 1, 9]


def test_a_pdf_written_at_a_level_of_its_own_has_its_streams_at_that_level(
    compressions: list[int],
) -> None:
    """The print PDF's level (``kept(6)``) is that of every stream pydyf compresses while
    it is written, kept apart from the same bytes at pydyf's 9; the level pydyf asks for
    is back once it is written, and inside a PDF of pydyf's level written meanwhile."""
    data = _content(5)
    at_six, at_nine = zlib.compress(data, 6), zlib.compress(data, 9)
    assert at_six != at_nine
    with deflate.kept(6):
        assert _stream_of(_written(data)) == at_six
        with deflate.kept():
            assert _stream_of(_written(data)) == at_nine
        assert _stream_of(_written(data)) == at_six
    with deflate.kept():
        assert _stream_of(_written(data)) == at_nine
    assert _stream_of(_written(data)) == at_nine
    assert compressions == [6, 9, 9]  # each level once, then kept; the last, zlib's own


def _stream_of(written: bytes) -> bytes:
    """The bytes between ``stream`` and ``endstream`` of a stream pydyf wrote."""
    return written.split(b"stream\n", 1)[1].rsplit(b"\nendstream")[0]


def test_weasyprint_alone_compresses_as_it_does(compressions: list[int]) -> None:
    """Outside ``kept`` (WeasyPrint called alone, as the bench's baseline), and in another
    thread meanwhile, nothing is kept."""
    data = _content(4)
    _written(data)
    _written(data)
    assert compressions == [9, 9]
    with deflate.kept():
        thread = threading.Thread(target=_written, args=(data,))
        thread.start()
        thread.join()
    assert compressions == [9, 9, 9]


def test_the_least_recently_used_go_first(
    compressions: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    streams = [_content(seed) for seed in (5, 6, 7)]
    sizes = [len(zlib.compress(data, 9)) for data in streams]
    monkeypatch.setattr(deflate, "BUDGET", sum(sizes) + 3 * deflate.ENTRY - 1)
    with deflate.kept():
        _written(streams[0])
        _written(streams[1])
        _written(streams[0])  # used again: the second is now the oldest
        _written(streams[2])  # over the budget: the second goes
        assert len(compressions) == 3
        _written(streams[0])
        _written(streams[2])
        assert len(compressions) == 3
        _written(streams[1])
        assert len(compressions) == 4
