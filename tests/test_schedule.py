"""How builds are scheduled on the machine (schedule.py): what is not said elsewhere."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bippdf import collector, pipeline, render, schedule
from bippdf.check.readback import read_pdf
from bippdf.errors import BuildError, SourceError
from bippdf.pipeline import Options, build_pdf

from .conftest import article, on_cores, write_issue

WAIT = 60  # seconds: the longest a process is waited for


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
@pytest.mark.parametrize("cores", [1, 2])
@pytest.mark.parametrize("short", [True, False])
def test_an_issue_of_the_bulletin_s_length_is_laid_out_collected_less_often(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int, short: bool
) -> None:
    """While an issue whose composed HTML is shorter than ``collector.SHORT`` is laid
    out, written and checked, here and in the processes forked for it, Python collects
    its young objects less often (``collector.LESS_OFTEN``); a longer one, whose trials'
    garbage would then be freed later, as usual. As usual again once the build is done,
    and after a build in one process (``pipeline.build``) too."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    if not short:
        monkeypatch.setattr(collector, "SHORT", 100)  # (this issue's HTML is longer)
    seen = tmp_path / "seen"
    seen.mkdir()
    make = pipeline.make_variant
    by = ["schedule"]

    def watched(
        composed: pipeline.Composed, variant: str, options: Options, engine: Any, *more: Any
    ) -> pipeline.Made:
        (seen / f"{by[0]}-{variant}").write_text(repr(gc.get_threshold()[:2]))
        return make(composed, variant, options, engine, *more)

    usual = gc.get_threshold()
    assert usual[:2] != collector.LESS_OFTEN
    monkeypatch.setattr(pipeline, "make_variant", watched)
    on_cores(monkeypatch, cores)
    options = Options(build_dir=tmp_path / "build", cache=False, online=False, cover=False)
    (done,) = schedule.build_issues([root], options)
    assert done.error is None, done.error
    assert gc.get_threshold() == usual
    by[0] = "build"
    pipeline.build(root, Options(variants=("web",), build_dir=tmp_path / "b", cover=False))
    assert gc.get_threshold() == usual
    said = {path.name: path.read_text() for path in seen.iterdir()}
    assert sorted(said) == ["build-web", "schedule-print", "schedule-web"]
    assert set(said.values()) == {repr(collector.LESS_OFTEN if short else usual[:2])}


@pytest.mark.pdf
def test_a_build_in_one_process_sets_aside_what_its_caller_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library's build in one process (``build_pdf``, ``pipeline.build``: a script's,
    ``bippdf proof``'s) sets aside from the collector of cycles what its caller holds and
    what it loaded, while it lays out, writes and checks: its full collections walk what
    the build makes, not a long-running caller's objects (a test worker's: 19 s of the
    tests' 320 s of CPU). All is given back once the build is done."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    held = [[n] for n in range(3)]  # the caller's
    seen: list[tuple[bool, bool, bool]] = []
    make = pipeline.make_variant

    def watched(
        composed: pipeline.Composed, variant: str, options: Options, engine: Any, *more: Any
    ) -> pipeline.Made:
        walked = {id(tracked) for tracked in gc.get_objects()}
        seen.append((id(held) in walked, id(engine) in walked, id(composed) in walked))
        return make(composed, variant, options, engine, *more)

    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(pipeline, "make_variant", watched)
    on_cores(monkeypatch, 1)  # the PDF made in this process, which ``watched`` sees
    build_pdf(root, tmp_path / "a.pdf", variant="web")
    assert seen == [(False, False, False)]
    assert gc.get_freeze_count() == 0
    assert id(held) in {id(tracked) for tracked in gc.get_objects()}


@pytest.mark.pdf
@pytest.mark.parametrize("by", ["caller", "watch"])
def test_what_was_set_aside_before_a_build_stays_so_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """A build that finds objects set aside already leaves them so, with its own: set
    aside by its caller, who gives them back itself, or by watch (``leave_aside``: its
    last layout, until ``give_back``), which the build does not count (Python walks every
    object set aside to count them, gc.get_freeze_count: 0.02 s a rebuild)."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    monkeypatch.setattr(schedule, "usable_cores", lambda: 1)
    options = Options(variants=("web",), build_dir=tmp_path / "build", cache=False, cover=False)
    built: list[pipeline.Composed] = []
    make = pipeline.make_variant

    def watched(composed: pipeline.Composed, *more: Any) -> pipeline.Made:
        built.append(composed)  # made by the build before it set it aside
        return make(composed, *more)

    monkeypatch.setattr(pipeline, "make_variant", watched)
    held = [["the caller's"]]
    (collector.leave_aside if by == "watch" else gc.freeze)()
    try:
        with monkeypatch.context() as counting:
            if by == "watch":
                counting.setattr(gc, "get_freeze_count", lambda: pytest.fail("counted"))
            (done,) = schedule.build_issues([root], options)
        assert done.error is None, done.error
        # (Counted rather than compared with the count before: what was set aside and
        # is let go meanwhile, a cache's entry, leaves it.)
        walked = {id(tracked) for tracked in gc.get_objects()}
        assert id(held) not in walked and id(built[0]) not in walked
    finally:
        (collector.give_back if by == "watch" else gc.unfreeze)()
    assert gc.get_freeze_count() == 0


def _composed_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: Callable[[], None] = lambda: None
) -> Path:
    """Each issue composed notes the process it is composed in, in the file returned, then
    does ``before`` (in that process), then is composed."""
    said = tmp_path / "composed-in"
    compose = pipeline.compose

    def composing(path: Path) -> pipeline.Composed:
        with said.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        before()
        return compose(path)

    monkeypatch.setattr(pipeline, "compose", composing)
    monkeypatch.setattr(schedule, "usable_cores", lambda: 2)
    return said


@pytest.mark.pdf
def test_issues_are_composed_in_another_process_while_this_one_loads_weasyprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that has WeasyPrint to load (no engine given: a build from the command
    line) composes its issues meanwhile, in a forked process: once each, there, and while
    this process imports it (composing waits until the import has begun, which would
    never come were they done one after the other)."""
    roots = [
        write_issue(tmp_path / name, {"01-a.md": article(f"Article {name}", f"Texte de {name}.\n")})
        for name in ("un", "deux")
    ]
    loading = multiprocessing.get_context("fork").Event()

    def waiting() -> None:
        assert loading.wait(WAIT), "composé avant que WeasyPrint ne commence à se charger"

    said = _composed_in(tmp_path, monkeypatch, waiting)
    imported = render.imported

    def importing() -> Any:
        loading.set()
        return imported()

    monkeypatch.setattr(render, "imported", importing)
    options = Options(variants=("web",), build_dir=tmp_path / "b", online=False, cover=False)
    built = schedule.build_issues(roots, options)
    assert [done.error for done in built] == [None, None]
    pids = said.read_text(encoding="utf-8").split()
    assert len(pids) == 2 and len(set(pids)) == 1 and int(pids[0]) != os.getpid()
    for done, name in zip(built, ("un", "deux"), strict=True):
        assert f"Texte de {name}." in " ".join(read_pdf(done.results[0].output).texts)
        assert done.results[0].phases["engine"] > 0


