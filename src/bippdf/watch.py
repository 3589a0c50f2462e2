"""``bippdf watch``: build an issue again each time one of its files is saved.

One process stays alive: WeasyPrint is imported, the fonts loaded and the
stylesheets parsed once, so a rebuild costs the pages' layout, the PDF's
writing and its check; and after an edit of the text, the pages are laid out
from the last layout, only those the edit changes made again (relayout.py), and
the lines of the pages kept are written as the last PDF drew them (redraw.py). A
change to ``styles/`` makes the stylesheets be parsed again. Errors are reported
and watching goes on; the last good PDF stays.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .collector import give_back, leave_aside
from .copyfit import record_changed
from .errors import BippdfError, internal
from .pipeline import Options
from .render import Engine
from .resources import record_of, styles_dir
from .schedule import IssueBuild, OnFile, build_issues
from .source import ISSUE_FILE

DEBOUNCE_MS = 1000  # the longest changes are gathered before a rebuild
QUIET_MS = 150  # a rebuild starts once nothing has been saved for this long
IDLE_MS = 250  # how often the watch wakes up when nothing is saved


class Watcher:
    """An issue, rebuilt in this process whenever its sources or the styles change."""

    def __init__(
        self,
        issue: Path,
        options: Options = Options(),
        *,
        on_file: OnFile | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.issue = issue
        self.options = options
        self.on_file = on_file
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The engine every rebuild renders with, made at the first build."""
        if self._engine is None:
            self._engine = Engine(incremental=True)
        return self._engine

    def paths(self) -> list[Path]:
        """What is watched: the issue's folder and the styles. For a single Markdown file,
        its folder too (editors save by writing a new file over the old one, which a watch
        on the file itself would lose), of which only the file and images/ count."""
        folder = self.issue if self.issue.is_dir() else self.issue.parent
        return [folder, styles_dir()]

    def rebuild(self, changed: Iterable[Path] = ()) -> IssueBuild:
        """Build the issue now (what is up to date is not built again)."""
        styles = styles_dir().resolve()
        if any(styles in path.resolve().parents for path in changed):
            self.engine.reload()
        (done,) = build_issues([self.issue], self.options, engine=self.engine, on_file=self.on_file)
        return done

    def settle(self) -> None:
        """Once a rebuild is reported, while nothing is saved: the cyclic garbage of the
        builds before collected, and what is left (the last layout, its drawings, the
        fonts, WeasyPrint) set aside, so that the next rebuild's collections walk only
        what it makes. Walking it took 0.1–0.3 s of a rebuild of No. 6's web PDF."""
        leave_aside()

    def run(
        self,
        on_build: Callable[[IssueBuild], None],
        *,
        stop: threading.Event | None = None,
    ) -> None:
        """Build, then build again after every save until ``stop`` is set; Ctrl-C raises
        ``KeyboardInterrupt``."""
        import watchfiles

        # Watching starts before the first build, so that a save made while it runs is
        # built next; the watch wakes up every IDLE_MS with nothing, the first time to build.
        first = True
        try:
            for changes in watchfiles.watch(
                *self.paths(),
                watch_filter=self._wanted,
                debounce=DEBOUNCE_MS,
                step=QUIET_MS,
                stop_event=stop,
                raise_interrupt=True,  # watchfiles would say so in English; the caller, in French
                rust_timeout=IDLE_MS,
                yield_on_timeout=True,
            ):
                if first or changes:
                    on_build(self._rebuild_or_say_why(Path(path) for _, path in changes))
                    self.settle()
                first = False
        finally:
            give_back()  # what was set aside is collected as everything else again

    def _rebuild_or_say_why(self, changed: Iterable[Path] = ()) -> IssueBuild:
        """A rebuild whose failure, whatever it is, is reported and does not end watching."""
        try:
            return self.rebuild(changed)
        except BippdfError as error:  # the engine or a build process failed
            return IssueBuild(self.issue, error=error)
        except Exception as exc:  # a bug of bippdf's: said in one line, watching goes on
            return IssueBuild(self.issue, error=internal(exc))

    def _wanted(self, change: object, path: str) -> bool:
        """Saves that matter: not editors' temporary files, not our own outputs (the PDFs,
        the issue's fit as this process recorded it: changed or deleted by someone else,
        it is the issue's to lay out with)."""
        import watchfiles

        if not watchfiles.DefaultFilter()(change, path):  # type: ignore[arg-type]
            return False
        resolved = Path(path).resolve()
        output = self.options.output
        if output is not None and _is_written_as(resolved, output.resolve()):
            return False
        record = record_of(self.issue)
        if record is not None and _is_written_as(resolved, record.resolve()):
            return resolved == record.resolve() and record_changed(record)
        build_dir = self.options.build_dir.resolve()
        if resolved == build_dir or build_dir in resolved.parents:
            return False
        if self.issue.is_file() and self.issue.name != ISSUE_FILE:  # a single Markdown file
            images = self.issue.parent.resolve() / "images"
            in_styles = styles_dir().resolve() in resolved.parents
            return resolved == self.issue.resolve() or images in resolved.parents or in_styles
        return True


def _is_written_as(path: Path, output: Path) -> bool:
    """Whether ``path`` is ``output`` or the temporary file it is written through
    (files.write_file): a build must not start the next one, over and over."""
    temporary = path.name.startswith(f".{output.name}.") and path.suffix == ".tmp"
    return path == output or (path.parent == output.parent and temporary)
