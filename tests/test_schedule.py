"""How builds are scheduled on the machine (schedule.py): what is not said elsewhere."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import pytest

from bippdf import pipeline, schedule
from bippdf.pipeline import Options

from .conftest import article, write_issue


@pytest.mark.pdf
@pytest.mark.parametrize("cores", [1, 2])
def test_what_a_build_loaded_is_set_aside_from_the_collector_while_it_lays_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """The engine (WeasyPrint, the fonts, the stylesheets) and the issue composed are
    frozen out of the collector of cycles while each variant is laid out, written and
    checked, in this process (one core); the engine in the processes forked for them too
    (two cores). All is given back to the collector once the build is done."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    seen = tmp_path / "seen"
    seen.mkdir()
    make = pipeline.make_variant

    def watched(
        composed: pipeline.Composed, variant: str, options: Options, engine: Any, *more: Any
    ) -> pipeline.Made:
        # What the collector walks: frozen objects are not among them.
        walked = {id(tracked) for tracked in gc.get_objects()}
        frozen = id(engine) not in walked, id(composed) not in walked
        (seen / variant).write_text(f"{frozen[0]} {frozen[1]} {os.getpid()}")  # forked too
        return make(composed, variant, options, engine, *more)

    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(pipeline, "make_variant", watched)
    monkeypatch.setattr(schedule, "usable_cores", lambda: cores)
    options = Options(build_dir=tmp_path / "build", cache=False, online=False, cover=False)
    (done,) = schedule.build_issues([root], options)
    assert done.error is None, done.error
    said = {path.name: path.read_text().split() for path in seen.iterdir()}
    forked = {variant for variant, (*_, pid) in said.items() if int(pid) != os.getpid()}
    assert forked == (set() if cores == 1 else {"print", "web"})
    assert {variant: engine for variant, (engine, *_) in said.items()} == {
        "print": "True",
        "web": "True",
    }
    # A forked worker is sent the issue (pickled): its copy is its own.
    issue_frozen = {variant for variant, (_, issue, _) in said.items() if issue == "True"}
    assert issue_frozen == {"print", "web"} - forked
    assert gc.get_freeze_count() == 0


@pytest.mark.pdf
def test_what_was_set_aside_before_a_build_stays_so_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that finds objects set aside already (watch's last layout, which watch
    gives back itself once the build is reported) leaves them so, with its own."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    monkeypatch.setattr(schedule, "usable_cores", lambda: 1)
    options = Options(variants=("web",), build_dir=tmp_path / "build", cache=False, cover=False)
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        (done,) = schedule.build_issues([root], options)
        assert done.error is None, done.error
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
