"""The folder written: never over another one, unless asked to."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf.errors import SourceError
from bippdf.importer import import_legacy

from .texts import ARTICLE, body_of, legacy_text


def test_refuses_to_overwrite_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        import_legacy(legacy_text(tmp_path, ARTICLE + "Texte.\n"), out)
    assert error.value.path == out and error.value.hint
    assert "n'est pas vide" in error.value.message
    assert (out / "notes.txt").read_text("utf-8") == "à garder"


def test_force_overwrites_a_previous_import(tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_legacy(legacy_text(tmp_path, ARTICLE + "Texte.\n"), out)
    (out / "articles" / "99-ancien.md").write_text('+++\ntitle = "x"\n+++\n\nx\n', "utf-8")
    report = import_legacy(legacy_text(tmp_path, ARTICLE + "Autre.\n"), out, force=True)
    assert sorted(p.name for p in (out / "articles").iterdir()) == ["01-premier-article.md"]
    assert "Autre." in body_of(report)
