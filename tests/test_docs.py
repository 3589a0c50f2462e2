"""The documentation's example article builds as documented."""

from __future__ import annotations

from pathlib import Path

from bippdf import build
from bippdf.readback import read_pdf

from .conftest import ROOT


def test_example_article_builds_with_its_notes_and_sections(tmp_path: Path) -> None:
    result = build(ROOT / "docs" / "exemple-article.md", tmp_path / "exemple.pdf")
    pdf = read_pdf(result.output)
    assert result.notes == 2
    assert pdf.page_of("note-2") is not None
    assert pdf.outline and pdf.outline[0].children, "its ## sections are bookmarked"
    assert result.warnings == []
