"""The hyphenation dictionaries (hyphenation.py): read once per build, before the build
forks the processes that lay its PDFs out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyphen
import pytest

from bippdf import hyphenation, pipeline
from bippdf.pipeline import Options
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


def test_the_dictionaries_of_the_languages_the_html_is_in_are_read(loads: Path) -> None:
    """Those of every element's ``lang`` (the page's, a passage's), each once; a language
    pyphen has no dictionary for is passed over."""
    html = (
        '<html lang="fr-CA"><p>Du texte <span lang="en">and some English</span>,'
        ' <span lang="tlh">tlhIngan Hol</span>, <span lang="fr">encore</span>.</p></html>'
    )
    hyphenation.load(html)
    assert sorted(name for name, _ in _read(loads)) == ["hyph_en_GB.dic", "hyph_fr.dic"]
    hyphenation.load(html)
    assert len(_read(loads)) == 2


@pytest.mark.pdf
def test_a_build_reads_each_dictionary_once_before_it_forks(
    tmp_path: Path, loads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build lays its PDFs out in processes it forks (the fit's trials, side by side):
    each dictionary is read once, in the process they are forked from."""
    text = "Une prévention efficace, une intervention concertée. " * 30
    body = f"{text}\n\nUne citation : [the prevention of crime]{{lang=en}}.\n\n{text}\n"
    root = write_issue(tmp_path / "numero", {"01-un.md": article("Premier", body)})
    monkeypatch.setattr(pipeline, "usable_cores", lambda: 2)
    options = Options(variants=("web",), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([root], options)
    assert done.error is None, done.error
    read = _read(loads)
    assert sorted(name for name, _ in read) == ["hyph_en_GB.dic", "hyph_fr.dic"]
    assert {pid for _, pid in read} == {os.getpid()}
