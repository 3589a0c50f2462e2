"""Source lint: every fault with its file and line, all reported at once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PIL import Image

from bippdf import lint
from bippdf.cli import main
from bippdf.compose import compose
from bippdf.errors import SourceError, SourceErrors
from bippdf.source import load_issue

from .conftest import FIXTURES, article, write_issue

ALL_FAULTS = FIXTURES / "lint" / "issue"  # an issue that commits every fault lint.py knows


def _compose_error(root: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        compose(load_issue(root))
    return info.value


def test_note_called_but_never_defined(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Ligne.\n\nAppel[^x] ici.\n")})
    error = _compose_error(root)
    assert (error.line, error.message) == (7, "la note [^x] est appelée mais jamais définie")
    assert error.hint == "ajoutez une ligne « [^x]: texte de la note » à la fin de l'article"
    assert error.path == root / "articles" / "01-a.md"


def test_note_defined_but_never_called(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n\n[^seule]: Orpheline.\n")})
    error = _compose_error(root)
    assert (error.line, error.message) == (7, "la note [^seule] est définie mais jamais appelée")


def test_note_defined_twice(tmp_path: Path) -> None:
    body = "Texte[^1].\n\n[^1]: Une.\n[^1]: Deux.\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    error = _compose_error(root)
    assert (error.line, error.message) == (8, "la note [^1] est définie 2 fois")


def test_heading_level_skipped(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n\n### Trop bas\n")})
    error = _compose_error(root)
    assert error.line == 7
    assert error.message == "intertitre de niveau 3 après un niveau 1 : un niveau est sauté"
    assert error.hint == "utilisez ## pour cet intertitre"


def test_a_heading_of_white_space_only_names_its_line(tmp_path: Path) -> None:
    """« ## » followed by a narrow no-break space (pasted): no text, and its line is
    given, found by fuzzing."""
    body = "Texte.\n\n## \u202f\n\nSuite.\n"
    error = _compose_error(write_issue(tmp_path, {"01-a.md": article("A", body)}))
    assert error.message == "un intertitre n'a pas de texte"
    assert error.line == 7  # the front matter's three lines, a blank line, Texte., a blank


def test_level_one_heading_in_body(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "# Titre bis\n\nTexte.\n")})
    assert _compose_error(root).line == 5


def test_missing_image_names_its_line(tmp_path: Path) -> None:
    body = "Texte.\n\n![Photo](../images/absente.jpg)\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    error = _compose_error(root)
    assert (error.line, error.message) == (7, "l'image « ../images/absente.jpg » n'existe pas")


def test_remote_image_is_refused(tmp_path: Path) -> None:
    body = "![Photo](https://example.org/x.jpg)\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert _compose_error(root).message == (
        "l'image « https://example.org/x.jpg » n'est pas un fichier du numéro"
    )


def test_note_calling_another_note(tmp_path: Path) -> None:
    body = "Texte[^a] et[^b].\n\n[^a]: Voir aussi [^b].\n[^b]: B.\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    error = _compose_error(root)
    assert (error.line, error.message) == (7, "une note ne peut pas appeler une autre note")


def test_every_fault_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_issue(
        tmp_path,
        {
            "01-a.md": article("A", "Appel[^x].\n\n#### Trop bas\n"),
            "02-b.md": article("B", "![Photo](absente.jpg)\n\n[^seule]: Orpheline.\n"),
        },
    )
    (root / "articles" / "03-brouillon.md").write_text("Brouillon.\n", encoding="utf-8")
    with pytest.raises(SourceErrors) as info:
        compose(load_issue(root))
    found = [(e.path.name if e.path else None, e.line, e.message) for e in info.value.errors]
    assert found == [
        ("03-brouillon.md", 1, "articles/03-brouillon.md n'est pas listé dans issue.toml"),
        ("01-a.md", 5, "la note [^x] est appelée mais jamais définie"),
        ("01-a.md", 7, "intertitre de niveau 4 après un niveau 1 : un niveau est sauté"),
        ("02-b.md", 5, "l'image « absente.jpg » n'existe pas"),
        ("02-b.md", 7, "la note [^seule] est définie mais jamais appelée"),
    ]
    assert main(["build", str(root)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 5 and all(line.startswith("erreur : ") for line in lines)
    assert lines[1].startswith(f"erreur : {root / 'articles' / '01-a.md'}:5: la note [^x] ")


def test_image_names_with_accents_and_spaces(tmp_path: Path) -> None:
    body = "![Équipe](../images/équipe%201.jpg)\n\n![Absente](<../images/photo absente.jpg>)\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    (root / "images").mkdir()
    Image.new("RGB", (4, 3)).save(root / "images" / "équipe 1.jpg")
    error = _compose_error(root)
    assert (error.line, error.message) == (
        7,
        "l'image « ../images/photo absente.jpg » n'existe pas",
    )


def test_corrupt_image(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "![Photo](../images/x.jpg)\n")})
    (root / "images").mkdir()
    (root / "images" / "x.jpg").write_text("pas une image")
    error = _compose_error(root)
    assert error.line == 5
    assert error.message == (
        "l'image « ../images/x.jpg » est illisible : ce format d'image est inconnu de bippdf"
    )


@pytest.mark.parametrize("url", ["www.example.org", "rapport.pdf", "javascript:alert(1)"])
def test_link_that_is_not_web_mail_or_heading(tmp_path: Path, url: str) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", f"Texte.\n\nVoir [ici]({url}).\n")})
    error = _compose_error(root)
    assert error.line == 7
    assert error.message == (
        f"le lien vers « {url} » ne mène ni à une adresse web, ni à une adresse courriel, "
        "ni à un intertitre"
    )


def test_link_to_a_missing_heading(tmp_path: Path) -> None:
    body = "## Les objectifs\n\nVoir [plus haut](#les-objectifs) et [ailleurs](#absent).\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    error = _compose_error(root)
    assert (error.line, error.message) == (
        7,
        "le lien vers « #absent » ne mène à aucun intertitre du numéro",
    )


def test_image_without_alternative_text(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n\n![](../images/p.jpg)\n")})
    (root / "images").mkdir()
    Image.new("RGB", (4, 3)).save(root / "images" / "p.jpg")
    error = _compose_error(root)
    assert (error.line, error.message) == (
        7,
        "l'image « ../images/p.jpg » n'a pas de texte de remplacement",
    )
    assert "![décoratif](…)" in (error.hint or "")


def test_heading_without_text(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n\n## \n\nSuite.\n")})
    error = _compose_error(root)
    assert (error.line, error.message) == (7, "un intertitre n'a pas de texte")


def test_raw_html_after_a_comment_is_still_linted(tmp_path: Path) -> None:
    body = "Texte.\n\n<!-- x --><style>p { color: white }</style>\n"
    root = write_issue(tmp_path, {"01-a.md": article("A", body)})
    assert _compose_error(root).message == "la balise HTML <style> n'est pas permise"


def test_decorative_image_inside_a_line(tmp_path: Path) -> None:
    root = write_issue(
        tmp_path, {"01-a.md": article("A", "Un ![décoratif](../images/p.jpg) ici.\n")}
    )
    (root / "images").mkdir()
    Image.new("RGB", (4, 3)).save(root / "images" / "p.jpg")
    error = _compose_error(root)
    assert error.message == "l'image décorative « ../images/p.jpg » est dans une ligne de texte"


def test_characters_without_glyph_in_bylines_and_issue_toml(tmp_path: Path) -> None:
    authors = '[[authors]]\nname = "Marc-André 漢 Gagnon"\n'
    root = write_issue(
        tmp_path, {"01-a.md": article("A", "Texte.\n", authors)}, theme='"Un thème ☃"'
    )
    with pytest.raises(SourceErrors) as info:
        compose(load_issue(root))
    found = [(e.path.name if e.path else None, e.line, e.message) for e in info.value.errors]
    assert found == [
        ("issue.toml", 6, "le caractère ☃ (U+2603) n'existe pas dans les polices du bulletin"),
        ("01-a.md", 4, "le caractère 漢 (U+6F22) n'existe pas dans les polices du bulletin"),
    ]


def test_the_characters_taken_as_drawable_without_reading_the_fonts_are_drawable() -> None:
    """Lint skips the fonts' tables for these characters: every one must have a glyph."""
    from bippdf.resources import COMMON_CHARACTERS, covered_characters

    assert covered_characters() >= COMMON_CHARACTERS
    assert {ord(c) for c in "é’«»…\u202f"} <= COMMON_CHARACTERS


