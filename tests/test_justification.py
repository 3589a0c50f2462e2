"""The paragraphs' spacing trial (justification.py): laid out in one column, it breaks
each paragraph's lines as the articles' two columns do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bippdf import justification, lines
from bippdf.contract import SOURCE_ATTRIBUTE
from bippdf.layout import ONE_COLUMN
from bippdf.pipeline import compose
from bippdf.render import Engine

from .conftest import article, write_issue

WORDS = (
    "Les recommandations interministérielles, publiées anticonstitutionnellement, "
    "accompagnent les intervenants communautaires dans leurs démarches quotidiennes. "
)


@pytest.mark.pdf
def test_the_trial_in_one_column_breaks_the_lines_as_the_articles_two_columns(
    tmp_path: Path,
) -> None:
    """Each paragraph of the trial, in each spacing, has the lines it has in the two
    columns of an article (its word gaps the same but for a rounding of the place it
    is set at), though the trial lays out one column only."""
    body = "\n\n".join(WORDS * (2 + n % 4) for n in range(12)) + "\n"
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Premier", body)})
    html = compose(root).composition.html
    blocks = [b for s in _sources(html) if (b := justification._paragraph_html(html, s))]
    assert len(blocks) == 12
    one = justification._trial(html, blocks)
    two = one.replace(f"article-body {ONE_COLUMN}", "article-body")
    assert two != one
    engine = Engine()
    laid_out = {
        "one": engine.lay_out(one, base_url=root),
        "two": engine.lay_out(two, base_url=root),
    }
    read = {name: list(lines.paragraphs(document)) for name, document in laid_out.items()}
    assert len(read["one"]) == len(blocks) * justification.VARIANTS
    for alone, beside in zip(read["one"], read["two"], strict=True):
        assert (alone.source, alone.trial) == (beside.source, beside.trial)
        assert [line.text for line in alone.lines] == [line.text for line in beside.lines]
        gaps = zip(alone.lines, beside.lines, strict=True)
        assert all(abs(a.gap - b.gap) < 1e-6 for a, b in gaps)
    assert _columns(laid_out["one"]) == 1 < _columns(laid_out["two"])


def _sources(html: str) -> list[str]:
    """The sources of the paragraphs of the composed HTML's articles."""
    return re.findall(rf'<p\b[^>]*\b{SOURCE_ATTRIBUTE}="([^"]+)"', html)


def _columns(document: Any) -> int:
    """The most places a page of the document starts the lines of the trial's paragraphs
    at, across (its columns)."""
    from weasyprint.formatting_structure import boxes

    most = 0
    for page in document.pages:
        starts = set()
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            children = getattr(box, "children", None) or ()
            if box.element is not None and box.element.get("data-trial"):
                starts.update(
                    round(c.position_x, 3) for c in children if isinstance(c, boxes.LineBox)
                )
            stack.extend(children)
        most = max(most, len(starts))
    return most
