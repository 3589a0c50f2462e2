"""Image headers read without Pillow (images.header_size): the online edition's preview
size, and what its check compares that size with; what decoding a picture says
(images.image_problem), kept while the file is the same."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from bippdf.images import header_size, image_problem

from .conftest import moved_over


def _encoded(kind: str, size: tuple[int, int], **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (47, 111, 159)).save(out, kind, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("PNG", {}),
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),  # its frame header is SOF2, not SOF0
        # Metadata before the frame header: the reader walks past it.
        ("JPEG", {"exif": b"Exif\0\0" + bytes(2000), "icc_profile": bytes(3000)}),
    ],
)
def test_the_header_s_size_is_the_one_pillow_reads(kind: str, options: dict[str, object]) -> None:
    data = _encoded(kind, (701, 333), **options)
    assert header_size(data) == (701, 333) == Image.open(io.BytesIO(data)).size


def test_anything_else_has_no_size() -> None:
    assert header_size(_encoded("GIF", (10, 10))) is None
    assert header_size(b"<!DOCTYPE html>") is None
    assert header_size(b"\xff\xd8\xff") is None  # a JPEG cut before its frame header


def test_a_picture_damaged_or_replaced_since_it_was_decoded_is_decoded_again(
    tmp_path: Path,
) -> None:
    """What decoding a file said is kept (watch checks every picture at each rebuild), but
    not past a change of the file: cut, or replaced by another of the same size, both
    at the same modification time."""
    photo = tmp_path / "photo.png"
    data = _encoded("PNG", (64, 48))
    photo.write_bytes(data)
    assert image_problem(photo) is None
    before = photo.stat()
    photo.write_bytes(data[: len(data) // 2])
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))  # cut in the same instant
    assert "tronqué" in str(image_problem(photo))
    photo.write_bytes(data)
    assert image_problem(photo) is None
    damaged = bytearray(data)
    start = data.index(b"IDAT") + 4
    damaged[start : start + 8] = b"\xff" * 8  # its compressed pixels: the size stays
    moved_over(photo, bytes(damaged))
    assert "endommagé" in str(image_problem(photo))