# ---- every fault lint.py knows, in one fixture issue -----------------------------------


def _pattern(message: ast.expr) -> str:
    """A message as lint.py builds it, as a pattern: what it formats in matches anything."""
    if isinstance(message, ast.Constant) and isinstance(message.value, str):
        return re.escape(message.value)
    if isinstance(message, ast.JoinedStr):
        return "".join(_pattern(part) for part in message.values)
    if isinstance(message, ast.FormattedValue):
        return ".+?"
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        return _pattern(message.left) + _pattern(message.right)
    raise AssertionError(f"a message this test cannot read: {ast.unparse(message)}")


def _faults_in_the_code() -> list[tuple[int, str]]:
    """Every fault lint.py can report, read from its code: the line of each
    ``SourceError(…)`` and its message as a pattern."""
    tree = ast.parse(Path(lint.__file__).read_text(encoding="utf-8"))
    return [
        (node.lineno, _pattern(node.args[0]))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "SourceError"
    ]


def test_the_faults_are_read_from_the_code() -> None:
    faults = _faults_in_the_code()
    assert len(faults) >= 20
    assert any(re.fullmatch(p, "la note [^x] est définie 2 fois") for _, p in faults)


def test_every_fault_lint_knows_is_in_the_fixture_and_reported_with_its_line() -> None:
    with pytest.raises(SourceErrors) as info:
        compose(load_issue(ALL_FAULTS))
    errors = info.value.errors
    assert all(error.hint for error in errors), "every fault says what to do"
    fautes = "articles/01-fautes.md"
    found = [
        (str(error.path.relative_to(ALL_FAULTS)) if error.path else None, error.line, error.message)
        for error in errors
    ]
    assert found == [
        ("articles/02-oublie.md", 1, "articles/02-oublie.md n'est pas listé dans issue.toml"),
        ("issue.toml", 6, "le caractère 𓀀 (U+13000) n'existe pas dans les polices du bulletin"),
        (fautes, 3, "une note ne peut pas être définie dans le chapeau"),
        (fautes, 4, "la note [^chapeau] est appelée mais jamais définie"),
        (fautes, 10, "le texte d'un article ne peut pas avoir d'intertitre de niveau 1 (#)"),
        (fautes, 12, "intertitre de niveau 4 après un niveau 1 : un niveau est sauté"),
        (fautes, 14, "un intertitre n'a pas de texte"),
        (fautes, 16, "la note [^absente] est appelée mais jamais définie"),
        (fautes, 19, "une note ne peut pas appeler une autre note"),
        (fautes, 21, "la note [^double] est définie 2 fois"),
        (fautes, 22, "la note [^orpheline] est définie mais jamais appelée"),
        (fautes, 24, "l'image décorative « ../images/photo.png » est dans une ligne de texte"),
        (fautes, 26, "l'image « ../images/carte.png » n'a pas de texte de remplacement"),
        (fautes, 28, "l'image « https://exemple.org/photo.jpg » n'est pas un fichier du numéro"),
        (fautes, 30, "l'image « ../../photo.jpg » est hors du dossier du numéro"),
        (fautes, 32, "l'image « ../images/absente.jpg » n'existe pas"),
        (
            fautes,
            34,
            "l'image « ../images/illisible.jpg » est illisible : "
            "ce format d'image est inconnu de bippdf",
        ),
        (
            fautes,
            36,
            "le lien vers « ftp://exemple.org/fichier » ne mène ni à une adresse web, "
            "ni à une adresse courriel, ni à un intertitre",
        ),
        (fautes, 38, "l'attribut onclick de <span> n'est pas permis"),
        (fautes, 38, "la balise HTML <script> n'est pas permise"),
        (fautes, 40, "le caractère 𓀀 (U+13000) n'existe pas dans les polices du bulletin"),
        (fautes, 46, "un commentaire HTML n'est jamais fermé"),
    ]
    for line, pattern in _faults_in_the_code():
        assert any(re.fullmatch(pattern, message) for _, _, message in found), (
            f"the fixture {ALL_FAULTS} commits no fault of lint.py line {line}: {pattern}"
        )
