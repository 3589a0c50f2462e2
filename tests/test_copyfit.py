"""Copyfitting (copyfit.py): which articles start a page, how tight the text is set,
measured on real layouts."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bippdf import copyfit, forked, hyphenation, justification, linebreaking, pipeline, schedule
from bippdf.cache import FOLDER
from bippdf.errors import BuildError, CheckError
from bippdf.pipeline import Options, compose
from bippdf.render import Engine
from bippdf.resources import usable_cores
from bippdf.schedule import build_issues

from .conftest import (
    ISSUE_6,
    BuiltIssue,
    WebIssue,
    article,
    no6_excerpt,
    on_cores,
    write_issue,
)

SENTENCE = "Un paragraphe de texte courant, assez long pour remplir quelques lignes. "


@pytest.fixture(autouse=True)
def _no_fit_kept_in_memory() -> None:
    """Each test fits from scratch: nothing kept by an earlier build of this process."""
    copyfit._MEMORY.clear()
    copyfit._LAST.clear()
    copyfit._FORGOTTEN.clear()


def test_apply_marks_page_starts_and_the_tighter_set() -> None:
    html = (
        '<html lang="fr-CA"><body>'
        '<article class="article" aria-labelledby="a"></article>'
        '<article class="article starts-page" aria-labelledby="b"></article>'
        '<article class="article notes-page" aria-labelledby="c"></article></body></html>'
    )
    fitted = copyfit.apply(html, copyfit.Fit(starts=("a", "c"), tight=True, loose=("b",)))
    assert '<html class="fit-tight" lang="fr-CA">' in fitted
    # b no longer starts a page, and is set looser
    assert '<article class="article fit-loose" aria-labelledby="b">' in fitted
    assert '<article class="article starts-page" aria-labelledby="a">' in fitted
    assert '<article class="article notes-page starts-page" aria-labelledby="c">' in fitted


def test_the_html_of_a_fit_is_written_once_for_its_choices() -> None:
    """The last trial's HTML, asked for again with the fit it gave (which also says what
    it measured), is the same string, not written again; other choices write another."""
    html = '<html lang="fr-CA"><body><article class="article" aria-labelledby="a"></article>'
    trial = copyfit.Fit(starts=("a",))
    fitted = dataclasses.replace(trial, pages=24, padding=0, layouts=3, underfull=1)
    assert copyfit.apply(html, fitted) is copyfit.apply(html, trial)
    assert copyfit.apply(html, dataclasses.replace(trial, tight=True)) != copyfit.apply(html, trial)


def _fit(root: Path, cache: Path | None = None, cores: int = 1) -> tuple[copyfit.Fit, list[int]]:
    """The fit of an issue, and the page count of each trial layout made in this
    process."""
    composed = compose(root)
    engine = Engine()
    engine.preload(["web"])  # before the trials are forked, as a build does (pipeline.ready)
    pages: list[int] = []

    def layout(html: str) -> Any:
        document = engine.lay_out(html, base_url=root)
        pages.append(len(document.pages))
        return document

    return copyfit.fit(composed.composition.html, layout, cache, cores=cores), pages


@pytest.mark.pdf
def test_a_short_article_follows_the_previous_one(tmp_path: Path) -> None:
    """Two short articles share the page: only the first starts one."""
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("Premier", SENTENCE * 8), "02-b.md": article("Second", SENTENCE * 8)},
    )
    fit, pages = _fit(root)
    assert fit.starts == ("premier",)
    # The paragraphs read in one column (justification.apart; none to set otherwise),
    # then the first page trial, on which the rule held.
    assert len(pages) == 2


@pytest.mark.pdf
def test_an_article_with_no_room_under_its_header_starts_a_page(tmp_path: Path) -> None:
    """A first article filling its page down to a few lines: the second starts the
    next page rather than print its header over less than five lines."""
    filler = "\n\n".join([SENTENCE * 5] * 16) + "\n"
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("Premier", filler), "02-b.md": article("Second", SENTENCE * 8)},
    )
    fit, pages = _fit(root)
    assert "second" in fit.starts, (fit, pages)
    assert len(pages) >= 2  # the rule was applied, then verified on a new layout


@pytest.mark.pdf
def test_trials_side_by_side_fit_as_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On two cores the paragraphs' trial is shared between two layouts and the tighter
    set is laid out meanwhile: the same fit, with trials laid out in other processes,
    whose lines broken are brought back for the trials laid out here: they break fewer
    than when left there."""
    long_words = "Les recommandations interministérielles anticonstitutionnellement. "
    body = "\n\n".join([SENTENCE * 3 + long_words * 2] * 6) + "\n"
    # The second article's words others, and set as usual: its lines, broken in the other
    # process, are laid out alike in the trials here.
    other = "\n\n".join(["Une autre phrase du second article, courte et simple. " * 4] * 6)
    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("Premier", body), "02-b.md": article("Second", other + "\n")},
    )
    alone, pages_alone = _fit(root)
    broken_here = []
    for learning in (False, True):
        copyfit._MEMORY.clear()
        linebreaking.forget()  # (the lines the fit alone broke: the same)
        before = linebreaking.Counts(**vars(linebreaking.counts))
        with monkeypatch.context() as patched:
            if not learning:
                patched.setattr(linebreaking, "learn", lambda answers: None)
            shared, pages_here = _fit(root, cores=2)
        assert (linebreaking.counts.learnt > before.learnt) == learning
        broken_here.append(linebreaking.counts.broken - before.broken)
    assert broken_here[1] < broken_here[0], broken_here
    assert alone.sets  # a paragraph was set in another spacing: its trial was made
    assert dataclasses.replace(shared, layouts=0) == dataclasses.replace(alone, layouts=0)
    assert shared.layouts >= alone.layouts
    assert len(pages_here) < shared.layouts  # some were laid out in another process
    assert len(pages_alone) == alone.layouts


