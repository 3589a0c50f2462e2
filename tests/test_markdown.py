"""The Markdown plugins against fixture files in the CommonMark spec format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bippdf import markdown
from bippdf.compose import NoteNumbering

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "markdown"
FENCE = "`" * 32
EXAMPLE = re.compile(rf"^{FENCE} example\n(?P<md>.*?)^\.\n(?P<html>.*?)^{FENCE}$", re.M | re.S)


def _examples() -> list[object]:
    cases = []
    for path in sorted(FIXTURES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for index, match in enumerate(EXAMPLE.finditer(text), start=1):
            line = text.count("\n", 0, match.start()) + 1
            cases.append(
                pytest.param(match["md"], match["html"], id=f"{path.stem}-{index}-line{line}")
            )
    return cases


@pytest.mark.parametrize(("source", "expected"), _examples())
def test_fixture(source: str, expected: str) -> None:
    parsed = markdown.parse(markdown.create_markdown(), source)
    NoteNumbering().number(parsed.tokens, Path("article.md"))
    assert markdown.render(markdown.create_renderer(), parsed.tokens) == expected


def test_fixture_files_hold_examples() -> None:
    assert len(_examples()) >= 12


def test_definitions_are_kept_with_their_lines() -> None:
    parsed = markdown.parse(
        markdown.create_markdown(), "Texte[^a].\n\n[^a]: Une\n    note.\n[^a]: Encore.\n"
    )
    definitions = parsed.definitions["A"]
    assert [(d.text, d.line) for d in definitions] == [("Une\nnote.", 3), ("Encore.", 5)]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (
            "L'Équipe intégrée de lutte contre le proxénétisme (EILP)",
            "l-equipe-integree-de-lutte-contre-le-proxenetisme-eilp",
        ),
        ("Le colloque : au cœur de la prévention", "le-colloque-au-coeur-de-la-prevention"),
        ("Écoutons leurs histoires", "ecoutons-leurs-histoires"),
        ("«  »", "section"),
    ],
)
def test_slugify_folds_accents(text: str, slug: str) -> None:
    assert markdown.slugify(text) == slug
