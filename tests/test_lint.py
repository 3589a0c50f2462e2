"""Source lint: every fault with its file and line, all reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bippdf.cli import main
from bippdf.compose import compose
from bippdf.errors import SourceError, SourceErrors
from bippdf.source import load_issue

from .conftest import article, write_issue


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