def test_the_layout_budget_counts_the_trials_asked_for_not_those_laid_out_ahead() -> None:
    """No other page start is tried after ``MAX_LAYOUTS`` trials asked for. A trial laid
    out ahead on another core counts only once asked for: the same fit on any number of
    cores. (Pages of no content: only the counting is under test.)"""
    empty = SimpleNamespace(pages=[])
    html = "<html><body></body></html>"
    ahead = copyfit._Trials(html, lambda _: empty, cores=2)
    ahead.lay_out([ahead.trial(("a",), tight) for tight in (False, True)])
    assert (ahead.count, ahead.asked) == (2, 0)
    for _ in range(2):
        ahead.measure(("a",), False)
    ahead.measure(("a",), True)
    one = copyfit._Trials(html, lambda _: empty, cores=1)
    one.measure(("a",), False)
    one.measure(("a",), True)
    assert (ahead.count, ahead.asked) == (2, 2) == (one.count, one.asked)


@pytest.mark.slow
@pytest.mark.pdf
def test_the_web_pdf_is_written_from_the_last_trial_the_same_as_laid_out_again(
    tmp_path: Path,
) -> None:
    """A fit made by this build ends with its chosen trial laid out: the web PDF is
    written from those pages, byte for byte what a layout of its own gives."""
    from bippdf.pipeline import Options, build

    root = write_issue(
        tmp_path / "issue",
        {"01-a.md": article("Premier", SENTENCE * 30), "02-b.md": article("Second", SENTENCE * 9)},
    )
    web = Options(variants=("web",), cover=False, online=False, output=tmp_path / "a.pdf")
    (fitted,) = build(root, web)  # fits: its last trial is written
    assert fitted.phases["copyfit"] > 0 and fitted.phases["layout"] < 0.05
    again = dataclasses.replace(web, output=tmp_path / "b.pdf")
    (laid_out,) = build(root, again)  # the fit kept by this process: laid out anew
    assert laid_out.phases["layout"] > 10 * fitted.phases["layout"]
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    # Both PDFs in one process: the web one is rendered first, from the trial, though it
    # is written second; the print one is laid out.
    copyfit._MEMORY.clear()
    both = Options(variants=("print", "web"), cover=False, build_dir=tmp_path / "build")
    print_pdf, web_pdf = build(root, both)
    assert (print_pdf.variant, web_pdf.variant) == ("print", "web")
    # (Taken from the trial, a layout takes no time; laid out, with its lines broken in the
    # fit's trials, some hundredths of a second.)
    assert web_pdf.phases["layout"] < 0.05
    assert web_pdf.phases["layout"] * 10 < print_pdf.phases["layout"]
    assert web_pdf.output.read_bytes() == (tmp_path / "a.pdf").read_bytes()


@pytest.mark.pdf
def test_a_fit_is_kept_and_reused(tmp_path: Path) -> None:
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Premier", SENTENCE * 8)})
    cache = tmp_path / "cache"
    first, pages = _fit(root, cache)
    assert pages and not cache.exists()  # kept only with the build's files
    html = compose(root).composition.html
    copyfit.keep(cache, copyfit.digest_of(html), first)
    assert list(cache.glob("*.json"))
    copyfit._MEMORY.clear()  # read back from the file, as the next build would

    def no_layout(html: str) -> Any:
        raise AssertionError("a kept fit needs no layout")

    kept = copyfit.fit(html, no_layout, cache)
    assert kept == dataclasses.replace(first, layouts=0)  # 0: no trial layout this time


@pytest.mark.pdf
def test_the_previous_fit_is_tried_first(tmp_path: Path) -> None:
    """After an edit (``watch``), the issue's previous fit is laid out first: when the
    rules still hold with it, that one layout is all the fit costs."""
    texts = {
        "01-a.md": article("Premier", SENTENCE * 8),
        "02-b.md": article("Second", SENTENCE * 8),
    }
    root = write_issue(tmp_path / "issue", texts)
    first, _ = _fit(root)
    (root / "articles" / "02-b.md").write_text(article("Second", SENTENCE * 9), encoding="utf-8")
    html = compose(root).composition.html
    pages: list[int] = []

    def layout(trial: str) -> Any:
        document = Engine().lay_out(trial, base_url=root)
        pages.append(len(document.pages))
        return document

    # The hint's every choice is laid out again: its article set looser too.
    hint = dataclasses.replace(first, loose=("second",))
    again = copyfit.fit(html, layout, None, hint=hint)
    assert (again.starts, again.tight, again.layouts) == (first.starts, first.tight, 1)
    assert again.loose == ("second",)
    assert len(pages) == 1


# An address no line can break but at its slashes: a fit from scratch lays the issue out
# several times to set it well, the last ones with words kept whole.
ADDRESS = "Voyez www.securitepublique.gouv.qc.ca/prevention-criminalite/bulletins ici. "
WITH_ADDRESS = {
    "01-a.md": article("Premier", (SENTENCE * 3 + ADDRESS + SENTENCE * 2 + "\n\n") * 3),
    "02-b.md": article("Second", SENTENCE * 8),
}


