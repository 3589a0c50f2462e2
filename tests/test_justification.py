"""The paragraphs' spacing trial (justification.py): laid out in one column, it breaks
each paragraph's lines as its article does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bippdf import copyfit, justification, lines
from bippdf.contract import SOURCE_ATTRIBUTE
from bippdf.pipeline import compose
from bippdf.render import Engine

from .conftest import article, write_issue

WORDS = (
    "Les recommandations interministérielles, publiées anticonstitutionnellement, "
    "accompagnent les intervenants communautaires dans leurs démarches quotidiennes. "
)


@pytest.mark.pdf
@pytest.mark.parametrize("notes", ["annexe", "page"])
def test_the_trial_breaks_each_paragraph_as_its_article_does(tmp_path: Path, notes: str) -> None:
    """Each paragraph of the trial, in a spacing, has the lines it has in its article set
    in that spacing (its word gaps the same but for a rounding of the place it is set
    at): the trial lays out one column as wide as the article's, two columns of half the
    text block with notes in the Annexe, one whole column with notes at the foot of the
    page (``notes``). The trial is laid out in one column only."""
    body = "\n\n".join(WORDS * (2 + n % 4) for n in range(12)) + "\n"
    issue = write_issue(
        tmp_path / "issue", {"01-a.md": article("Premier", body)}, notes=f'"{notes}"'
    )
    html = compose(issue).composition.html
    sources = re.findall(rf'<p\b[^>]*\b{SOURCE_ATTRIBUTE}="([^"]+)"', html)
    blocks = [block for s in sources if (block := justification._paragraph_html(html, s))]
    assert len(blocks) == 12
    engine = Engine()
    trial = engine.lay_out(justification._trial(html, blocks), base_url=issue)
    assert _columns(trial) == 1
    spacing = 3
    tried = {p.source: p.lines for p in lines.paragraphs(trial) if p.trial == str(spacing)}
    issue_set = engine.lay_out(
        justification.written(html, [(s, spacing) for s in sources]), base_url=issue
    )
    assert _columns(issue_set) == (2 if notes == "annexe" else 1)
    set_so = {p.source: p.lines for p in lines.paragraphs(issue_set) if p.source in tried}
    assert set_so.keys() == tried.keys() and len(tried) == 12
    for source, laid_out in set_so.items():
        assert [line.text for line in tried[source]] == [line.text for line in laid_out]
        gaps = zip(tried[source], laid_out, strict=True)
        assert all(abs(a.gap - b.gap) < 1e-6 for a, b in gaps), source


def _columns(document: Any) -> int:
    """The most places a page of the document starts the lines of the articles'
    paragraphs at, across (its columns)."""
    from weasyprint.formatting_structure import boxes

    most = 0
    for page in document.pages:
        starts = {
            round(line.position_x, 3)
            for box in copyfit._descendants(page._page_box)
            if box.element_tag == "p" and box.element.get(SOURCE_ATTRIBUTE)
            for line in box.children
            if isinstance(line, boxes.LineBox)
        }
        most = max(most, len(starts))
    return most
