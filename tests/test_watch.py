"""``bippdf watch``: a save rebuilds the issue; an error is reported and watching goes on.

Each test runs the watcher's own loop in a thread and saves real files; every wait
for a build is bounded.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from bippdf import collector, copyfit
from bippdf.check.readback import read_pdf
from bippdf.copyfit import RECORD
from bippdf.pipeline import Options
from bippdf.render import Engine
from bippdf.schedule import IssueBuild
from bippdf.watch import Watcher

from .conftest import EXCERPT, article, no6_excerpt, stopped_watch, write_issue

pytestmark = pytest.mark.pdf  # every test here lays out PDFs

WAIT = 120  # seconds: a rebuild of a one-page issue takes one or two


@contextmanager
def watching(watcher: Watcher) -> Iterator[Callable[[], IssueBuild]]:
    """Run ``watcher`` in a thread; the function given waits for its next build. On
    leaving, watching stops and the thread ends."""
    builds: queue.Queue[IssueBuild] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(builds.put,), kwargs={"stop": stop})
    thread.start()
    try:
        yield lambda: builds.get(timeout=WAIT)
    finally:
        stop.set()
        thread.join(timeout=WAIT)
    assert not thread.is_alive()


@pytest.mark.slow
def test_a_save_rebuilds_and_an_error_does_not_stop_watching(tmp_path: Path) -> None:
    issue = write_issue(tmp_path / "2020-03-numero-01", {"01-a.md": article("A", "Le chat.\n")})
    source = issue / "articles" / "01-a.md"
    output = tmp_path / "out.pdf"
    watcher = Watcher(issue, Options(variants=("web",), cover=False, output=output))
    with watching(watcher) as next_build:
        first = next_build()
        assert first.error is None and "Le chat." in " ".join(read_pdf(output).texts)

        source.write_text(article("A", "Le chien.\n"), encoding="utf-8")
        second = next_build()
        assert second.error is None and not second.results[0].cached
        assert "Le chien." in " ".join(read_pdf(output).texts)
        good = output.read_bytes()

        source.write_text(article("A", "Le chien[^x].\n"), encoding="utf-8")
        third = next_build()
        assert third.error is not None
        assert "la note [^x] est appelée mais jamais définie" in str(third.error)
        assert output.read_bytes() == good  # the last good PDF stays

        source.write_text(article("A", "Le loup.\n"), encoding="utf-8")
        fourth = next_build()
        assert fourth.error is None and "Le loup." in " ".join(read_pdf(output).texts)


@pytest.mark.slow
def test_what_a_build_leaves_is_set_aside_until_watching_ends(tmp_path: Path) -> None:
    """Once a build is reported, what is left of it is set aside from the collector
    (``settle``), so that the next rebuild's collections do not walk the last layout
    again, and says so to the builds, which then do not count it (collector.leave_aside);
    when watching ends, nothing stays set aside."""
    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Le chat.\n")})
    source = issue / "articles" / "01-a.md"
    set_aside: list[int] = []
    said: list[bool] = []

    def reported(build: IssueBuild) -> None:  # in the watching thread, before settle
        set_aside.append(gc.get_freeze_count())
        said.append(collector._left_aside)
        builds.put(build)

    builds: queue.Queue[IssueBuild] = queue.Queue()
    stop = threading.Event()
    watcher = Watcher(issue, Options(variants=("web",), cover=False, output=tmp_path / "o.pdf"))
    assert gc.get_freeze_count() == 0
    thread = threading.Thread(target=watcher.run, args=(reported,), kwargs={"stop": stop})
    thread.start()
    try:
        assert builds.get(timeout=WAIT).error is None
        source.write_text(article("A", "Le chien.\n"), encoding="utf-8")
        assert builds.get(timeout=WAIT).error is None
    finally:
        stop.set()
        thread.join(timeout=WAIT)
    assert set_aside[0] == 0 < set_aside[1]  # the first build's leftovers, set aside
    assert said == [False, True]
    assert gc.get_freeze_count() == 0 and not collector._left_aside


class Recording(Watcher):
    """A watcher that keeps, for each of its builds, the files whose saves started it."""

    def __init__(self, issue: Path, options: Options, **keywords: Any) -> None:
        super().__init__(issue, options, **keywords)
        self.started_by: list[set[Path]] = []

    def rebuild(self, changed: Iterable[Path] = ()) -> IssueBuild:
        changed = list(changed)
        self.started_by.append({path.resolve() for path in changed})
        return super().rebuild(changed)


@pytest.mark.slow
def test_outputs_and_editor_files_do_not_trigger_a_rebuild(tmp_path: Path) -> None:
    """The PDF and the build folder inside the issue's folder, an editor's swap and backup
    files, the issue's fit as a build records it: saved before an article, none of them
    starts a build, alone or with it."""
    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Le chat.\n")})
    source = issue / "articles" / "01-a.md"
    output = issue / "a.pdf"
    watcher = Recording(
        issue, Options(variants=("web",), cover=False, build_dir=issue / "build", output=output)
    )
    with watching(watcher) as next_build:
        assert next_build().error is None  # it wrote a.pdf in the watched folder
        (issue / "build" / "x").mkdir(parents=True)
        (issue / "build" / "x" / "BIP-01-web.pdf").write_bytes(b"%PDF-")
        (issue / "articles" / ".01-a.md.swp").write_bytes(b"swap")
        (issue / "articles" / "01-a.md~").write_text("sauvegarde", encoding="utf-8")
        copyfit._write_record(issue / RECORD, copyfit.Fit(starts=("a",)))  # as a build does
        output.touch()
        source.write_text(article("A", "Le chien.\n"), encoding="utf-8")
        assert next_build().error is None
    assert watcher.started_by == [set(), {source.resolve()}]
    assert "Le chien." in " ".join(read_pdf(output).texts)


def test_the_issue_s_fit_changed_by_someone_else_is_a_save_that_matters(tmp_path: Path) -> None:
    """The issue's fit, recorded by this process's build, starts no build; changed since
    by someone else (a pull, another branch) or deleted (for a fit made anew), it does,
    and the next build lays the issue out with it, not with this process's last fit."""
    from watchfiles import Change

    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Le chat.\n")})
    record, toml = issue / RECORD, issue / "issue.toml"
    watcher = Recording(issue, Options(variants=("web",), cover=False, build_dir=tmp_path / "b"))
    mine, theirs = copyfit.Fit(starts=("a",)), copyfit.Fit(starts=("a",), tight=True)
    copyfit.keep(tmp_path / "cache", "0" * 64, mine, (toml, "issue"))
    assert not watcher._wanted(Change.modified, str(record))
    assert copyfit.last(toml, "issue") is mine
    copyfit._write_record(tmp_path / "ailleurs.json", theirs)
    (tmp_path / "ailleurs.json").replace(record)
    assert watcher._wanted(Change.modified, str(record))
    assert copyfit.last(toml, "issue") == theirs
    copyfit.keep(tmp_path / "cache", "0" * 64, mine, (toml, "issue"))
    record.unlink()
    assert watcher._wanted(Change.deleted, str(record))
    assert copyfit.last(toml, "issue") is None  # fitted anew