@pytest.mark.pdf
def test_an_issue_whose_composing_process_dies_is_composed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_issue(tmp_path / "un", {"01-a.md": article("Un", "Texte composé ici.\n")})
    here = os.getpid()

    def dying() -> None:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)

    said = _composed_in(tmp_path, monkeypatch, dying)
    options = Options(variants=("web",), build_dir=tmp_path / "b", online=False, cover=False)
    (done,) = schedule.build_issues([root], options)
    assert done.error is None, done.error
    pids = [int(pid) for pid in said.read_text(encoding="utf-8").split()]
    assert len(pids) == 2 and pids[0] != here and pids[1] == here
    assert "Texte composé ici." in " ".join(read_pdf(done.results[0].output).texts)


@pytest.mark.pdf
def test_a_source_error_found_in_the_composing_process_names_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error comes back to this process whole: its class, file, line and hint, and
    its traceback there as a note, which ``--debug`` prints; the other issue is built."""
    bad = write_issue(tmp_path / "mauvais", {"01-a.md": article("A", "Texte.\n\nNote[^x].\n")})
    good = write_issue(tmp_path / "bon", {"01-a.md": article("B", "Texte.\n")})
    said = _composed_in(tmp_path, monkeypatch)
    options = Options(variants=("web",), build_dir=tmp_path / "b", online=False, cover=False)
    failed, built = schedule.build_issues([bad, good], options)
    assert isinstance(failed.error, SourceError)
    assert (failed.error.path, failed.error.line) == (bad / "articles" / "01-a.md", 7)
    assert "[^x] est appelée mais jamais définie" in str(failed.error)
    (note,) = failed.error.__notes__
    assert note.startswith("Traceback") and "in compose" in note
    assert built.error is None and built.results[0].output.is_file()
    assert os.getpid() not in {int(pid) for pid in said.read_text(encoding="utf-8").split()}


@pytest.mark.pdf
def test_a_stylesheet_that_does_not_load_is_said_as_the_build_lays_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_styles: Path
) -> None:
    """The engine loaded while the issues are composed fails as it did when loaded after
    them: the build stops with the stylesheet's error, unless no issue composed (then
    each says its own error, and no stylesheet is wanted)."""
    good = write_issue(tmp_path / "bon", {"01-a.md": article("B", "Texte.\n")})
    bad = write_issue(tmp_path / "mauvais", {"01-a.md": article("A", "Note[^x].\n")})
    stylesheet = own_styles / "bulletin.css"
    stylesheet.write_text("@import url(absente.css);\n" + stylesheet.read_text("utf-8"), "utf-8")
    said = _composed_in(tmp_path, monkeypatch)
    options = Options(variants=("web",), build_dir=tmp_path / "b", online=False, cover=False)
    with pytest.raises(BuildError, match=r"la feuille de style bulletin\.css ne peut pas"):
        schedule.build_issues([good], options)
    (failed,) = schedule.build_issues([bad], options)
    assert isinstance(failed.error, SourceError)
    assert os.getpid() not in {int(pid) for pid in said.read_text(encoding="utf-8").split()}


def test_issues_that_all_fail_to_compose_are_said_without_making_an_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their errors come once WeasyPrint is imported, with no engine made, no font
    loaded, no stylesheet parsed (this test is not marked pdf: making one fails it)."""
    roots = [
        write_issue(tmp_path / name, {"01-a.md": article(name, "Note[^x].\n")})
        for name in ("un", "deux")
    ]
    said = _composed_in(tmp_path, monkeypatch)
    options = Options(variants=("web",), build_dir=tmp_path / "b", online=False, cover=False)
    built = schedule.build_issues(roots, options)
    assert all(isinstance(done.error, SourceError) for done in built)
    assert [done.error.path for done in built if done.error] == [
        root / "articles" / "01-a.md" for root in roots
    ]
    assert os.getpid() not in {int(pid) for pid in said.read_text(encoding="utf-8").split()}
