"""Pseudo-elements' styles computed once for the elements styled alike
(pseudoelements.py): shared only where the same declarations reach them, never a
note's call, and the PDF the same as with WeasyPrint's own styles, byte for byte."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bippdf import copyfit, pipeline, pseudoelements
from bippdf.render import Engine

from .conftest import no6_excerpt

weasyprint = pytest.importorskip("weasyprint")
css = pytest.importorskip("weasyprint.css")
# Those WeasyPrint's stylesheet for HTML gives every element.
PSEUDO_ELEMENTS = (
    "marker",
    "footnote-call",
    "footnote-marker",
    "note-call",
    "note-marker",
    "note-callback",
)


@pytest.fixture(autouse=True)
def _installed() -> None:
    """As an engine installs it (once per process)."""
    pseudoelements.install(weasyprint)


@pytest.fixture
def own(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """WeasyPrint's own computing of styles meanwhile."""
    computing = css.StyleFor.set_computed_styles
    monkeypatch.setattr(
        css.StyleFor, "set_computed_styles", getattr(computing, "__wrapped__", computing)
    )
    yield


def styles_of(html: str) -> tuple[Any, list[Any]]:
    """The styles WeasyPrint computes for the HTML, and its paragraphs."""
    document = weasyprint.HTML(string=html)
    return css.get_all_computed_styles(document), list(document.etree_element.iter("p"))


def written(html: str) -> bytes:
    """The HTML's PDF, as WeasyPrint writes it with its stylesheet for HTML alone."""
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def test_elements_styled_alike_share_their_pseudo_elements_styles() -> None:
    """Forty paragraphs alike: one style for each pseudo-element WeasyPrint's stylesheet
    gives every element. Forty notes alike: a style of its own for each one's call."""
    notes = "<style>.n { position: note(note) }</style>" + "<p class=n>Une note.</p>" * 40
    style_for, paragraphs = styles_of("<p>Un paragraphe.</p>" * 40 + notes)
    for alike in (paragraphs[:40], paragraphs[40:]):
        assert len({id(style_for(p)) for p in alike}) == 1  # (WeasyPrint's own sharing)
    for pseudo in PSEUDO_ELEMENTS:
        assert len({id(style_for(p, pseudo)) for p in paragraphs[:40]}) == 1, pseudo
        if pseudo != "note-call":
            assert len({id(style_for(p, pseudo)) for p in paragraphs[40:]}) == 1, pseudo
    assert len({id(style_for(p, "note-call")) for p in paragraphs[40:]}) == 40


def test_the_same_rules_reaching_other_pseudo_elements_give_each_its_own_style() -> None:
    """Two paragraphs matching the same rules, which reach the first's ``::before`` and
    the second's ``::after``, and the other way round: WeasyPrint shares their own style,
    not their pseudo-elements' content."""
    html = (
        "<style>.a::before, .b::after { content: 'X' } .a::after, .b::before { content: 'Y' }"
        "</style><p class=a>a</p><p class=b>b</p>"
    )
    style_for, (a, b) = styles_of(html)
    assert style_for(a) is style_for(b)  # what could mislead: the same rules matched
    assert style_for(a, "after") is not style_for(b, "after")
    assert style_for(a, "before")["content"] == style_for(b, "after")["content"]
    assert style_for(a, "after")["content"] != style_for(b, "after")["content"]


@pytest.mark.pdf
def test_each_note_s_call_keeps_its_anchor() -> None:
    """WeasyPrint writes each note's anchor into its call's style as it lays the note out:
    each call links to its note, and each note back to its call."""
    html = (
        "<style>.n { position: note(note) }</style><p>Un <span class=n>Première note.</span>"
        " deux <span class=n>Seconde note.</span> trois.</p>"
    )
    pdf = PdfReader(io.BytesIO(written(html)))
    assert sorted(pdf.named_destinations) == ["call-0", "call-1", "note-0", "note-1"]
    links = [annotation.get_object()["/Dest"] for annotation in pdf.pages[0]["/Annots"]]
    assert sorted(links) == ["call-0", "call-1", "note-0", "note-1"]


@pytest.mark.pdf
def test_a_document_with_pseudo_elements_is_written_as_with_weasyprint_s_own_styles(
    request: pytest.FixtureRequest,
) -> None:
    """Lists, notes in the page's foot, generated content, alike and not."""
    items = "".join(f"<li>Point {n}</li>" for n in range(5))
    html = (
        "<style>.f { float: footnote } li::marker { color: red } .c::before { content: '→ ' }"
        ".a::before, .b::after { content: 'X' } .a::after, .b::before { content: 'Y' }</style>"
        f"<ul>{items}</ul><ol>{items}</ol><p class=c>Un <span class=f>Note.</span></p>"
        "<p class=c>Deux <span class=f>Autre note.</span></p><p class=a>a</p><p class=b>b</p>"
    )
    ours = written(html)
    request.getfixturevalue("own")
    assert ours == written(html)


@pytest.mark.slow
@pytest.mark.pdf
def test_no6_s_articles_are_written_as_with_weasyprint_s_own_styles(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Three of No. 6's articles, in both PDFs: the same bytes."""
    issue = no6_excerpt(tmp_path)
    html = pipeline.compose(issue).composition.html
    first = re.search(r'<article class="article[^"]*" aria-labelledby="([^"]+)"', html)
    assert first is not None
    trial = copyfit.apply(html, copyfit.Fit(starts=(first[1],)))
    engine = Engine()
    options: dict[str, Any] = {"base_url": issue, "language": "fr-CA", "epoch": 0}
    ours = [engine.render(trial, variant=variant, **options).pdf for variant in ("web", "print")]
    request.getfixturevalue("own")
    own = [engine.render(trial, variant=variant, **options).pdf for variant in ("web", "print")]
    assert ours == own