@pytest.mark.slow
def test_a_single_file_rebuilds_for_itself_and_its_images_only(tmp_path: Path) -> None:
    """Its folder is watched (a save that writes a new file over the old one is seen), but
    another Markdown file saved there does not start a build; an image does."""
    single = tmp_path / "notes.md"
    single.write_text("# Notes\n\nPremier jet.\n", encoding="utf-8")
    (tmp_path / "images").mkdir()
    output = tmp_path / "out" / "notes.pdf"
    watcher = Recording(
        single, Options(variants=("web",), cover=False, build_dir=tmp_path / "build", output=output)
    )
    with watching(watcher) as next_build:
        assert next_build().error is None
        (tmp_path / "autre.md").write_text("# Autre\n", encoding="utf-8")
        photo = tmp_path / "images" / "photo.jpg"
        Image.new("RGB", (40, 30), (90, 120, 160)).save(photo)
        assert next_build().error is None
        single.write_text("# Notes\n\nDeuxième jet.\n", encoding="utf-8")
        assert next_build().error is None
    assert watcher.started_by == [set(), {photo.resolve()}, {single.resolve()}]
    assert "Deuxième jet." in " ".join(read_pdf(output).texts)


@pytest.mark.slow
def test_a_save_that_replaces_a_single_file_is_seen(tmp_path: Path) -> None:
    """Editors save by writing a new file and renaming it over the old one."""
    single = tmp_path / "notes.md"
    single.write_text("# Notes\n\nPremier jet.\n", encoding="utf-8")
    output = tmp_path / "out" / "notes.pdf"
    watcher = Watcher(single, Options(variants=("web",), cover=False, output=output))
    with watching(watcher) as next_build:
        assert next_build().error is None
        for text in ("Deuxième jet.", "Troisième jet."):
            draft = tmp_path / ".notes.md.tmp"
            draft.write_text(f"# Notes\n\n{text}\n", encoding="utf-8")
            draft.replace(single)
            assert next_build().error is None
            assert text in " ".join(read_pdf(output).texts)


