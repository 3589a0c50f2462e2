"""Pasted from Word: bulleted and tab-indented lists read as lists and warned of with
their line, an emphasis left open warned of with its line, at every build and in
``check``'s report; curly quotes and no-break spaces are typography's (fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bippdf import markdown, paste
from bippdf.cli import main
from bippdf.compose import compose
from bippdf.source import load_issue

from .conftest import article, write_issue


def test_word_bullets_and_tabbed_items_become_list_items_line_for_line() -> None:
    text = (
        "Intro.\n\n•\tun\n•\tdeux\n\n\t1.\tpremier\n\t2.\tsecond\n\n"
        "–\tun tiret\n– puis un autre\n\n– seul, une incise\n\n```\n•\tcode\n```\n"
    )
    cleaned, found = paste.clean(text)
    lines = cleaned.split("\n")
    assert len(lines) == len(text.split("\n"))
    assert lines[2:4] == ["- un", "- deux"]
    assert lines[5:7] == ["1. premier", "2. second"]
    assert lines[8:10] == ["- un tiret", "- puis un autre"]
    assert lines[11] == "– seul, une incise"  # an aside, not a list
    assert lines[14] == "•\tcode"  # code stays as written
    assert [(p.line, p.message) for p in found] == [
        (3, "liste collée de Word (« •⇥un ») : lue comme une liste"),
        (6, "liste collée de Word (« ⇥1.⇥premier ») : lue comme une liste"),
        (9, "liste collée de Word (« –⇥un tiret ») : lue comme une liste"),
    ]
    tokens = markdown.parse(markdown.create_markdown(), cleaned).tokens
    assert [t["type"] for t in tokens if t["type"] != "blank_line"][:4] == [
        "paragraph",
        "list",
        "list",
        "list",
    ]


def test_an_emphasis_left_open_is_found_at_its_line() -> None:
    text = (
        "Un **gras\nsans fin, *et\nun _souligné.\n\n"
        "Tout va : mot_clé, *vrai*, **vrai**, 2 * 3 et \\*.\n\n> cité\n> encore **ouvert\n"
    )
    tokens = markdown.parse(markdown.create_markdown(), text).tokens
    found = [(p.line, p.message.split(" »")[0]) for p in paste.unclosed_emphasis(tokens, text)]
    assert found == [(1, "« **"), (2, "« *"), (3, "« _"), (8, "« **")]


def test_quotes_that_do_not_pair_up_are_found_at_their_line() -> None:
    text = (
        'Il a dit "oui et partit.\n\nLe « titre » et « un autre.\n\n'
        'Un “mot” cité, un « *titre* » et "une "citation" dedans".\n\n'
        "- un « point\n- un point » qui ferme\n"
    )
    tokens = markdown.parse(markdown.create_markdown(), text).tokens
    found = [(p.line, p.message) for p in paste.unbalanced_quotes(tokens)]
    assert found == [
        (1, 'guillemets qui ne se ferment pas : un nombre impair de guillemets droits (") : 1'),
        (3, "guillemets qui ne se ferment pas : 2 « « » pour 1 « » »"),
        (7, "guillemets qui ne se ferment pas : 1 « « » pour 0 « » »"),
        (8, "guillemets qui ne se ferment pas : 0 « « » pour 1 « » »"),
    ]


def test_the_composition_carries_the_warnings_at_the_file_s_lines(tmp_path: Path) -> None:
    body = "Les étapes :\n\n•\tPremière\n•\tDeuxième\n\nUn **gras sans fin.\n"
    lead = 'lead = "Un *chapeau."\n'
    root = write_issue(tmp_path, {"01-a.md": article("A", body, lead)}, issn='"1234-5678"')
    composition = compose(load_issue(root))
    assert "<ul" in composition.html and "<li>Première</li>" in composition.html
    assert [(w.path.name, w.line, w.message[:12]) for w in composition.warnings] == [
        ("01-a.md", 3, "« * » sans s"),
        ("01-a.md", 8, "liste collée"),
        ("01-a.md", 11, "« ** » sans "),
    ]


@pytest.mark.pdf
def test_warnings_are_said_at_every_build_and_by_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Un “rapport” de 10\u00a0\u00a0%.\n\n•\tPremière\n•\tDeuxième\n\nUn **gras sans fin.\n"
    write_issue(tmp_path / "issue", {"01-a.md": article("A", body)}, issn='"1234-5678"')
    monkeypatch.chdir(tmp_path)
    article_file = Path("issue", "articles", "01-a.md")
    expected = [
        f"avertissement : {article_file}:7: liste collée de Word (« •⇥Première »)",
        f"avertissement : {article_file}:10: « ** » sans sa fin",
    ]
    for _ in range(2):  # built, then up to date: said both times
        assert main(["build", "issue", "--variant", "web"]) == 0
        err = capsys.readouterr().err.splitlines()
        assert [line[: len(start)] for line, start in zip(err, expected, strict=True)] == expected
    pdf = Path("build", "issue", "BIP-01-2020-03-web.pdf")
    assert main(["check", str(pdf), "--issue", "issue"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line[: len(start)] for line, start in zip(out, expected, strict=False)] == expected


def test_an_issue_without_issn_is_said(tmp_path: Path) -> None:
    root = write_issue(tmp_path, {"01-a.md": article("A", "Texte.\n")}, issn='""')
    (warning,) = compose(load_issue(root)).warnings
    assert (warning.location, warning.message) == (
        f"{root / 'issue.toml'}:6",
        "aucun ISSN : le colophon n'en porte pas",
    )
