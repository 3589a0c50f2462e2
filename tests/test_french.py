"""Every sentence an editor reads is French: the catalogue, every command's help
(argparse's own words too) and its errors, and every message of the checks."""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bippdf import catalogue
from bippdf.arguments import parser
from bippdf.check.report import CheckResult, Problem, Report

CHECK_DIR = Path(catalogue.__file__).parent / "check"

# Words that are English and not French; a French sentence holds none of them. Command
# names, option names and PDF keys are taken out before looking (see ``_words``).
_ENGLISH_WORDS = """
    the and of is are not with from which this that its has have but for to at by be show
    help exit usage error invalid choose expected required missing holds hold checks
    problems runs over column heading bookmark bookmarks link links called never empty
    printed line lines folder file files contents lacks lands needs better least drawn
    outside inside page's does doesn't isn't can't won't issue issues build building built
    write writes written default print printed only one two every each when where what how
    why into than then there these those because should would could stopping caught
"""
ENGLISH = set(_ENGLISH_WORDS.split())
# What stands for itself in a sentence: an option, a PDF key or name, a path, a
# placeholder, an identifier.
_CODE = re.compile(
    r"--?[\w-]+|/\w+|\{[^}]*\}|%\(\w+\)\w|%\w|\S*[/_:=<>@.\\]\S*|\b[A-Z][a-z]+[A-Z]\w*|"
    r"\b(?:print|web|all|build|check|new|watch|import|proof|impose|issue\.toml|issues)\b"
)


def _words(text: str) -> set[str]:
    """The words of a sentence, less what is code, in lower case."""
    return {word.lower() for word in re.findall(r"[^\W\d_]+", _CODE.sub(" ", text))}


def _english(text: str) -> set[str]:
    return _words(text) & ENGLISH


def _catalogue_strings() -> Iterator[str]:
    for name, value in vars(catalogue).items():
        if name.startswith("_") or name == "annotations":
            continue
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from (text for text in value.values() if isinstance(text, str))


def _parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """The command line's parser, then each command's, by name."""
    main = parser()
    yield "bippdf", main
    for action in main._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _helps() -> Iterator[tuple[str, str]]:
    """Every command's --help as printed."""
    for name, command in _parsers():
        yield name, command.format_help()


@pytest.mark.parametrize("columns", [None, "50", "132", "0", "large"])
def test_help_is_as_wide_as_argparse_makes_it(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The width bippdf gives argparse's help (arguments._columns, read without
    importing shutil) is the one argparse would read itself: $COLUMNS, else the
    terminal's, else 80, less 2; each command's help wraps at the same place."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    for name, command in _parsers():
        ours = command.format_help()
        command.formatter_class = (
            argparse.HelpFormatter if name == "bippdf" else argparse.RawDescriptionHelpFormatter
        )
        assert command.format_help() == ours, name


def _check_messages() -> Iterator[tuple[str, int, str]]:
    """The text of every string of ``check/`` that a problem can be made of: each string
    constant and each literal part of an f-string holding a space, docstrings aside."""
    for path in sorted(CHECK_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                text = node.value
            else:
                continue
            if " " in text.strip():
                yield path.name, node.lineno, text


def test_the_test_finds_english() -> None:
    assert _english("9 checks, all hold") == {"checks", "hold"}
    assert _english("a line runs over its column") == {"line", "runs", "over", "its", "column"}
    assert not _english("le PDF n'a pas de signets (/Outlines) : --variant print")
    assert not _english("au début, l'un a cette tâche")  # accented words are words


def test_the_catalogue_is_french() -> None:
    found = {text: _english(text) for text in _catalogue_strings()}
    assert len(found) > 20
    assert {text: words for text, words in found.items() if words} == {}


@pytest.mark.parametrize("command", [name for name, _ in _helps()])
def test_every_help_is_french(command: str) -> None:
    (text,) = [text for name, text in _helps() if name == command]
    assert "utilisation : " in text and "options :" in text
    lines = {line: _english(line) for line in text.splitlines()}
    assert {line: words for line, words in lines.items() if words} == {}


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["build", "--variant", "pdf"],
        ["check"],
        ["check", "a", "b"],
        ["proof", "x", "--dpi", "z"],
    ],
)
def test_argparse_errors_are_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parser().parse_args(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "utilisation : bippdf" in err and " : erreur : " in err
    assert _english(err) == set(), err


def test_every_check_message_is_french() -> None:
    found = [(f"{name}:{line}", text, _english(text)) for name, line, text in _check_messages()]
    assert len(found) > 60
    assert [(where, text) for where, text, words in found if words] == []


def test_the_report_summary_is_french() -> None:
    hold = Report("x.pdf", [CheckResult("pages", figures={"pages": 4})])
    assert hold.summary() == "x.pdf: 4 pages, 1 vérification, toutes tenues"
    failed = Report(
        "x.pdf",
        [
            CheckResult("pages", figures={"pages": 4}),
            CheckResult("layout", problems=[Problem("une ligne déborde", "2")]),
        ],
    )
    assert failed.summary() == "x.pdf: 4 pages, 2 vérifications, 1 problème dans mise en page"


@pytest.mark.slow
@pytest.mark.pdf
def test_ctrl_c_stops_watch_in_french(tmp_path: Path) -> None:
    """watchfiles says « KeyboardInterrupt caught, stopping watch » on its own; bippdf
    says it, in French."""
    from .conftest import article, stopped_watch, write_issue

    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    stopped = stopped_watch(root, tmp_path / "build")
    assert stopped.returncode == 0
    assert stopped.out.strip().splitlines()[-1] == "surveillance arrêtée (Ctrl-C)"
    assert _english(stopped.err) == set(), stopped.err
