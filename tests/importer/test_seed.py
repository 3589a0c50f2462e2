"""The seed No. 6, imported from the text of its printed PDF, against its hand-curated
version: same text, notes on the same words, same headings, and a PDF that passes
the checks."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bippdf import markdown, source
from bippdf.check import check_pdf
from bippdf.compose import compose
from bippdf.composition import Composition, expectations
from bippdf.importer import ImportReport, import_legacy
from bippdf.pipeline import build_pdf

from ..conftest import ISSUE_6
from .texts import SEED

pytestmark = pytest.mark.pdf  # every test here lays out PDFs


@dataclass
class Imported:
    report: ImportReport
    composition: Composition


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """The seed imported into a temporary folder and composed."""
    folder = tmp_path_factory.mktemp("import") / "2019-08-numero-06"
    report = import_legacy(SEED, folder)
    return Imported(report, compose(source.load_issue(folder)))


@pytest.fixture(scope="module")
def curated() -> Composition:
    return compose(source.load_issue(ISSUE_6))


def article_texts(folder: Path) -> list[str]:
    """Each article's plain text: title, lead, body and notes, from the parsed tokens."""
    md = markdown.create_markdown()
    texts = []
    for article in source.load_issue(folder).articles:
        parts = [article.title]
        lead = markdown.parse(md, article.lead) if article.lead else None
        body = markdown.parse(md, article.body)
        parts += [markdown.plain_text(tokens) for tokens in markdown.parts(body, lead)]
        texts.append(" ".join(part for part in parts if part))
    return texts


def words_before_calls(composition: Composition, count: int = 4) -> dict[int, list[str]]:
    """For each note number, the last words before its call in the composed HTML."""
    body = re.sub(r"<(?!sup class=\"note-call\")[^>]+>", "", composition.html)
    words = {}
    for number in range(1, len(composition.notes) + 1):
        before = body.split(f'<sup class="note-call">{number}', 1)[0]
        words[number] = re.sub(r"<[^>]+>", " ", before).split()[-count:]
    return words


@pytest.mark.slow
def test_seed_builds_and_passes_the_pdf_checks(imported: Imported) -> None:
    """Built by the real pipeline, fitted from scratch as a new issue is."""
    folder = imported.report.folder
    built = build_pdf(folder, folder.parent / "BIP-06-web.pdf", variant="web")
    assert built.notes == 31
    expected = expectations(imported.composition, variant="web")
    report = check_pdf(built.output, expected)
    assert report.ok, report.summary()


def test_seed_issue_toml(imported: Imported) -> None:
    issue = source.load_issue(imported.report.folder)
    assert (issue.title, issue.short_title, issue.number) == (
        "Bulletin d'information en prévention",
        "BIP",
        6,
    )
    assert str(issue.date) == "2019-08-01" and issue.language == "fr-CA"
    assert issue.publisher == "Ministère de la Sécurité publique"
    assert issue.theme and issue.theme.startswith("Le MSP et ses partenaires")
    assert issue.coordination == "Geneviève Trépanier"
    assert issue.contact_email == "prevention.criminalite@msp.gouv.qc.ca"
    assert issue.contact_phone == "1 877 324-1190"
    assert issue.copyright == "© Gouvernement du Québec, 2019"
    assert issue.rights and issue.rights.startswith("Tous les droits réservés")
    assert issue.issn is None  # printed empty: "" counts as absent
    assert len(issue.articles) == 11


def test_seed_notes_attached_to_the_same_words(imported: Imported, curated: Composition) -> None:
    assert imported.report.notes == 31
    assert len(imported.composition.notes) == 31
    ours, theirs = words_before_calls(imported.composition), words_before_calls(curated)
    wrong = {n: (ours[n], theirs[n]) for n in theirs if ours.get(n) != theirs[n]}
    assert not wrong, wrong


@pytest.mark.slow
def test_seed_text_matches_the_curated_issue(imported: Imported) -> None:
    ours, theirs = article_texts(imported.report.folder), article_texts(ISSUE_6)
    assert len(ours) == len(theirs)
    ratios = [
        round(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 4)
        for a, b in zip(ours, theirs, strict=True)
    ]
    overall = difflib.SequenceMatcher(None, " ".join(ours), " ".join(theirs)).ratio()
    assert overall >= 0.98, f"overall {overall:.4f}, per article {ratios}"
    assert min(ratios) >= 0.95, f"overall {overall:.4f}, per article {ratios}"


def test_seed_bylines_lead_and_signature(imported: Imported) -> None:
    issue = source.load_issue(imported.report.folder)
    director, _, definitions, estrie, _, pimp, *_ = issue.articles
    assert director.signature and director.authors[0].name == "Clément Robitaille"
    assert (
        director.authors[0].role
        == "directeur de la prévention et de la lutte contre la criminalité"
    )
    assert [a.name for a in definitions.authors] == ["Carole Boulebsol", "Marie-Marthe Cousineau"]
    assert definitions.lead and definitions.lead.startswith("Traite des personnes, proxénétisme")
    assert estrie.authors[0].name == "Marie-Michèle Whitlock"
    assert estrie.authors[0].affiliation and "(CALACS)" in estrie.authors[0].affiliation
    assert (pimp.authors[0].name, pimp.authors[0].collaboration) == ("Éric Laliberté", False)
    assert pimp.authors[1].collaboration
    assert pimp.authors[1].affiliation == "ministère de la Sécurité publique"


def test_seed_headings_and_table(imported: Imported) -> None:
    sections = [
        (entry.text, [child.text for child in entry.children])
        for entry in imported.composition.contents
    ]
    curated_sections = [
        (entry.text, [child.text for child in entry.children])
        for entry in compose(source.load_issue(ISSUE_6)).contents
    ]
    assert sections == curated_sections
    estrie = imported.report.articles[3].read_text("utf-8")
    assert "| Âge | Nombre |\n|---|--:|\n| 14 ans | 3 |" in estrie


def test_seed_problems_are_reported_with_their_lines(imported: Imported) -> None:
    problems = {(p.line, p.message.split(" ")[0]) for p in imported.report.problems}
    assert {(109, "image"), (127, "image"), (157, "image"), (253, "image")} <= problems
    assert (496, "le") in problems  # [Ligne éditoriale](#): a link going nowhere
    assert all(p.line > 0 for p in imported.report.problems)
