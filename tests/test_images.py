"""Image headers read without Pillow (images.header_size): the online edition's preview
size, and what its check compares that size with."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bippdf.images import header_size


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
