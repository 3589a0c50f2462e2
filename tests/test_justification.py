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


@pytest.mark.pdf
@pytest.mark.parametrize("notes", ["annexe", "page"])
def test_the_issue_laid_out_apart_gives_each_paragraph_its_lines(
    tmp_path: Path, notes: str
) -> None:
    """Laid out apart (each article's body in one column of its columns' width, the
    articles shared between two documents), the issue gives every paragraph (leads,
    quotations, list items, notes, cells too) the lines it has where only the first
    article starts a page, each paragraph once: the spacing trial's candidates are the
    issue's own."""
    body = (
        "\n\n".join(WORDS * (2 + n % 4) for n in range(5))
        + "\n\n> "
        + WORDS * 3
        + "\n\n- "
        + WORDS
        + "\n- "
        + WORDS * 2
        + "\n\nUne note[^1].\n\n[^1]: "
        + WORDS * 2
        + "\n"
    )
    articles = {f"0{n}-a.md": article(f"Article {n}", body) for n in range(1, 5)}
    issue = write_issue(tmp_path / "issue", articles, notes=f'"{notes}"')
    html = compose(issue).composition.html
    first = re.search(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    assert first is not None
    html = copyfit.apply(html, copyfit.Fit(starts=(first[1],)))
    engine = Engine()
    documents = justification.apart(html, 2)
    assert len(documents) == 2
    apart = []
    for document in documents:
        laid_out = engine.lay_out(document, base_url=issue)
        assert not any(
            box.is_column for page in laid_out.pages for box in copyfit._descendants(page._page_box)
        )
        apart += lines.paragraphs(laid_out)
    whole = list(lines.paragraphs(engine.lay_out(html, base_url=issue)))
    assert _read(apart) == _read(whole)
    assert {paragraph.tag for paragraph in whole} >= {"p", "ul"}
    assert len(whole) > 20


def _read(paragraphs: list[lines.Paragraph]) -> list[tuple[str, str, list[str], Any]]:
    """What the spacing trial reads of the paragraphs, by source, in any order."""
    return sorted(
        (p.source, p.tag, [line.text for line in p.lines], justification._score(p))
        for p in paragraphs
    )


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


def test_each_chosen_paragraph_gets_its_spacing_class_and_no_other() -> None:
    """A paragraph is found by its source: the first of it gets the classes of every
    choice naming it, after its own; a source no paragraph has changes nothing, and a
    paragraph no choice names is left as it is."""
    html = (
        f'<p class="note" {SOURCE_ATTRIBUTE}="a.md:3">A</p>'
        f'<p {SOURCE_ATTRIBUTE}="a.md:5">B</p><p {SOURCE_ATTRIBUTE}="a.md:5">B bis</p>'
        f'<p {SOURCE_ATTRIBUTE}="a.md:7">C</p><h2 {SOURCE_ATTRIBUTE}="a.md:9">D</h2>'
    )
    choices = [("a.md:5", 2), ("a.md:3", 1), ("a.md:5", 3), ("a.md:9", 1), ("b.md:1", 4)]
    assert justification.written(html, choices) == (
        f'<p class="note set-1" {SOURCE_ATTRIBUTE}="a.md:3">A</p>'
        f'<p class="set-2 set-3" {SOURCE_ATTRIBUTE}="a.md:5">B</p>'
        f'<p {SOURCE_ATTRIBUTE}="a.md:5">B bis</p>'
        f'<p {SOURCE_ATTRIBUTE}="a.md:7">C</p><h2 {SOURCE_ATTRIBUTE}="a.md:9">D</h2>'
    )
    assert justification.written(html, []) == html
