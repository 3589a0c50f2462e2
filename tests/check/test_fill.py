"""How full the pages are (check/fill.py): a page of articles under half full and a
column ending short mid-article are said, with the page; a fitted issue has neither."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bippdf.check import Report, check_pdf
from bippdf.render import render_pdf

from ..conftest import ISSUE_6, BuiltIssue, article, write_issue
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


def test_no6_as_fitted_has_no_hole_and_no_page_under_half_full(issue6: BuiltIssue) -> None:
    (fill,) = [c for c in issue6.result.check.checks if c.name == "fill"]  # type: ignore[union-attr]
    assert fill.warnings == []
    assert fill.figures["column_holes"] == []
    assert fill.figures["least_filled"] >= 0.5


@pytest.mark.slow
@pytest.mark.pdf
def test_column_holes_are_said(issue6: BuiltIssue) -> None:
    """No. 6 as fitted, its quotations held whole in one column as they were: the
    columns before two of them end short while their article goes on, each a warning
    with its page."""
    whole = "<style>blockquote.quotation { break-inside: avoid }</style></head>"
    html = issue6.html.replace("</head>", whole)
    rendered = render_pdf(html, base_url=ISSUE_6, language="fr-CA", variant="web")
    report = check_pdf(rendered.pdf, issue6.expected)
    (fill,) = [c for c in report.checks if c.name == "fill"]
    holes = [str(w) for w in fill.warnings if "une colonne finit" in str(w)]
    assert len(holes) == len(fill.figures["column_holes"]) >= 1
    assert all(0.10 < hole < 0.5 for hole in fill.figures["column_holes"])
    assert all(re.match(r"page \d+: une colonne finit \d+% de page plus haut", h) for h in holes)
