"""The Markdown body: quotations and testimonies set as block quotes."""

from __future__ import annotations

from pathlib import Path

from bippdf.importer import import_legacy

from .texts import ARTICLE, body_of, legacy_text


def test_quotations_and_testimonies_become_block_quotes(tmp_path: Path) -> None:
    text = ARTICLE + (
        "« On n'a pas la prétention d'être les uniques pourvoyeurs de réponses », "
        "précise M<sup>me</sup> Gauthier.\n\n"
        "Lors d'une fugue, rien n'est gratuit : « [...] la première fois qu'on a fait un "
        "client, je voyais pas ça comme de la prostitution. » (MP)\n"
    )
    report = import_legacy(legacy_text(tmp_path, text), tmp_path / "out")
    body = body_of(report)
    assert "> « On n'a pas la prétention" in body
    assert "rien n'est gratuit :\n\n> « [...] la première fois" in body
    assert "prostitution. »\n>\n> (MP)" in body
