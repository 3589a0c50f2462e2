"""Shared helpers of the check tests: No. 6 edited with pypdf, and a small issue rendered
from deliberately broken HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject

from bippdf.check import Report, check_pdf
from bippdf.compose import compose
from bippdf.composition import expectations
from bippdf.render import render_pdf
from bippdf.source import load_issue

from ..conftest import BuiltIssue, WebIssue, article, copy_of, write_issue, written


def edit_pdf(issue6: BuiltIssue, change: Callable[[PdfWriter], None]) -> Report:
    """Check a copy of No. 6 changed by ``change``."""
    writer = copy_of(issue6.result.output)
    change(writer)
    return check_pdf(written(writer), issue6.expected)


@pytest.fixture(scope="session")
def issue6_linked(issue6: BuiltIssue, issue6_web: WebIssue) -> BuiltIssue:
    """No. 6 as its web PDF, the one with links (the print PDF has none)."""
    return BuiltIssue(
        result=issue6_web.results[0],
        pdf=issue6_web.pdf,
        composition=issue6.composition,
        html=issue6.html,
        expected=issue6.expected,
    )


def annotations_to(writer: PdfWriter, dest: str) -> list[tuple[int, DictionaryObject]]:
    """The link annotations going to ``dest``, with their page index."""
    found = []
    for index, page in enumerate(writer.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Dest") == dest:
                found.append((index, annot))
    return found


def problems_in(report: Report, check: str) -> list[str]:
    """The problems one check of the report found, as printed."""
    return [str(p) for c in report.checks if c.name == check for p in c.problems]


LONG_URL = "https://www.example.org/" + "tres-long-chemin/" * 12 + "fin.html"


@pytest.fixture(scope="module")
def small_issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two short articles, two notes and a long web address."""
    body = (
        "## Première section\n\n"
        + "Un paragraphe de texte assez long pour remplir une ligne de la colonne. " * 6
        + "Un appel[^a] et un autre[^b].\n\n"
        + f"Une adresse : <{LONG_URL}>\n\n"
        + "[^a]: Première note.\n[^b]: Seconde note.\n"
    )
    return write_issue(
        tmp_path_factory.mktemp("petit"),
        {"01-a.md": article("Un article", body), "02-b.md": article("Un autre", "Texte.\n")},
    )


def render_broken(root: Path, html_change: Callable[[str], str], variant: str = "web") -> Report:
    """Check the PDF of an issue whose composed HTML ``html_change`` has changed: the web
    variant by default, the one with links."""
    return rendered_and_checked(root, html_change, variant)[1]


def rendered_and_checked(
    root: Path, html_change: Callable[[str], str], variant: str = "web"
) -> tuple[bytes, Report]:
    """``render_broken``, with the PDF it checked."""
    issue = load_issue(root)
    composition = compose(issue)
    html = html_change(composition.html)
    rendered = render_pdf(html, base_url=root, language=issue.language, variant=variant)
    return rendered.pdf, check_pdf(rendered.pdf, expectations(composition))
