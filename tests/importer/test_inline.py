"""Inline text: links the bulletin accepts, and those going nowhere."""

from __future__ import annotations

from pathlib import Path

from bippdf.importer import import_legacy

from .texts import ARTICLE, body_of, legacy_text


def test_link_going_nowhere_keeps_its_text_and_is_reported(tmp_path: Path) -> None:
    text = ARTICLE + (
        "Voir la [Ligne éditoriale](#) et [le site](www.example.org), et "
        "[http://a.ca/x\\\\_y](http://a.ca/x_y).\n"
    )
    path = legacy_text(tmp_path, text)
    report = import_legacy(path, tmp_path / "out")
    body = body_of(report)
    assert (
        "Voir la Ligne éditoriale et [le site](https://www.example.org), et <http://a.ca/x_y>."
        in body
    )
    assert len(report.problems) == 1 and "Ligne éditoriale" in report.problems[0].message
