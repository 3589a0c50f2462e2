"""How full the pages are (check/fill.py): a page of articles under half full and a
column ending short mid-article are said, with the page; a fitted issue has neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf.check import Report

from ..conftest import BuiltIssue, article, write_issue
from .conftest import render_broken

SENTENCE = "Un paragraphe de texte courant, assez long pour remplir quelques lignes. "


def _warnings(report: Report) -> list[str]:
    return [str(w) for c in report.checks if c.name == "fill" for w in c.warnings]


@pytest.mark.pdf
def test_a_page_of_articles_under_half_full_is_said(tmp_path: Path) -> None:
    """Laid out without a fit, each short article has a page of its own: the first one's
    page is nearly empty (the last page of the articles may be)."""
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("Premier", SENTENCE * 6), "02-b.md": article("Second", SENTENCE * 6)},
    )
    warnings = _warnings(render_broken(root, lambda html: html))
    assert len(warnings) == 1
    assert warnings[0].startswith("page 3: page remplie à ")
    assert "une page d'articles l'est à moitié au moins" in warnings[0]


def test_column_holes_of_no6_are_said(issue6: BuiltIssue) -> None:
    """No. 6 has two columns ending short while their article goes on (a quotation that
    did not fit): each is a warning with its page; every page of articles is over half
    full."""
    (fill,) = [c for c in issue6.result.check.checks if c.name == "fill"]  # type: ignore[union-attr]
    holes = [str(w) for w in fill.warnings if "une colonne finit" in str(w)]
    assert len(holes) == len(fill.figures["column_holes"]) >= 1
    assert all(0.10 < hole < 0.5 for hole in fill.figures["column_holes"])
    assert not [w for w in fill.warnings if "page remplie" in str(w)]