@pytest.mark.slow
def test_a_broken_stylesheet_is_reported_and_watching_goes_on(
    tmp_path: Path, own_styles: Path
) -> None:
    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    output = tmp_path / "a.pdf"
    stylesheet = own_styles / "bulletin.css"
    good = stylesheet.read_text(encoding="utf-8")
    watcher = Recording(issue, Options(variants=("web",), cover=False, output=output))
    with watching(watcher) as next_build:
        assert next_build().error is None
        pdf = output.read_bytes()

        stylesheet.write_text("@import url(absente.css);\n" + good, encoding="utf-8")
        broken = next_build()
        assert broken.error is not None
        assert "la feuille de style bulletin.css ne peut pas être chargée" in str(broken.error)
        assert "absente.css" in str(broken.error)
        assert output.read_bytes() == pdf  # the last good PDF stays

        stylesheet.write_text(good.replace("color: var(--navy)", "color: var(--accent)"), "utf-8")
        mended = next_build()
        assert mended.error is None and not mended.results[0].cached
    assert watcher.started_by == [set(), {stylesheet.resolve()}, {stylesheet.resolve()}]
    assert output.read_bytes() != pdf  # the styles were parsed again: titles in the accent


@pytest.mark.slow
def test_a_save_made_during_the_first_build_is_built_next(tmp_path: Path) -> None:
    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Le chat.\n")})
    source = issue / "articles" / "01-a.md"
    output = tmp_path / "out.pdf"

    def saved_meanwhile(*_: object) -> None:  # while the first build writes its PDF
        if "chat" in source.read_text(encoding="utf-8"):
            source.write_text(article("A", "Le renard.\n"), encoding="utf-8")

    watcher = Watcher(
        issue, Options(variants=("web",), cover=False, output=output), on_file=saved_meanwhile
    )
    with watching(watcher) as next_build:
        assert next_build().error is None
        assert next_build().error is None  # no other save: this one was seen
        assert "Le renard." in " ".join(read_pdf(output).texts)


@pytest.mark.slow
def test_a_draft_watch_says_what_it_skips_and_does_not_check(tmp_path: Path) -> None:
    """``watch --draft``: said once at the start; each PDF written without its check and
    uncompressed, and its line says so."""
    root = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    stopped = stopped_watch(root, tmp_path / "build", "--draft", wait=WAIT)
    assert stopped.returncode == 0, stopped.err
    said = "brouillon : les PDF ne sont ni vérifiés ni compressés"
    assert stopped.err.count(said) == 1, stopped.err
    (done,) = [line for line in stopped.said if "-web.pdf" in line]
    assert done.rstrip().endswith(", non vérifié, non compressé"), done
    (web,) = (tmp_path / "build").rglob("*-web.pdf")
    assert all("/Filter" not in page["/Contents"].get_object() for page in PdfReader(web).pages)


@pytest.mark.slow
def test_an_edit_is_laid_out_from_the_last_layout_as_a_whole_layout_lays_it_out(
    tmp_path: Path,
) -> None:
    """watch lays out only the pages an edit of the text changes (relayout.py), the print
    PDF's as well as the web PDF's: both are those a watch laying out every page writes,
    byte for byte."""
    issue = no6_excerpt(tmp_path)
    edited = issue / "articles" / EXCERPT[1]

    def watcher(folder: str, **keywords: Any) -> Watcher:
        options = Options(variants=("print", "web"), cover=False, build_dir=tmp_path / folder)
        return Watcher(issue, options, **keywords)

    resumed, whole = watcher("resumed"), watcher("whole", engine=Engine())
    assert resumed.engine.incremental and not whole.engine.incremental
    for changed in ([], [edited]):
        if changed:
            text = edited.read_text(encoding="utf-8")
            edited.write_text(text.replace(" la ", " cette ", 1), encoding="utf-8")
        layouts = len(resumed.engine.remade)
        built = [resumed.rebuild(changed), whole.rebuild(changed)]
        assert [build.error for build in built] == [None, None]
        for mine, theirs in zip(built[0].results, built[1].results, strict=True):
            assert not mine.cached and mine.output.read_bytes() == theirs.output.read_bytes()
    pages = max(result.pages for result in built[0].results)
    # The fit's trial and the print PDF, each laid out from its last layout.
    assert len(resumed.engine.remade) - layouts >= 2
    assert all(0 < remade < pages for remade in resumed.engine.remade[layouts:])
    assert whole.engine.remade == []  # it laid out every page, as builds do
