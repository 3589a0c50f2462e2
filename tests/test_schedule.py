"""How builds are scheduled on the machine (schedule.py): what is not said elsewhere."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from bippdf import pipeline, schedule
from bippdf.pipeline import Options

from .conftest import article, write_issue


@pytest.mark.pdf
def test_what_a_build_loaded_is_set_aside_from_the_collector_while_it_lays_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the build made before its layouts (WeasyPrint, the fonts, the stylesheets, the
    issue composed) is frozen out of the collector of cycles while each variant is laid
    out, written and checked (in this process here, one core; a forked process inherits
    it), and given back to the collector once the build is done."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    frozen: dict[str, int] = {}
    make = pipeline.make_variant

    def counted(composed: pipeline.Composed, variant: str, *arguments: Any) -> pipeline.Made:
        frozen[variant] = gc.get_freeze_count()
        return make(composed, variant, *arguments)

    monkeypatch.setattr(pipeline, "make_variant", counted)
    monkeypatch.setattr(schedule, "usable_cores", lambda: 1)
    options = Options(build_dir=tmp_path / "build", cache=False, online=False, cover=False)
    (done,) = schedule.build_issues([root], options)
    assert done.error is None, done.error
    assert sorted(frozen) == ["print", "web"]
    # The engine alone holds tens of thousands of objects (WeasyPrint's, the fonts').
    assert all(count > 10_000 for count in frozen.values()), frozen
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
