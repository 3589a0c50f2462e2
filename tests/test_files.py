"""Files kept whole in the build folder's cache (``files.keep_whole``, ``read_whole``)."""

from __future__ import annotations

from pathlib import Path

from bippdf.files import keep_whole, read_whole


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