@pytest.mark.slow
@pytest.mark.pdf
def test_trials_of_words_kept_whole_are_laid_out_from_the_one_before_as_whole_ones_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build's fit lays each trial of words kept whole out from the trial before, only
    the pages it changes (relayout.py): the fit, its HTML and the web PDF written from
    its last trial are those of a fit whose every trial is laid out whole. The build's
    engine lays out whole again after the fit."""
    root = write_issue(tmp_path / "issue", WITH_ADDRESS)
    options = Options(variants=("web",), cover=False, build_dir=tmp_path / "build")

    def fitted() -> tuple[Any, ...]:
        """The fit made by a build's engine, its HTML, the web PDF and the pages made
        by each layout resumed."""
        copyfit._MEMORY.clear()
        composed, engine = compose(root), Engine()
        pipeline.fit(composed, engine, options)
        assert not engine.incremental
        made = pipeline.make_variant(composed, "web", options, engine)
        assert made[0].phases["layout"] < 0.05  # written from the last trial
        return composed.fit, composed.composition.html, made[1], engine.remade

    fit, html, pdf, remade = fitted()
    assert len(fit.whole) >= 2 and fit.layouts >= 2
    assert min(remade) < fit.pages  # a trial laid out from the one before
    monkeypatch.setattr(Engine, "keeping_layouts", lambda engine: contextlib.nullcontext())
    assert fitted() == (fit, html, pdf, [])


@pytest.mark.pdf
def test_a_fit_forks_its_trials_once_the_fonts_are_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trials laid out in forked processes end without exit handlers: one that loaded the
    fonts would leave the temporary folder WeasyPrint copies them into. The fit loads
    them before it forks, with an engine that has not yet: one folder, the engine's."""
    root = write_issue(tmp_path / "issue", WITH_ADDRESS)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(pipeline, "usable_cores", lambda: 2)  # trials forked on any machine
    copyfit._MEMORY.clear()
    composed, engine = compose(root), Engine()
    pipeline.fit(composed, engine, Options(variants=("web",), cover=False, build_dir=tmp_path))
    assert composed.fit is not None and composed.fit.layouts >= 2
    folders = [path.name for path in temporary.iterdir()]
    assert len(folders) == 1 and folders[0].startswith("weasyprint-"), folders


@pytest.mark.slow
@pytest.mark.pdf
def test_a_build_after_an_edit_tries_the_issue_s_last_fit_first(tmp_path: Path) -> None:
    """``make pdf`` after an edit, in a new process: the issue's last fit, recorded beside
    its issue.toml (or kept in its build folder), is laid out first; when the rules hold
    with it, that one layout is the whole fit. So is the first build of another machine
    (a new build folder), which gives the same PDF; without the record, the issue is
    fitted from scratch."""
    root = write_issue(tmp_path / "issue", WITH_ADDRESS)
    toml = str(root / "issue.toml")
    record = root / copyfit.RECORD

    def fitted(build_dir: Path) -> copyfit.Fit:
        """The fit of a web build of the issue, made as by a new process."""
        copyfit._MEMORY.clear()
        copyfit._LAST.clear()
        options = Options(variants=("web",), cover=False, build_dir=build_dir)
        (done,) = build_issues([root], options)
        assert done.error is None
        return copyfit._LAST[toml]

    def web_pdf(build_dir: Path) -> bytes:
        return next(build_dir.rglob("*-web.pdf")).read_bytes()

    first = fitted(tmp_path / "build")
    copyfit._LAST.clear()
    assert copyfit.last(root / "issue.toml", "issue") == dataclasses.replace(first, layouts=0)
    (root / "articles" / "02-b.md").write_text(article("Second", SENTENCE * 9), encoding="utf-8")
    again = fitted(tmp_path / "build")
    assert first.layouts > 1 and first.whole
    assert again == dataclasses.replace(first, layouts=1, hinted=True)
    written = record.stat().st_mtime_ns
    elsewhere = fitted(tmp_path / "elsewhere")
    assert elsewhere == again and record.stat().st_mtime_ns == written  # the same: not written
    assert web_pdf(tmp_path / "elsewhere") == web_pdf(tmp_path / "build")
    record.unlink()
    scratch = fitted(tmp_path / "anew")
    assert scratch.layouts > 1 and not scratch.hinted and record.exists()


