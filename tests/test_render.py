"""The engine frees the fit's layouts before it lays out a PDF of other HTML, and as the fit
ends; it holds Python's full collections back while it lays pages out (render.py).

A layout context (the computed styles of every element, the page maker, the targets)
refers to itself: letting go of a layout leaves it in memory until Python's collector
of cycles runs, which may be well into the next layout. The test turns that collector
off, so that only what the engine itself collects is freed, and reads a weak reference
to the fit's layout context at the moment the next layout starts.
"""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bippdf import copyfit, pipeline, relayout, render
from bippdf.errors import BuildError
from bippdf.render import Engine

from .conftest import article, write_issue

pytestmark = pytest.mark.pdf  # every test here lays out pages


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Python's own collections of cycles stopped meanwhile (``gc.collect`` still works)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def composed(tmp_path: Path) -> pipeline.Composed:
    body = "## Une section\n\n" + "Un paragraphe de texte qui remplit plus d'une ligne. " * 12
    root = write_issue(
        tmp_path / "numero",
        {"01-a.md": article("Un article", body), "02-b.md": article("Un autre", body)},
    )
    return pipeline.compose(root)


def _trial(composed: pipeline.Composed, tight: bool) -> str:
    """The composed HTML as a trial of the fit sets it: its first article starting a page,
    the text set tighter or not."""
    html = composed.composition.html
    first = copyfit._ARTICLE.search(html)
    assert first is not None
    return copyfit.apply(html, copyfit.Fit(starts=(first[2],), tight=tight))


def _contexts(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[Any]]:
    """Weak references to the layout context of each document laid out from now on,
    whole by WeasyPrint or by relayout.py."""
    from weasyprint.document import Document

    contexts: list[weakref.ref[Any]] = []
    made_by = Document._build_layout_context.__func__  # type: ignore[attr-defined]

    def made(cls: type, *args: Any) -> Any:
        context = made_by(cls, *args)
        contexts.append(weakref.ref(context))
        return context

    monkeypatch.setattr(Document, "_build_layout_context", classmethod(made))
    return contexts


