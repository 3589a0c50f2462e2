"""The hyphenation dictionaries (hyphenation.py): the document's language's read once per
build, before the build forks the processes that lay its PDFs out; another language's
when a word of it is first broken."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pyphen
import pytest
from pypdf import PdfReader

from bippdf import hyphenation, pipeline
from bippdf.pipeline import Options
from bippdf.render import Engine
from bippdf.schedule import build_issues

from .conftest import article, write_issue


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """pyphen's dictionaries as if none were read yet in this process; each one read from
    now on is noted in the returned file (its name and the process that read it, which a
    forked process notes too)."""
    said = tmp_path / "lus"
    monkeypatch.setattr(pyphen, "hdcache", {})
    read = pyphen.HyphDict.__init__

    def noted(self: Any, path: Path) -> None:
        with said.open("a", encoding="utf-8") as out:
            out.write(f"{Path(path).name} {os.getpid()}\n")
        read(self, path)

    monkeypatch.setattr(pyphen.HyphDict, "__init__", noted)
    return said


def _read(said: Path) -> list[tuple[str, int]]:
    lines = said.read_text(encoding="utf-8").split() if said.exists() else []
    return [(name, int(pid)) for name, pid in zip(lines[::2], lines[1::2], strict=True)]


def test_the_dictionary_of_the_document_s_language_is_read_ahead(loads: Path) -> None:
    """The issue's, once; no other, which a layout reads if it breaks one of its words
    (below); nothing for a language pyphen has no dictionary for."""
    hyphenation.load("fr-CA")
    assert [name for name, _ in _read(loads)] == ["hyph_fr.dic"]
    hyphenation.load("fr-CA")
    hyphenation.load("tlh")
    assert len(_read(loads)) == 1


def test_a_dictionary_reads_its_patterns_when_it_first_breaks_a_word(loads: Path) -> None:
    """Not as it is made, as pyphen's does: a word with a capital letter is kept whole
    without them, and the words broken are broken as pyphen breaks them."""
    english = hyphenation.Dictionary(lang="en")
    assert list(english.iterate("Characterization")) == []
    assert _read(loads) == []
    broken = list(english.iterate("characterization"))
    assert [name for name, _ in _read(loads)] == ["hyph_en_GB.dic"]
    assert broken and broken == list(pyphen.Pyphen(lang="en").iterate("characterization"))
    assert list(hyphenation.Dictionary(lang="en").iterate("internationalization"))
    assert len(_read(loads)) == 1  # read once for the process


@pytest.mark.pdf
def test_a_layout_breaks_a_word_of_another_language_with_its_dictionary(
    loads: Path, tmp_path: Path
) -> None:
    """The dictionary WeasyPrint makes for an English passage of a French document, read
    when the passage's word is broken."""
    html = (
        '<html lang="fr-CA"><body><p lang="en" style="width: 5em; hyphens: auto;'
        ' text-align: left">characterization</p></body></html>'
    )
    rendered = Engine().render(html, base_url=tmp_path, variant="web", language="fr-CA", epoch=0)
    assert [name for name, _ in _read(loads)] == ["hyph_en_GB.dic"]
    lines = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text().splitlines()
    assert lines[:2] == ["character\u2010", "ization"]


@pytest.mark.pdf
def test_a_build_reads_each_dictionary_once_before_it_forks(
    tmp_path: Path, loads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build lays its PDFs out in processes it forks (the fit's trials, side by side):
    the document's dictionary is read once, in the process they are forked from; an
    English title, whose words all hold a capital letter, has its dictionary read by
    none."""
    text = "Une prévention efficace, une intervention concertée. " * 30
    body = f"{text}\n\nUne citation : [The Prevention of Crime]{{lang=en}}.\n\n{text}\n"
    root = write_issue(tmp_path / "numero", {"01-un.md": article("Premier", body)})
    monkeypatch.setattr(pipeline, "usable_cores", lambda: 2)
    options = Options(variants=("web",), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([root], options)
    assert done.error is None, done.error
    assert _read(loads) == [("hyph_fr.dic", os.getpid())]
