"""Messages for editors: one French line per fault, coloured only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bippdf import messages
from bippdf.check.report import CheckResult, Report
from bippdf.errors import SourceError, SourceErrors
from bippdf.pipeline import BuildResult


class _Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _colour_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the environment running the tests says about colours."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def _fault() -> SourceError:
    return SourceError(
        "la note [^x] est appelée mais jamais définie",
        path=Path("issues/2020-03-numero-01/articles/01-a.md"),
        line=5,
        hint="ajoutez une ligne « [^x]: texte de la note » à la fin de l'article",
    )


def test_plain_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    messages.errors(_fault(), stream=stream)
    assert stream.getvalue() == (
        "erreur : issues/2020-03-numero-01/articles/01-a.md:5: la note [^x] est appelée mais "
        "jamais définie (ajoutez une ligne « [^x]: texte de la note » à la fin de l'article)\n"
    )
    assert "\033" not in stream.getvalue()


def test_coloured_on_a_terminal() -> None:
    stream = _Terminal()
    messages.errors(_fault(), stream=stream)
    assert stream.getvalue() == (
        "\033[1;31merreur\033[0m : \033[1missues/2020-03-numero-01/articles/01-a.md:5:\033[0m "
        "la note [^x] est appelée mais jamais définie "
        "(ajoutez une ligne « [^x]: texte de la note » à la fin de l'article)\n"
    )
    warning = _Terminal()
    messages.warning("image absente", location="bip.txt:109", stream=warning)
    assert warning.getvalue() == (
        "\033[33mavertissement\033[0m : \033[1mbip.txt:109:\033[0m image absente\n"
    )
    done = _Terminal()
    messages.done(Path("build/BIP-01-2020-03-web.pdf"), "4 pages", stream=done)
    assert done.getvalue() == "\033[32mbuild/BIP-01-2020-03-web.pdf\033[0m: 4 pages\n"


@pytest.mark.parametrize(("name", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_no_color_and_dumb_terminals_get_plain_text(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    stream = _Terminal()
    messages.error("aucun numéro à produire", hint="ajoutez --all", stream=stream)
    assert stream.getvalue() == "erreur : aucun numéro à produire (ajoutez --all)\n"


def test_an_empty_no_color_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: present *and* not empty
    assert messages.use_colour(_Terminal())


def test_a_closed_stream_is_not_a_terminal(tmp_path: Path) -> None:
    with (tmp_path / "log.txt").open("w", encoding="utf-8") as stream:
        pass
    assert not messages.use_colour(stream)  # its isatty() raises ValueError


def test_one_line_per_fault_with_its_own_location() -> None:
    other = SourceError("l'image « a.jpg » n'existe pas", path=Path("b.md"), line=3, column=7)
    stream = io.StringIO()
    messages.errors(SourceErrors([_fault(), other]), stream=stream)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1] == "erreur : b.md:3:7: l'image « a.jpg » n'existe pas"


def test_a_line_is_the_error_as_str_with_the_french_prefix() -> None:
    """``str(error)`` and the printed line agree: the prefix is the only addition."""
    fault = _fault()
    assert messages.fault_line(
        messages.ERROR, fault.message, location=fault.location, hint=fault.hint
    ) == (f"erreur : {fault}")


def test_counts_and_durations_in_french() -> None:
    assert [messages.count(n, "note") for n in (0, 1, 2)] == ["0 note", "1 note", "2 notes"]
    assert messages.count(2, "page blanche ajoutée", "pages blanches ajoutées") == (
        "2 pages blanches ajoutées"
    )
    assert messages.seconds(4.06) == "4,1 s"


def test_the_summary_of_each_kind_of_file() -> None:
    held = Report("x", [])
    pdf = BuildResult(Path("b/BIP.pdf"), pages=32, notes=31, seconds=4.1, padding=3, check=held)
    assert messages.made(pdf) == (
        "32 pages (dont 3 pages blanches ajoutées pour la reliure), 31 notes, 4,1 s"
    )
    one = BuildResult(Path("b/x.pdf"), pages=4, notes=1, seconds=0.5, padding=1, check=held)
    assert (
        messages.made(one) == "4 pages (dont 1 page blanche ajoutée pour la reliure), 1 note, 0,5 s"
    )
    unchecked = BuildResult(Path("b/BIP.pdf"), pages=24, notes=31, seconds=3.6)  # --no-check
    assert messages.made(unchecked) == "24 pages, 31 notes, 3,6 s, non vérifié"
    draft = BuildResult(Path("b/BIP.pdf"), pages=24, notes=31, seconds=1.7, compressed=False)
    assert messages.made(draft) == "24 pages, 31 notes, 1,7 s, non vérifié, non compressé"
    fill = CheckResult("fill", figures={"least_filled": 0.7})
    lines = CheckResult("lines", figures={"loose_share": 0.0702, "justified_lines": 897})
    checked = BuildResult(
        Path("b/BIP.pdf"), pages=24, notes=31, seconds=27.4, check=Report("x", [fill, lines])
    )
    assert messages.made(checked) == (
        "24 pages, 31 notes, pages remplies à 70\u202f% au moins, 7,0\u202f% de lignes "
        "lâches, 27,4 s"
    )
    cover = BuildResult(Path("b/c.png"), pages=1, notes=0, seconds=0.31)
    assert messages.made(cover) == "image de couverture, 0,3 s"
    cached = BuildResult(Path("b/BIP.pdf"), pages=32, notes=31, seconds=4.1, cached=True)
    assert messages.made(cached) == "à jour, rien n'a changé"