def test_the_fit_s_layouts_are_freed_before_a_pdf_of_other_html_is_laid_out(
    composed: pipeline.Composed, collector_off: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fit's trials are laid out keeping what laying them out again needs, their
    layout context among it (relayout.py); a PDF of another HTML or variant (the print
    variant's, after a fit with the web variant's styles) is laid out whole, once they
    are freed."""
    engine = Engine()
    contexts = _contexts(monkeypatch)  # of each document laid out
    alive: list[bool] = []  # whether the fit's context was, as each layout after it began
    lay_out = Engine._laid_out

    def laid_out(*args: Any, **keywords: Any) -> Any:
        alive.append(contexts[0]() is not None)
        return lay_out(*args, **keywords)

    with engine.keeping_layouts():
        engine.lay_out(
            _trial(composed, tight=True),
            base_url=composed.issue.root,
            files=composed.composition.resources,
        )
    assert [ref() is not None for ref in contexts] == [True]  # held by its own cycles
    monkeypatch.setattr(Engine, "_laid_out", laid_out)
    rendered = engine.render(
        _trial(composed, tight=False),
        base_url=composed.issue.root,
        language=composed.issue.language,
        variant="web",
    )
    assert rendered.pages > 0
    assert alive == [False]


def test_trials_laid_out_one_from_another_are_freed_and_given_back_as_the_fit_ends(
    composed: pipeline.Composed, collector_off: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial laid out from the one before leaves what it replaced to the collector of
    cycles, which may run well into the PDF's write and check: the engine collects it as
    the fit ends and gives the memory back. After a single trial it does neither (the PDF
    is written from that trial); layouts let go before trials are forked are freed then."""
    engine = Engine()
    contexts = _contexts(monkeypatch)
    given_back: list[bool] = []
    monkeypatch.setattr(render, "give_back_freed_memory", lambda: given_back.append(True))
    root, files = composed.issue.root, composed.composition.resources
    with engine.keeping_layouts():
        for _ in range(2):  # the second from the first, which the HTML of the second built
            engine.lay_out(_trial(composed, tight=True), base_url=root, files=files)
        assert [ref() is not None for ref in contexts] == [True, True]
    assert contexts[0]() is None
    assert given_back == [True]
    with engine.keeping_layouts():
        engine.lay_out(_trial(composed, tight=True), base_url=root, files=files)
    assert contexts[2]() is not None  # not collected: held by its own cycles
    assert given_back == [True]
    # Let go before trials are forked side by side: freed before the fork.
    engine.forget_layout()
    with engine.keeping_layouts():
        engine.lay_out(_trial(composed, tight=False), base_url=root, files=files)
        engine.release()
        assert contexts[3]() is None
        assert given_back == [True, True]
        engine.release()  # nothing more to let go: no collection
    assert given_back == [True, True]


def test_a_layout_of_no_use_to_the_next_is_freed_before_the_next_is_laid_out_whole(
    composed: pipeline.Composed, collector_off: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial that cannot be laid out from the one before (its text set tighter) is laid
    out whole: the one before, which refers to itself, is freed first, rather than held
    beside it to its end while full collections are held back."""
    engine = Engine()
    contexts = _contexts(monkeypatch)
    freed: list[list[bool]] = []  # which layouts were freed as each whole layout began
    lay_out = relayout.lay_out

    def whole(*args: Any, **keywords: Any) -> relayout.Layout:
        freed.append([ref() is None for ref in contexts])
        return lay_out(*args, **keywords)

    monkeypatch.setattr(relayout, "lay_out", whole)
    root, files = composed.issue.root, composed.composition.resources
    with engine.keeping_layouts():
        for tight in (True, False):
            engine.lay_out(_trial(composed, tight=tight), base_url=root, files=files)
    assert freed == [[False], [True, False]]


def test_no_full_collection_is_made_while_pages_are_laid_out(
    composed: pipeline.Composed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's full collections of cycles are held back while a layout is made, in
    whole or from the last one, and made as usual again after it, even after one that
    failed; with layouts made in two threads at once, once both are made; as the process
    last set them. A process forked meanwhile collects as usual."""
    usual = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    paginate = relayout._paginate
    first_in, second_done = threading.Event(), threading.Event()

    def paginated(*args: Any, **keywords: Any) -> Any:
        seen.append(gc.get_threshold())
        if threading.current_thread().name == "premier":
            first_in.set()
            assert second_done.wait(timeout=120)  # the second made meanwhile
            seen.append(gc.get_threshold())  # and this one still under way
        return paginate(*args, **keywords)

    monkeypatch.setattr(relayout, "_paginate", paginated)
    engine = Engine()
    root, files = composed.issue.root, composed.composition.resources
    with engine.keeping_layouts():
        for tight in (True, True, False):  # whole, from the last, whole
            engine.lay_out(_trial(composed, tight=tight), base_url=root, files=files)
            assert gc.get_threshold() == usual
    assert len(seen) == 3 and all(third == render._NEVER for _, _, third in seen)

    def failing(*args: Any, **keywords: Any) -> Any:
        raise RuntimeError("mise en page ratée")

    monkeypatch.setattr(relayout, "build", failing)
    with engine.keeping_layouts(), pytest.raises(BuildError, match="mise en page ratée"):
        engine.lay_out(_trial(composed, tight=False), base_url=root, files=files)
    assert gc.get_threshold() == usual
    monkeypatch.undo()

    monkeypatch.setattr(relayout, "_paginate", paginated)
    seen.clear()

    def first() -> None:
        Engine(incremental=True).lay_out(_trial(composed, True), base_url=root)

    def second() -> None:
        assert first_in.wait(timeout=120)
        Engine(incremental=True).lay_out(_trial(composed, False), base_url=root)
        second_done.set()

    both = [threading.Thread(target=first, name="premier"), threading.Thread(target=second)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(timeout=240)
    assert len(seen) == 3 and all(third == render._NEVER for _, _, third in seen)
    assert gc.get_threshold() == usual

    gc.set_threshold(usual[0], usual[1], 50)  # as the process sets them now
    try:
        with render._full_collections_held():
            assert gc.get_threshold()[2] == render._NEVER
        assert gc.get_threshold() == (usual[0], usual[1], 50)
    finally:
        gc.set_threshold(*usual)

    with render._full_collections_held():
        child = os.fork()
        if child == 0:  # the forked process: exits 0 when it collects as usual
            os._exit(0 if gc.get_threshold() == usual else 1)
        _, status = os.waitpid(child, 0)
        assert gc.get_threshold()[2] == render._NEVER
    assert os.waitstatus_to_exitcode(status) == 0
    assert gc.get_threshold() == usual


@pytest.mark.parametrize("long", [True, False])
def test_a_long_layout_is_freed_as_soon_as_its_pdf_is_written(
    composed: pipeline.Composed,
    collector_off: None,
    monkeypatch: pytest.MonkeyPatch,
    long: bool,
) -> None:
    """The pages of a layout no engine keeps refer to themselves: once its PDF is written,
    a long one (``render.LONG`` pages or more) is freed before the PDF is read back, and
    the memory given back; a short one is left to the collector. An engine that lays out
    again from its last layout (``watch``'s) keeps it."""
    contexts = _contexts(monkeypatch)
    given_back: list[bool] = []
    monkeypatch.setattr(render, "give_back_freed_memory", lambda: given_back.append(True))
    root, language = composed.issue.root, composed.issue.language
    pages = Engine().render(_trial(composed, True), base_url=root, language=language).pages
    monkeypatch.setattr(render, "LONG", pages if long else pages + 1)
    given_back.clear()
    rendered = Engine().render(_trial(composed, False), base_url=root, language=language)
    assert rendered.pages == pages
    assert (contexts[1]() is None) is long
    assert given_back == ([True] if long else [])
    watching = Engine(incremental=True)
    watching.render(_trial(composed, False), base_url=root, language=language)
    assert contexts[2]() is not None  # held to lay out again from
    assert given_back == ([True] if long else [])  # and no collection made for nothing


def test_a_process_s_last_pdf_is_written_from_its_trial_then_freed(
    composed: pipeline.Composed,
    collector_off: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A process that laid out a variant from each trial of the fit (pipeline.Lane) writes
    its PDF from the last one, then lets the pages go before the PDF is read back: no
    layout follows there."""
    contexts = _contexts(monkeypatch)
    monkeypatch.setattr(render, "LONG", 1)
    engine = Engine()
    options = pipeline.Options(variants=("web",), cover=False, build_dir=tmp_path / "build")
    lane = pipeline.Lane(composed, "web", options, engine)
    html = composed.composition.html
    lane._lay_out(html)  # as the forked process does, here
    assert len(contexts) == 1 and contexts[0]() is not None
    made = lane._make(html)
    assert not isinstance(made, BaseException), made
    result, pdf = made
    assert pdf.startswith(b"%PDF") and result.pages > 0
    assert len(contexts) == 1  # written from the trial's pages, not laid out again
    assert contexts[0]() is None