@pytest.mark.pdf
def test_a_fit_is_recorded_with_an_issue_folder_only_by_a_build_of_its_files(
    tmp_path: Path,
) -> None:
    """A build told where to write its one PDF (-o) writes nothing else, so no record; nor
    does a build of a single Markdown file, whose folder is not the issue's own."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Premier", SENTENCE * 8)})
    alone = Options(variants=("web",), cover=False, output=tmp_path / "seul.pdf")
    (done,) = build_issues([root], alone)
    assert done.error is None and not (root / copyfit.RECORD).exists()
    single = tmp_path / "notes" / "notes.md"
    single.parent.mkdir()
    single.write_text(article("Notes", SENTENCE * 8), encoding="utf-8")
    options = Options(variants=("web",), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([single], options)
    assert done.error is None and list(single.parent.iterdir()) == [single]
    (done,) = build_issues([root], options)
    assert done.error is None and (root / copyfit.RECORD).is_file()
    # A source of the build: not a file to write the HTML to.
    html = Options(variants=("web",), cover=False, output=tmp_path / "b.pdf")
    with pytest.raises(BuildError):
        pipeline.build(root, dataclasses.replace(html, html_output=root / copyfit.RECORD))
    assert json.loads((root / copyfit.RECORD).read_text(encoding="utf-8"))["starts"]


@pytest.mark.pdf
def test_the_last_fit_follows_its_paragraphs_when_a_line_is_added_above(tmp_path: Path) -> None:
    """The spacings and words kept whole of the last fit name their paragraphs by source
    line: after a paragraph added above them, they are given to the same paragraphs on
    their new lines (found by their text), and the one layout of the last fit needs no
    words kept whole again."""
    body = "".join(
        f"{n}. " + SENTENCE * 3 + ADDRESS + SENTENCE * 2 + "\n\n" for n in ("Un", "Deux", "Trois")
    )
    texts = {"01-a.md": article("Premier", body), "02-b.md": article("Second", SENTENCE * 8)}
    root = write_issue(tmp_path / "issue", texts)
    first, _ = _fit(root)
    assert first.whole
    (root / "articles" / "01-a.md").write_text(
        article("Premier", "Un paragraphe de plus.\n\n" + body), encoding="utf-8"
    )
    html = compose(root).composition.html
    engine = Engine()
    again = copyfit.fit(html, lambda trial: engine.lay_out(trial, base_url=root), None, hint=first)
    assert again.layouts == 1

    def two_lines_down(source: str) -> str:
        name, line = source.rsplit(":", 1)
        return f"{name}:{int(line) + 2}"

    assert again.whole == tuple(
        (tag, two_lines_down(source), word, n) for tag, source, word, n in first.whole
    )
    assert again.sets == tuple((two_lines_down(source), n) for source, n in first.sets)


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.parametrize("case", ["edit", "dropped", "scratch"])
def test_the_print_pdf_laid_out_during_the_fit_is_the_one_laid_out_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """On two cores, after an ``edit``, the print PDF is laid out on the core the fit
    leaves idle, from the issue's last fit (which the fit tries first), and from each
    trial of words kept whole after it; from ``scratch``, from each trial laid out alone
    after those laid out side by side. It is written if the fit gives that trial's
    HTML, else dropped (``dropped``: a trial the fit does not keep). The files and what
    the build says of them are those of the same build made one step after the other."""
    if usable_cores() < 2:
        pytest.skip("un seul cœur : rien n'est mis en pages pendant l'ajustement")
    on_cores(monkeypatch, 2)
    root = write_issue(tmp_path / "issue", WITH_ADDRESS)
    options = Options(variants=("print", "web"), cover=False, build_dir=tmp_path / "during")
    if case != "scratch":
        (done,) = build_issues([root], options)
        assert done.error is None
    (root / "articles" / "02-b.md").write_text(article("Second", SENTENCE * 9), encoding="utf-8")
    if case != "scratch":
        shutil.copytree(tmp_path / "during", tmp_path / "after")
    if case == "dropped":
        fit = pipeline.fit

        def announcing(
            composed: Any, engine: Any, options: Any, ahead: Any = None, beside: Any = None
        ) -> None:
            if ahead is not None:  # a trial the fit will not keep, announced first: set
                # tighter, which this issue's fit is not (a page start could be laid out
                # again from it into the fit's)
                tight = copyfit.Fit(starts=("second",), tight=True)
                ahead(copyfit.apply(composed.composition.html, tight))
            fit(composed, engine, options)
            assert composed.fit is not None and not composed.fit.tight

        monkeypatch.setattr(pipeline, "fit", announcing)
    started: list[str | None] = []
    held: list[bool] = []
    restart, holds = schedule._Guess.restart, schedule._Guess.holds
    monkeypatch.setattr(
        schedule._Guess, "restart", lambda guess, html: started.append(html) or restart(guess, html)
    )
    monkeypatch.setattr(
        schedule._Guess, "holds", lambda guess: held.append(holds(guess)) or held[-1]
    )

    def build(folder: str) -> list[tuple[Any, ...]]:
        copyfit._MEMORY.clear()
        copyfit._LAST.clear()
        (done,) = build_issues([root], dataclasses.replace(options, build_dir=tmp_path / folder))
        assert done.error is None
        return [
            (r.variant, r.pages, r.padding, r.warnings, r.check_warnings, r.output.read_bytes())
            for r in done.results
        ]

    during = build("during")
    assert any(started) and held and all(held) == any(held) == (case != "dropped")
    monkeypatch.setattr(schedule, "_guessed", lambda jobs, spare, options: [])
    held.clear()
    assert build("after") == during and not held


@pytest.mark.slow
@pytest.mark.pdf
def test_the_print_pdf_laid_out_during_the_fit_follows_the_trials_from_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The print PDF laid out while its issue is fitted (schedule._Guess): a trial that
    differs from the one before in words kept whole, or in an article starting a page,
    is laid out from that one's pages, only those it changes, in the same process, and
    so is the fit's HTML when it is an earlier trial of the kind; a trial whose text is
    set tighter throughout is laid out whole, in a new process. Each PDF is the one a
    layout of its own gives, byte for byte, and its lines are not recorded as ``watch``
    records them for its next PDF (redraw.py): there is no next one."""
    log = tmp_path / "layouts.txt"
    lay_out, drawings_of = Engine.lay_out, Engine._drawings_of

    def recorded(engine: Engine, *args: Any) -> Any:
        drawings = drawings_of(engine, *args)
        if drawings is not None:
            with (tmp_path / "recorded.txt").open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()}\n")
        return drawings

    def logged(engine: Engine, html: str, **options: Any) -> Any:
        document = lay_out(engine, html, **options)
        made = engine.remade[-1] if engine.incremental else len(document.pages)
        with log.open("a", encoding="utf-8") as out:  # a line appended at once
            out.write(f"{os.getpid()} {made} {len(document.pages)}\n")
        return document

    def layouts(count: int, log: Path = log) -> list[list[int]]:
        """Each layout the process made, once it made ``count``: process, pages made,
        pages."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
            if len(lines) >= count:
                return [[int(n) for n in line.split()] for line in lines]
            time.sleep(0.05)
        raise AssertionError(f"le processus n'a pas fini : {log.name}")

    make_variant = pipeline.make_variant

    def made(*args: Any) -> Any:
        result = make_variant(*args)
        (tmp_path / "made.txt").write_text(f"{os.getpid()}\n", encoding="utf-8")
        return result

    root = write_issue(tmp_path / "issue", WITH_ADDRESS)
    options = Options(variants=("print",), cover=False, build_dir=tmp_path / "build")
    composed, engine = compose(root), Engine()
    unfitted = composed.composition.html
    pipeline.fit(composed, engine, options)
    fit = composed.fit
    assert fit is not None and fit.whole
    trials = [
        copyfit.apply(unfitted, dataclasses.replace(fit, whole=())),
        composed.composition.html,
        copyfit.apply(unfitted, dataclasses.replace(fit, starts=(*fit.starts, "second"))),
        copyfit.apply(unfitted, dataclasses.replace(fit, tight=not fit.tight)),
    ]
    job = schedule._Job(schedule._Pending(schedule.IssueBuild(root), root, composed, {}), "print")
    monkeypatch.setattr(Engine, "lay_out", logged)
    monkeypatch.setattr(Engine, "_drawings_of", recorded)
    monkeypatch.setattr(pipeline, "make_variant", made)

    def guessed(sent: list[str], fitted: str, count: int) -> tuple[Any, list[list[int]]]:
        """What the process makes of the fit's HTML, the trials sent one by one (each laid
        out before the next is sent), and the layouts it made."""
        log.unlink(missing_ok=True)
        (tmp_path / "made.txt").unlink(missing_ok=True)
        guess = schedule._Guess(job, options, engine)
        try:
            for n, html in enumerate(sent, 1):
                guess.restart(html)
                layouts(n)
            composed.composition.html = fitted
            assert guess.holds()
            layouts(1, tmp_path / "made.txt")  # written once the fit is known to hold
            made = guess.result()
        finally:
            guess.drop()
        return made, layouts(count)

    def alone(html: str) -> Any:
        composed.composition.html = html
        return pipeline.make_variant(composed, "print", options, engine)

    def same(one: Any, other: Any) -> bool:
        """The same pages, warnings and PDF."""
        return bool(said(one) == said(other))

    def said(made: Any) -> tuple[Any, ...]:
        return made[0].pages, made[0].warnings, made[1]

    made, made_by = guessed(trials[:2], trials[0], 3)
    ((first, whole, pages), *resumed) = made_by
    assert whole == pages and all(
        process == first and remade < pages for process, remade, _ in resumed
    )
    assert same(made, alone(trials[0]))
    made, made_by = guessed([trials[0], trials[2]], trials[2], 2)
    (first, _, _), (second, remade, pages) = made_by
    assert second == first and remade < pages
    assert same(made, alone(trials[2]))
    made, made_by = guessed([trials[0], trials[3]], trials[3], 2)
    (first, _, _), (second, whole, pages) = made_by
    assert second != first and whole == pages
    assert same(made, alone(trials[3]))
    assert not (tmp_path / "recorded.txt").exists()


@pytest.mark.pdf
def test_a_build_that_fails_forgets_the_issue_s_last_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails once its issue is fitted forgets the issue's last fit: the next
    one fits it from scratch, rather than try again what may be why it failed."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Premier", SENTENCE * 8)})
    options = Options(variants=("web",), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([root], options)
    assert done.error is None
    last = tmp_path / "build" / FOLDER / "copyfit" / copyfit.LAST
    assert len(list(last.iterdir())) == 1

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise BuildError("le PDF ne passe pas la vérification")

    monkeypatch.setattr(pipeline, "make_variant", failing)
    (root / "articles" / "01-a.md").write_text(article("Premier", SENTENCE * 9), encoding="utf-8")
    (done,) = build_issues([root], options)
    assert done.error is not None
    assert not list(last.iterdir()) and str(root / "issue.toml") not in copyfit._LAST


@pytest.mark.slow
@pytest.mark.pdf
def test_a_last_fit_the_check_refuses_is_fitted_again_from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last fit only has to keep its page starts to be kept: when the layout it gives
    fails the check (a line alone at the top of a column, say), the same build fits the
    issue from scratch and writes that, rather than fail."""
    texts = {
        "01-a.md": article("Premier", SENTENCE * 8),
        "02-b.md": article("Second", SENTENCE * 8),
    }
    root = write_issue(tmp_path / "issue", texts)
    on_cores(monkeypatch, 2)  # the print PDF laid out during the fit, in a forked process
    options = Options(variants=("print", "web"), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([root], options)
    assert done.error is None
    verify = pipeline._verify
    refused: list[str] = []

    def refusing(composed: Any, *args: Any, **kwargs: Any) -> Any:
        if composed.fit.hinted:
            refused.append(args[2])  # the variant
            raise CheckError("ligne veuve", path=composed.issue.source)
        return verify(composed, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_verify", refusing)
    (root / "articles" / "02-b.md").write_text(article("Second", SENTENCE * 9), encoding="utf-8")
    copyfit._LAST.clear()
    (done,) = build_issues([root], options)
    # (print, refused too, was checked in a forked process, laid out during the fit)
    assert done.error is None and refused == ["web"]
    assert not copyfit._LAST[str(root / "issue.toml")].hinted
    # The same, by the library's one-process build (build_pdf, bippdf proof), in a new
    # process: the record of the fit made from scratch above, changed into the hint.
    refused.clear()
    copyfit._LAST.clear()
    copyfit._MEMORY.clear()
    (root / "articles" / "02-b.md").write_text(article("Second", SENTENCE * 8), encoding="utf-8")
    (result,) = pipeline.build(
        root, Options(variants=("web",), cover=False, output=tmp_path / "a.pdf")
    )
    assert refused == ["web"] and result.output.is_file()
    assert not copyfit._LAST[str(root / "issue.toml")].hinted


@pytest.mark.pdf
@pytest.mark.parametrize("cores", [2, 3])
def test_the_print_pdf_laid_out_beside_the_fit_leaves_a_core_to_the_web_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """A build of both PDFs lays the print PDF out in a process beside the fit
    (pipeline.Lane) and writes the web PDF here from the fit's last trial. The build
    waits for this process, which then makes the cover and the edition: on two cores,
    the print PDF is read back by its own process alone, leaving the other core to this
    one; the web PDF by two (the check's choice). With a core to spare, by two as well.
    The print PDF's stylesheets are parsed there, not here before the fit: its palette's
    inks are worked out through the output profile there alone."""
    from bippdf import render

    texts = {
        "01-a.md": article("Premier", SENTENCE * 8),
        "02-b.md": article("Second", SENTENCE * 8),
    }
    root = write_issue(tmp_path / "issue", texts)
    seen = tmp_path / "seen"
    seen.mkdir()
    verify = pipeline._verify

    def watched(composed: Any, rendered: Any, target: Any, variant: str, readers: Any) -> Any:
        (seen / variant).write_text(f"{readers} {os.getpid()}")  # from the forked one too
        return verify(composed, rendered, target, variant, readers)

    palette = render.palette_css

    def parsed(inks: str) -> str:
        with (seen.parent / "palettes").open("a", encoding="utf-8") as out:
            out.write(f"{inks} {os.getpid()}\n")
        return palette(inks)

    on_cores(monkeypatch, cores)
    for folder in ("first", "then"):  # then, as a fresh checkout: with the fit recorded
        copyfit._MEMORY.clear()
        copyfit._LAST.clear()
        options = Options(variants=("print", "web"), cover=False, build_dir=tmp_path / folder)
        if folder == "then":
            monkeypatch.setattr(pipeline, "_verify", watched)
            monkeypatch.setattr(render, "palette_css", parsed)
        (done,) = build_issues([root], options)
        assert done.error is None, done.error
    said = {path.name: path.read_text().split() for path in seen.iterdir()}
    assert said["web"] == ["None", str(os.getpid())]
    readers, pid = said["print"]
    assert int(pid) != os.getpid()
    assert readers == ("1" if cores == 2 else "2")
    palettes = (tmp_path / "palettes").read_text(encoding="utf-8").split("\n")[:-1]
    assert palettes == [f"srgb {os.getpid()}", f"cmyk {pid}"]


@pytest.mark.pdf
def test_a_recorded_fit_beats_a_kept_fit_that_chose_otherwise(tmp_path: Path) -> None:
    """A build folder keeps the fit of the very same sources; the record, pulled since,
    chose otherwise (a paragraph's spacing, say): the record is laid out, and stays as it
    was, rather than the kept fit written over it."""
    root = write_issue(tmp_path / "issue", WITH_ADDRESS)
    options = Options(variants=("web",), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([root], options)
    assert done.error is None
    record = root / copyfit.RECORD
    first = copyfit._LAST[str(root / "issue.toml")]
    assert not first.sets and first.texts
    source = first.texts[0][0]  # a paragraph the fit names: set in the second spacing
    theirs = dataclasses.replace(first, sets=((source, 2),))
    copyfit._write_record(tmp_path / "theirs.json", theirs)
    (tmp_path / "theirs.json").replace(record)
    copyfit._LAST.clear()
    copyfit._MEMORY.clear()  # a new process; the build folder keeps the first fit
    (done,) = build_issues([root], options)
    assert done.error is None and not done.results[0].cached
    now = copyfit._LAST[str(root / "issue.toml")]
    assert now.hinted and now.sets == ((source, 2),)
    assert f'["{source}", 2]' in record.read_text(encoding="utf-8")


def test_a_damaged_last_fit_is_fitted_from_scratch(tmp_path: Path) -> None:
    """A last fit that cannot be read (a build killed while writing it, a file edited by
    hand) costs a fit from scratch, not the build."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("Premier", SENTENCE * 8)})
    cache = tmp_path / "cache"
    copyfit.keep(cache, "0" * 64, copyfit.Fit(starts=("premier",)), (root / "issue.toml", "x"))
    copyfit._LAST.clear()
    (kept,) = (cache / copyfit.LAST).iterdir()
    assert copyfit.last(root / "issue.toml", "x", cache) == copyfit.Fit(starts=("premier",))
    good = json.loads(kept.read_text(encoding="utf-8"))
    damaged = [
        '{"starts": ["premier"]',  # cut short
        '{"starts": 3}',
        "\x00",
        *(
            json.dumps({**good, **change})
            for change in (
                {"whole": [["p"]]},  # a word kept whole without its place
                {"whole": [["p", "articles/01-a.md:3", "mot", "0"]]},
                {"sets": [["articles/01-a.md:3", True]]},
                {"pages": "4"},
                {"code": "0" * 64},  # written by another version of copyfit
            )
        ),
    ]
    record = root / copyfit.RECORD
    recorded = record.read_text(encoding="utf-8")
    record.unlink()
    for text in damaged:
        kept.write_text(text, encoding="utf-8")
        assert copyfit.last(root / "issue.toml", "x", cache) is None, text
    # The record, damaged likewise, or naming a spacing bulletin.css does not have; but
    # written by another version of bippdf, it is tried (laid out, the rules checked).
    kept.unlink()
    spacing = {"sets": [["articles/01-a.md:3", justification.VARIANTS + 1]]}
    for text in [*damaged[:-1], json.dumps({**json.loads(recorded), **spacing})]:
        record.write_text(text, encoding="utf-8")
        assert copyfit.last(root / "issue.toml", "x", cache) is None, text
    record.write_text(json.dumps({**json.loads(recorded), "code": "0" * 64}), encoding="utf-8")
    assert copyfit.last(root / "issue.toml", "x", cache) == copyfit.Fit(starts=("premier",))


def test_no6_fits_in_whole_sheets(issue6: BuiltIssue, issue6_web: WebIssue) -> None:
    """No. 6 on 24 pages, print and web alike: no blank page before the back cover, no
    page of articles under half full (the check's figures)."""
    assert issue6.result.pages == issue6_web.results[0].pages == 24
    assert issue6.result.padding == 0
    (fill,) = [check for check in issue6.result.check.checks if check.name == "fill"]  # type: ignore[union-attr]
    assert fill.figures["least_filled"] >= copyfit.HALF


def _with_a_picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int) -> Path:
    """An issue whose second article shows a picture, built on ``cores`` cores."""
    from PIL import Image

    picture = "\n\n![Un carré bleu.](../images/a.png)\n\n"
    texts = {**WITH_ADDRESS, "02-b.md": article("Second", SENTENCE * 4 + picture + SENTENCE * 4)}
    root = write_issue(tmp_path / "issue", texts)
    (root / "images").mkdir()
    Image.new("RGB", (900, 600), "#2f6f9f").save(root / "images" / "a.png", dpi=(300, 300))
    on_cores(monkeypatch, cores)
    return root


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.parametrize("cores", [1, 2])
def test_a_print_pdf_alone_is_written_from_the_fit_s_last_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """The print PDF alone: the fit's trials are laid out with its own stylesheets (its
    picture separated), side by side where there are cores (then some in the process
    beside this one, pipeline.Lane), and the PDF is written from the last, in the process
    that laid it out, with nothing laid out after the fit. It is the print PDF of a build
    of both, byte for byte, whose trials are the web PDF's."""
    root = _with_a_picture(tmp_path, monkeypatch, cores)

    def build(variants: tuple[str, ...], folder: str) -> bytes:
        copyfit._MEMORY.clear()
        copyfit._LAST.clear()
        options = Options(variants=variants, cover=False, build_dir=tmp_path / folder)
        (done,) = build_issues([root], options)
        assert done.error is None, done.error
        return done.results[0].output.read_bytes()

    both = build(("print", "web"), "both")
    (root / copyfit.RECORD).unlink()  # fitted from scratch again: trials side by side
    log = tmp_path / "layouts.txt"  # from every process: trials may be laid out in forked ones
    lay_out, take = Engine.lay_out, Engine._take

    def logged(engine: Engine, html: str, **options: Any) -> Any:
        with log.open("a", encoding="utf-8") as out:
            out.write(options.get("variant", "web") + "\n")
        return lay_out(engine, html, **options)

    def taken(engine: Engine, job: Any) -> Any:
        kept = take(engine, job)
        if kept is None:
            with log.open("a", encoding="utf-8") as out:
                out.write("laid out again\n")
        return kept

    monkeypatch.setattr(Engine, "lay_out", logged)
    monkeypatch.setattr(Engine, "_take", taken)
    alone = build(("print",), "alone")
    said = log.read_text(encoding="utf-8").split()
    assert said and set(said) == {"print"}, said
    assert alone == both


def _asked_of_the_tighter_set(monkeypatch: pytest.MonkeyPatch, events: list[Any]) -> None:
    """Each trial of the text set tighter the fit asks for, told to ``events`` as
    ("asked", how many words it keeps whole)."""
    asked = copyfit._Trials.measure

    def asking(trials: Any, starts: Any, tight: bool, whole: Any = (), loose: Any = ()) -> Any:
        if tight:
            events.append(("asked", len(whole)))
        return asked(trials, starts, tight, whole, loose)

    monkeypatch.setattr(copyfit._Trials, "measure", asking)


def _excerpt_fitted(root: Path, build: Callable[[Path, Options], Any]) -> tuple[bytes, str]:
    """No. 6's three-article excerpt in ``root``, fitted from scratch, its print PDF built
    alone: the PDF and the fit recorded."""
    copyfit._MEMORY.clear()
    copyfit._LAST.clear()
    folder = no6_excerpt(root)
    (folder / copyfit.RECORD).unlink()
    options = Options(variants=("print",), cover=False, build_dir=root / "b")
    result = build(folder, options)
    return result.output.read_bytes(), (folder / copyfit.RECORD).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def excerpt_fitted_here(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[tuple[bytes, str], list[tuple[str, int]]]:
    """``_excerpt_fitted`` on two cores with every trial laid out in this process
    (``schedule``, no process beside), and the trials of the tighter set it asked for.
    Once for the module's tests that compare with it."""

    def build(folder: Path, options: Options) -> Any:
        (done,) = build_issues([folder], options)
        assert done.error is None, done.error
        return done.results[0]

    events: list[tuple[str, int]] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        on_cores(monkeypatch, 2)
        monkeypatch.setattr(schedule, "_guessed", lambda jobs, spare, options: [])
        _asked_of_the_tighter_set(monkeypatch, events)
        monkeypatch.setattr(pipeline.Lane, "restart", lambda *args: pytest.fail("beside"))
        fitted = _excerpt_fitted(tmp_path_factory.mktemp("here"), build)
    return fitted, events


@pytest.mark.pdf
@pytest.mark.parametrize(
    "case", ["beside", "failing", pytest.param("unforked", marks=pytest.mark.slow)]
)
def test_a_pdf_alone_has_the_tighter_set_s_trials_laid_out_beside_and_written_there(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    excerpt_fitted_here: tuple[tuple[bytes, str], list[tuple[str, int]]],
    case: str,
) -> None:
    """The print PDF alone, fitted from scratch on two cores (pipeline.build, as
    ``build_pdf``): the text set tighter is laid out in a process beside this one while
    the usual set is laid out here; its words kept whole are then laid out there, from
    its pages, the first before they are asked for, and its PDF is written there. Three
    articles of No. 6, whose fit sets the text tighter. The PDF and the fit recorded are
    those of a build with every trial laid out here (``schedule``, no process beside),
    byte for byte, which asked for the same trials; so are they when the process beside
    fails to answer, or cannot be forked (then the trials are laid out here)."""
    monkeypatch.setattr(pipeline, "usable_cores", lambda: 2)
    # What the fit asks for of the text set tighter (its words kept whole: how many), what
    # is sent to the process beside and measured there, and whether it holds the fit.
    events: list[tuple[str, int]] = []
    restart, measure, holds = pipeline.Lane.restart, pipeline.Lane.measure, pipeline.Lane.holds

    def sent(lane: pipeline.Lane, html: str | None) -> None:
        if html is not None and html != lane.html:
            events.append(("sent", html.count(f'<span class="{hyphenation.WHOLE}">')))
        restart(lane, html)

    def measured(lane: pipeline.Lane, html: str, trial: copyfit.Fit) -> Any:
        events.append(("beside", len(trial.whole)))
        return measure(lane, html, trial)

    monkeypatch.setattr(pipeline.Lane, "restart", sent)
    monkeypatch.setattr(pipeline.Lane, "measure", measured)
    monkeypatch.setattr(pipeline.Lane, "holds", lambda lane: events.append(("holds", holds(lane))))
    _asked_of_the_tighter_set(monkeypatch, events)
    if case == "failing":

        def failing(*args: Any) -> Any:
            raise RuntimeError("aucune réponse")

        monkeypatch.setattr(pipeline.Lane, "_measure", failing)
    if case == "unforked":

        def unforked(*args: Any) -> None:
            raise OSError("Resource temporarily unavailable")

        monkeypatch.setattr(forked.Follower, "__init__", unforked)

    beside = _excerpt_fitted(tmp_path, lambda folder, options: pipeline.build(folder, options)[0])
    fit = copyfit._LAST[str(tmp_path / ISSUE_6.name / "issue.toml")]
    assert fit.tight and len(fit.whole) > 0
    # (The words kept whole: twice, in this fit.)
    whole = sorted({len(fit.whole), *(n for kind, n in events if kind == "asked" and n)})
    if case == "beside":
        assert [event for event in events if event[0] in ("beside", "holds")] == [
            ("beside", 0),
            *(("beside", n) for n in whole),
            ("holds", True),
        ], events
        # The first words kept whole sent as soon as the tighter set was laid out, before
        # the fit asked for them.
        assert events.index(("sent", whole[0])) < events.index(("asked", whole[0])), events
    else:  # sent and asked once, then no more: every trial laid out here
        assert [event for event in events if event[0] != "asked"] == [
            ("sent", 0),
            ("beside", 0),
            ("holds", False),
        ], events
    here, asked_here = excerpt_fitted_here
    assert beside == here
    assert [event for event in events if event[0] == "asked"] == asked_here


def test_the_trial_after_the_tighter_set_is_laid_out_beside_only_when_it_is_likelier(
    tmp_path: Path,
) -> None:
    """What the process beside is sent once the usual and the tighter set are laid out
    (``_Trials.ready_beside``): the tighter set's words kept whole, or its articles set
    looser first, when it scores better than the usual set and its page starts hold;
    nothing otherwise, nor when the process beside did not lay it out. (The trials'
    measures are set here: what is tested is the choice, not a layout.)"""
    html = compose(write_issue(tmp_path / "issue", WITH_ADDRESS)).composition.html
    articles = copyfit._article_ids(html)
    first = (articles[0],)

    class Beside:
        def __init__(self) -> None:
            self.html = ""
            self.sent: list[str] = []

        def restart(self, html: str | None) -> None:
            assert html is not None
            self.sent.append(html)
            self.html = html

        def measure(self, html: str, trial: copyfit.Fit) -> Any:
            raise AssertionError("nothing is measured")

    def sent(usual_padding: int, ending: list[str], under: float, there: bool = True) -> list[str]:
        beside = Beside()
        trials = copyfit._Trials(html, lambda html: None, cores=2, beside=beside)
        usual, tighter = (trials.trial(first, tight) for tight in (False, True))
        laid_out = {
            usual: dataclasses.replace(usual, pages=24, padding=usual_padding),
            tighter: dataclasses.replace(tighter, pages=24),
        }
        for trial, fit in laid_out.items():
            trials._measured[trial] = (fit, {}, {name: under for name in articles})
            trials.faults[fit] = {("p", "articles/a.md:3", "paragraphe", 0)}
            trials.ending[fit] = ending
        beside.restart(copyfit.apply(html, tighter if there else usual))
        beside.sent.clear()
        trials.ready_beside(tighter, usual, articles)
        return beside.sent

    whole = (("p", "articles/a.md:3", "paragraphe", 0),)
    kept_whole = copyfit.Fit(first, True, whole=whole)
    assert sent(2, [], 9) == [copyfit.apply(html, kept_whole)]
    assert sent(2, articles[1:2], 9) == [
        copyfit.apply(html, copyfit.Fit(first, True, loose=tuple(articles[1:2])))
    ]
    assert sent(0, [], 9) == []  # the usual set scores as well: it is chosen
    assert sent(2, [], 1) == []  # the tighter set's page starts are settled first
    assert sent(2, [], 9, there=False) == []


@pytest.mark.slow
@pytest.mark.pdf
def test_the_print_and_web_stylesheets_lay_the_text_out_line_for_line_alike(
    tmp_path: Path,
) -> None:
    """What a fit reads of a trial is the same whichever PDF's stylesheets lay it out
    (pipeline.trial_variant): every paragraph's lines, where each article begins, the
    pages under half full, the words broken badly and the page count. Three articles of
    No. 6, as recorded with it and with every article starting a page, set loose."""
    from bippdf import hyphenation, lines

    root = no6_excerpt(tmp_path)
    composed = compose(root)
    html = composed.composition.html
    articles = tuple(match[2] for match in copyfit._ARTICLE.finditer(html))
    recorded = copyfit._parsed((ISSUE_6 / copyfit.RECORD).read_text(encoding="utf-8"))
    assert recorded is not None and len(articles) == 3
    engine = Engine()
    for fit in (recorded, copyfit.Fit(starts=articles, tight=False)):
        trial = copyfit.apply(html, fit)
        read = []
        for variant in ("web", "print"):
            document = engine.lay_out(
                trial, base_url=root, variant=variant, files=composed.composition.resources
            )
            paragraphs = list(lines.paragraphs(document))
            measured = copyfit._measure(document)
            read.append((paragraphs, measured, hyphenation.faults(document), len(document.pages)))
        assert read[0][0] and read[0][1][0], fit  # lines and articles were read
        assert read[0] == read[1], fit


@pytest.mark.pdf
def test_a_picture_that_cannot_be_separated_before_trials_are_forked_is_said_by_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The print PDF alone, on two cores: its pictures are separated before the trials
    are forked (Engine.decode_pictures). One that fails there is left for the layouts,
    which say it as a build error, never as a traceback."""
    from bippdf import colour
    from bippdf.errors import BippdfError

    root = _with_a_picture(tmp_path, monkeypatch, 2)
    decoded: list[str] = []
    decode = Engine.decode_pictures
    monkeypatch.setattr(
        Engine,
        "decode_pictures",
        lambda engine, files, **options: (
            decoded.append(options["variant"]) or decode(engine, files, **options)
        ),
    )

    def broken(data: bytes) -> bytes:
        raise OSError("image tronquée")

    monkeypatch.setattr(colour, "separate", broken)
    options = Options(variants=("print",), cover=False, build_dir=tmp_path / "build")
    (done,) = build_issues([root], options)
    assert decoded == ["print"]
    assert isinstance(done.error, BippdfError), done.error
    assert done.error.path == root / "images" / "a.png"
    assert "convertie en CMJN" in done.error.message
