"""The French typography pass against fixture files, rule by rule, and its idempotence."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from bippdf import markdown, typography
from bippdf.compose import NoteNumbering

from .conftest import BuiltIssue

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "typography"
FENCE = "`" * 32
EXAMPLE = re.compile(rf"^{FENCE} example\n(?P<md>.*?)^\.\n(?P<html>.*?)^{FENCE}$", re.M | re.S)
CASES = {
    "fr-CA.txt": ("fr-CA", "fine"),
    "none.txt": ("fr-CA", "none"),
    "fr-FR.txt": ("fr-FR", "fine"),
}


def _examples() -> list[object]:
    cases = []
    for name, (language, space) in CASES.items():
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for index, match in enumerate(EXAMPLE.finditer(text), start=1):
            line = text.count("\n", 0, match.start()) + 1
            expected = match["html"].replace("~", "\u00a0").replace("^", "\u202f")
            rules = typography.rules_for(language, space)
            cases.append(
                pytest.param(match["md"], expected, rules, id=f"{name}-{index}-line{line}")
            )
    return cases


def _typeset(source: str, rules: typography.Rules) -> list[markdown.Token]:
    parsed = markdown.parse(markdown.create_markdown(), source)
    typography.typeset_tokens(parsed.tokens, rules)
    return parsed.tokens


@pytest.mark.parametrize(("source", "expected", "rules"), _examples())
def test_rule(source: str, expected: str, rules: typography.Rules) -> None:
    tokens = _typeset(source, rules)
    NoteNumbering().number(tokens, Path("article.md"))
    assert markdown.render(markdown.create_renderer(), tokens) == expected


@pytest.mark.parametrize(("source", "expected", "rules"), _examples())
def test_twice_changes_nothing(source: str, expected: str, rules: typography.Rules) -> None:
    once = _typeset(source, rules)
    twice = copy.deepcopy(once)
    typography.typeset_tokens(twice, rules)
    assert twice == once


def test_every_rule_has_a_fixture() -> None:
    assert len(_examples()) >= 20


def test_plain_strings() -> None:
    rules = typography.rules_for("fr-CA")
    assert rules is not None
    text = "Le BIP - Une invitation au partage : l'essentiel!"
    assert typography.typeset_text(text, rules) == (
        "Le BIP\u00a0– Une invitation au partage\u00a0: l’essentiel\u202f!"
    )


def test_languages_without_french_rules() -> None:
    assert typography.rules_for("en-CA") is None
    assert typography.rules_for("fr-BE") == typography.rules_for("fr-CA")


def test_issue_6_pdf_shows_the_rules(issue6: BuiltIssue) -> None:
    """What a Québec reader sees in the PDF of No. 6, read back from its text."""
    text = "\n".join(issue6.pdf.texts)
    assert "Exploitation sexuelle\u00a0: de quoi parle-t-on\u202f?" in text
    assert "plus de 2\u00a0600\u00a0000" in text
    assert "«\u00a0ras-le-bol\u00a0»" in text
    body = text[text.index("Mot du directeur\r\nDe") : text.index("Annexe\r\n")]
    assert "'" not in body, "a straight apostrophe is left in the body text"
    assert ' "' not in body and '" ' not in body
    assert "79\u00a0%" in text and "Bonne lecture\u202f!" in text
    assert "M\u00a0Éric" not in text and "M.\u00a0Éric Laliberté" in text
