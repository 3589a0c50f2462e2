"""Laying a document out again after an edit (relayout.py): the pages an incremental
engine makes from its last layout are those a whole layout makes, byte for byte once
written, and what it cannot resume from is laid out whole."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bippdf import copyfit, pipeline
from bippdf.render import Engine, Rendered

from .conftest import EXCERPT as ARTICLES
from .conftest import no6_excerpt

pytestmark = pytest.mark.pdf  # every test here lays out PDFs

SENTENCE = (
    " Cette phrase, ajoutée pour l'essai, allonge le paragraphe de quelques lignes, assez"
    " pour que la suite du numéro se déplace et que la table des matières change."
)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A copy of No. 6 with three of its articles."""
    return no6_excerpt(tmp_path)


def render(engine: Engine, issue: Path, *, incremental: bool) -> Rendered:
    """The issue's web PDF as the engine writes it, its articles flowing from the first
    page start (as a fit sets them), laid out from the last layout or whole."""
    composed = pipeline.compose(issue)
    html = composed.composition.html
    first = re.search(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    assert first is not None
    engine.incremental = incremental
    return engine.render(
        copyfit.apply(html, copyfit.Fit(starts=(first[1],))),
        base_url=composed.issue.root,
        language=composed.issue.language,
        variant="web",
        epoch=0,
        files=composed.composition.resources,
    )


def contents(rendered: Rendered) -> str:
    """The text of the contents' page."""
    return str(PdfReader(io.BytesIO(rendered.pdf)).pages[1].extract_text())


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` of the file with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_of_the_text_is_laid_out_again_as_a_whole_layout_lays_it_out(
    issue: Path,
) -> None:
    articles = issue / "articles"
    edits = [
        ("un mot", ARTICLES[0], "la traite des personnes se produit", "la traite se produit"),
        ("une phrase", ARTICLES[0], "au Québec[^11].", "au Québec[^11]." + SENTENCE * 6),
        # (Its words, not its punctuation, would change its id: laid out whole.)
        ("un intertitre", ARTICLES[0], "## Proxénétisme\n", "## Proxénétisme!\n"),
        # (Wider: its column's width is measured again.)
        ("une cellule", ARTICLES[1], "| 14 ans |", "| quatorze ans révolus, le jour des faits |"),
        ("une note", ARTICLES[0], "[^1]: Le protocole", "[^1]: Signé à Palerme, le protocole"),
        ("un titre", ARTICLES[1], "bien cachée!", "bien cachée…"),
    ]
    engine = Engine()
    before = render(engine, issue, incremental=True)
    for what, name, old, new in edits:
        edit(articles / name, old, new)
        resumed = render(engine, issue, incremental=True)
        remade = engine.remade[-1]
        whole = render(engine, issue, incremental=False)
        assert resumed.pdf == whole.pdf, what
        assert resumed.warnings == whole.warnings, what
        assert 0 < remade < resumed.pages, what  # some pages made again, not all
        if what == "une phrase":  # the pages after it moved, and the contents' numbers
            assert contents(resumed) != contents(before)
        before = resumed


def test_new_tags_a_picture_replaced_or_notes_at_the_foot_of_the_page_are_laid_out_whole(
    issue: Path,
) -> None:
    articles = issue / "articles"
    engine = Engine()
    render(engine, issue, incremental=True)

    edit(articles / ARTICLES[0], "la traite des personnes se produit", "la *traite* se produit")
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages  # an emphasis added: the tags changed
    edit(articles / ARTICLES[0], "## Proxénétisme\n", "## Le proxénétisme\n")
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages  # a subhead's id changed with its words

    picture = issue / "images" / "proxenetisme.jpg"
    Image.new("RGB", (300, 200), "darkred").save(picture)  # the same name, another picture
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages
    assert resumed.pdf == render(engine, issue, incremental=False).pdf

    edit(issue / "issue.toml", 'language = "fr-CA"\n', 'language = "fr-CA"\nnotes = "page"\n')
    render(engine, issue, incremental=True)
    edit(articles / ARTICLES[0], "la *traite* se produit", "la traite se produit")
    resumed = render(engine, issue, incremental=True)
    assert engine.remade[-1] == resumed.pages  # notes at the foot of the page: whole
    assert resumed.pdf == render(engine, issue, incremental=False).pdf
