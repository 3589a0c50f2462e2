"""The notes check: calls, notes and their links, in the Annexe or at the foot of the page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject

from bippdf import build_pdf
from bippdf.check import Expectations, check_pdf
from bippdf.check.readback import read_pdf
from bippdf.compose import compose
from bippdf.composition import expectations
from bippdf.render import render_pdf
from bippdf.source import load_issue

from ..conftest import ISSUE_6, BuiltIssue, article, write_issue
from .conftest import annotations_to, edit_pdf, problems_in, render_broken


def test_removed_call_link(issue6_linked: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        index, annot = annotations_to(writer, "note-17")[0]
        annots = writer.pages[index]["/Annots"]
        annots.remove(next(ref for ref in annots if ref.get_object() is annot))

    report = edit_pdf(issue6_linked, change)
    call_18 = issue6_linked.pdf.page_labels[issue6_linked.pdf.page_of("appel-18")]
    note_17 = issue6_linked.pdf.page_labels[issue6_linked.pdf.page_of("note-17")]
    assert problems_in(report, "notes") == [
        f"page {call_18}: l'appel de la note 18 vient là où la note 17 est attendue",
        f"page {note_17}: la note 17 de l'Annexe n'est jamais appelée",
    ]


def test_call_pointing_at_the_wrong_note(issue6_linked: BuiltIssue) -> None:
    def change(writer: PdfWriter) -> None:
        _, annot = annotations_to(writer, "note-5")[0]
        annot[NameObject("/Dest")] = TextStringObject("note-6")

    report = edit_pdf(issue6_linked, change)
    page = issue6_linked.pdf.page_labels[issue6_linked.pdf.page_of("appel-5")]
    assert f"page {page}: l'appel de la note 5 renvoie à note 6" in problems_in(report, "notes")


def test_annexe_last_page_dropped(issue6: BuiltIssue) -> None:
    last_note_page = issue6.pdf.page_of("note-31")
    report = edit_pdf(issue6, lambda writer: writer.remove_page(last_note_page))
    problems = problems_in(report, "notes")
    call_31 = issue6.pdf.page_labels[issue6.pdf.page_of("appel-31")]
    assert f"page {call_31}: la note 31 est appelée mais n'est pas dans l'Annexe" in problems
    assert any(p.endswith("les sources 31") for p in problems)
    assert problems_in(report, "pages"), "the following page now prints the wrong folio"


@pytest.mark.pdf
def test_note_without_back_link(small_issue: Path) -> None:
    report = render_broken(
        small_issue,
        lambda html: html.replace(
            '<a class="note-number" href="#appel-2"', '<a class="note-number"'
        ),
    )
    assert problems_in(report, "notes") == [
        "page 5: la note 2 ne renvoie pas à son appel",
        "l'Annexe a 1 note, les sources 2",
    ]


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Expectations]:
    """A small issue with its notes at the foot of the page, built and composed."""
    body = "## Section\n\n" + "Texte assez long pour une ligne entière de la page. " * 12
    body += "Un appel[^a].\n\n" + "Suite du texte. " * 40 + "Autre appel[^b].\n\n"
    body += "[^a]: Première note.\n[^b]: Seconde note.\n"
    root = write_issue(
        tmp_path_factory.mktemp("pied"), {"01-a.md": article("A", body)}, notes='"page"'
    )
    issue = load_issue(root)
    composition = compose(issue)
    rendered = render_pdf(composition.html, base_url=root, language=issue.language)
    return rendered.pdf, expectations(composition)


@pytest.mark.pdf
def test_notes_at_the_foot_of_the_page_pass(footnoted: tuple[bytes, Expectations]) -> None:
    pdf, expected = footnoted
    report = check_pdf(pdf, expected)
    assert report.ok, [str(p) for p in report.problems]
    data = read_pdf(pdf)
    assert data.page_of("annexe") is None
    for number in (1, 2):
        assert data.page_of(f"note-{number}") == data.page_of(f"appel-{number}")


@pytest.mark.slow
@pytest.mark.pdf
def test_footnote_deferred_to_the_next_page(tmp_path: Path) -> None:
    """Footnotes called from a second column, in a small footnote area: WeasyPrint
    defers some to the next page, and the check sees it."""
    root = tmp_path / "issue"
    shutil.copytree(ISSUE_6, root)
    toml = (root / "issue.toml").read_text(encoding="utf-8")
    (root / "issue.toml").write_text('notes = "page"\n' + toml, encoding="utf-8")
    issue = load_issue(root)
    composition = compose(issue)
    small = (
        "<style>.notes-page .article-body { columns: 2 }"
        " @page { @footnote { max-height: 3em } }</style></head>"
    )
    html = composition.html.replace("</head>", small)
    rendered = render_pdf(html, base_url=root, language=issue.language)
    problems = problems_in(check_pdf(rendered.pdf, expectations(composition)), "notes")
    assert problems, "footnotes were expected to be deferred"
    assert all(
        re.match(
            r"page \d+: la note \d+ est en bas de la page \d+, mais son appel est à la page \d+$", p
        )
        for p in problems
    ), problems


@pytest.mark.pdf
def test_note_call_after_an_accented_letter_in_italics(tmp_path: Path) -> None:
    lead = 'lead = "Un bilan présenté à la municipalité[^a]."\n'
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n\n[^a]: Note.\n", lead)})
    result = build_pdf(root, tmp_path / "out.pdf", variant="web")  # reads the call as 1, not « é1 »
    assert result.notes == 1
