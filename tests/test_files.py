"""Outputs written whole or not at all (``files.write_file``), and files kept whole in the
build folder's cache (``files.keep_whole``, ``read_whole``)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from bippdf.errors import BuildError
from bippdf.files import keep_whole, read_whole, write_file


def test_a_write_that_fails_half_way_leaves_the_last_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk full once the new bytes are on their way: the last good file is still
    there, whole, nothing else is left beside it, and the error says what to check.
    (tests/test_sandbox.py kills a whole build while it writes.)"""
    target = tmp_path / "bip.pdf"
    target.write_bytes(b"%PDF- the last good one")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BuildError) as error:
        write_file(target, b"%PDF- the new one, half written")
    assert error.value.path == target
    assert "disque" in (error.value.hint or "")
    assert target.read_bytes() == b"%PDF- the last good one"
    assert [p.name for p in tmp_path.iterdir()] == ["bip.pdf"]


def test_a_kept_file_is_read_back_only_whole(tmp_path: Path) -> None:
    """What is kept is read back as it was; a file with one byte changed, cut short,
    emptied or missing gives nothing (it is made again), and a folder that cannot be
    written keeps nothing without stopping the build."""
    kept = tmp_path / "cache" / "a.kept"
    keep_whole(kept, b"des octets")
    assert read_whole(kept, 1000) == b"des octets"
    whole = kept.read_bytes()
    for damaged in (
        whole[:-1] + bytes([whole[-1] ^ 1]),
        whole[:5] + bytes([whole[5] ^ 1]) + whole[6:],
        whole[:-3],
        whole[:32],
        b"",
    ):
        kept.write_bytes(damaged)
        assert read_whole(kept, 1000) is None
    assert read_whole(tmp_path / "none.kept", 1000) is None
    kept.write_bytes(whole)
    assert read_whole(kept, len(whole) - 1) is None  # over its limit: not read
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    keep_whole(blocked / "a.kept", b"des octets")
    assert read_whole(blocked / "a.kept", 1000) is None
