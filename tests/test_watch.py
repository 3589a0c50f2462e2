"""``bippdf watch``: a save rebuilds the issue; an error is reported and watching goes on."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bippdf.check.readback import read_pdf
from bippdf.errors import BuildError
from bippdf.pipeline import Options
from bippdf.schedule import IssueBuild
from bippdf.watch import Watcher

from .conftest import article, write_issue

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


def test_outputs_and_editor_files_do_not_trigger_a_rebuild(tmp_path: Path) -> None:
    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    watcher = Watcher(issue, Options(build_dir=issue / "build", output=issue / "a.pdf"))
    assert watcher._wanted(None, str(issue / "articles" / "01-a.md"))
    assert not watcher._wanted(None, str(issue / "a.pdf"))
    assert not watcher._wanted(None, str(issue / "build" / "x" / "BIP-01-web.pdf"))
    assert not watcher._wanted(None, str(issue / "articles" / ".01-a.md.swp"))
    assert not watcher._wanted(None, str(issue / "articles" / "01-a.md~"))
    single = tmp_path / "notes.md"
    single.write_text("# Notes\n", encoding="utf-8")
    alone = Watcher(single)
    # its folder is watched (a save that writes a new file over the old one is seen) ...
    assert alone.paths()[0] == tmp_path
    # ... but only the file itself and its images count
    assert alone._wanted(None, str(single))
    assert alone._wanted(None, str(tmp_path / "images" / "photo.jpg"))
    assert not alone._wanted(None, str(tmp_path / "autre.md"))


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


def test_a_broken_stylesheet_is_reported_and_watching_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bippdf.render import Engine

    def broken() -> None:
        raise BuildError("la feuille de style bulletin.css ne peut pas être chargée")

    issue = write_issue(tmp_path / "issue", {"01-a.md": article("A", "Texte.\n")})
    watcher = Watcher(issue, Options(variants=("web",), cover=False, output=tmp_path / "a.pdf"))
    monkeypatch.setattr(Engine, "preload", lambda engine, variants: broken())
    done = watcher._rebuild_or_say_why()
    assert done.error is not None and "bulletin.css" in str(done.error)


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
