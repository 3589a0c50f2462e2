"""A text that is not a printed bulletin, or not UTF-8, is refused with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf.errors import SourceError
from bippdf.importer import import_legacy


def test_unrecognisable_input_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_text("Un texte quelconque.\n\nSans table des matières.\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        import_legacy(path, tmp_path / "out")
    assert error.value.path == path and error.value.line == 1
    assert not (tmp_path / "out").exists()


def test_text_not_in_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Ligne un\nNuméro 6\n".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        import_legacy(path, tmp_path / "out")
    assert error.value.line == 2 and "UTF-8" in error.value.message
