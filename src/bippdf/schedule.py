"""Many issues and their variants: the cache looked up, the layout spread over the cores.

Each issue goes through ``pipeline``'s steps: composed (in a forked process while this
one imports WeasyPrint, when it has it to import), its variants laid out and verified
side by side in processes forked once WeasyPrint, the fonts and the stylesheets are
loaded, then its files written and recorded in the cache. An issue that fails does not
stop the others; ``on_file`` is told as each file is written.

A build after an edit most often fits the issue as its last build did (copyfit.last):
its print PDF is then laid out from that fit on another core while the fit is made (and
laid out again from those pages for each trial of words kept whole after it), and kept
if the fit gives the same HTML, dropped otherwise. A build of the print PDF alone lays
the fit's trials out with its own stylesheets, and writes it from the last (as does a
build of the web PDF alone): here, or, when the fit from scratch chose the text set
tighter, in the process beside that laid that set out (pipeline.Lane).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, nullcontext, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache as build_cache
from . import pipeline
from .collector import collected_less_often, set_aside
from .errors import BippdfError, BuildError
from .pipeline import BuildResult, Composed, Made, Options
from .resources import ISSUE_FILE, give_back_freed_memory, styles_dir, usable_cores

if TYPE_CHECKING:
    from mmap import mmap
    from queue import Queue
    from threading import Thread

    from . import online
    from .render import Engine

OnFile = Callable[[Path, BuildResult], None]


@dataclass
class IssueBuild:
    """One issue of a build of several: its files, or why it failed."""

    path: Path
    results: list[BuildResult] = field(default_factory=list)
    error: BippdfError | None = None


@dataclass
class _Pending:
    """An issue composed, its variants being laid out."""

    build: IssueBuild
    manifest: Path
    composed: Composed
    snapshot: _Snapshot  # of the files its pages use and styles/ (_record)
    made: list[Made] = field(default_factory=list)
    errors: list[BippdfError] = field(default_factory=list)
    cover: tuple[bytes, Made] | None = None  # made ahead (_cover_ahead), with its PDF


class _ScreensAhead:
    """The online edition's copies of the issues' images for screens (online.prepare),
    when the build makes it: in a thread, each issue's from the moment it is composed,
    while this one composes the next and loads the engine. One thread, the issues in
    turn: a few of them at once would hold as many issues' pictures decoded.

    In a build from the command line, made by the process that composed the issues
    (``sent``), while this one loads WeasyPrint, until the print PDF's process beside the
    fit starts (``hand_over``): that process makes the rest, last first, before its
    layout, and keeps them in the build folder's cache, where this one finds them. It
    lays out behind the web PDF's layout, and is told the lines that one breaks
    (linebreaking.Channel): they make up for the time. The process that composed would
    otherwise make them beside both layouts, on a core they need."""

    def __init__(self, options: Options) -> None:
        self.making = options.online and options.output is None
        # Where they are kept for the builds after this one, as the print PDF's pictures
        # separated to CMYK are (online._Shelf).
        self.folder = build_cache.screens(options.build_dir) if _caching(options) else None
        # The issues asked for, and the thread that makes their copies (the first asks).
        self._worker: tuple[Queue[Composed | None], Thread] | None = None
        self._sent: Callable[[], online.Prepared] | None = None
        # The issues whose copies the process that composed them makes, and a byte
        # shared with it, which this one sets to stop it (``hand_over``).
        self._issues: list[Composed] = []
        self._stop: mmap | None = None
        self._handed = False

    def ask(self, composed: Composed) -> None:
        """Make the issue's copies, after those asked before."""
        if not self.making:
            return
        if self._worker is None:
            # Imported here: a build found up to date asks for none.
            from queue import Queue
            from threading import Thread

            asked: Queue[Composed | None] = Queue()
            thread = Thread(
                target=self._make, args=(asked, self.folder), name="bippdf-screens", daemon=True
            )
            thread.start()
            self._worker = asked, thread
        self._worker[0].put(composed)

    @staticmethod
    def _make(asked: Queue[Composed | None], folder: Path | None) -> None:
        """The copies of each issue asked for, until told to stop (None)."""
        while (composed := asked.get()) is not None:
            _prepared([composed], folder)

    def made(self) -> None:
        """Wait for the copies asked for: before any process is forked (a thread holding
        a lock then would leave the child waiting for it for ever), and before an
        edition is written (the copies are kept for the process, not made to be shared
        between threads)."""
        if self._worker is not None:
            asked, thread = self._worker
            asked.put(None)
            thread.join()
            self._worker = None

    def stopped(self) -> Callable[[], bool]:
        """Before the process that composes is forked: what it asks before each image,
        whether to leave the rest to the print PDF's process (``hand_over``)."""
        import mmap

        self._stop = stop = mmap.mmap(-1, 1)  # anonymous and shared: seen by the child
        return lambda: stop[0] != 0

    def sent(self, prepared: Callable[[], online.Prepared], issues: list[Composed]) -> None:
        """The copies are being made by the process that composed the issues: ``kept``
        waits for them."""
        self._sent = prepared if self.making else None
        self._issues = issues

    def handing_over(self) -> bool:
        """Whether the process that composed the issues can leave the rest of their
        copies to another (``hand_over``): through the build folder's cache."""
        return self._sent is not None and self._stop is not None and self.folder is not None

    def hand_over(self) -> None:
        """The process that composed the issues stops after the image it is making: the
        print PDF's process, just forked, makes the rest (``rest``)."""
        if self.handing_over():
            assert self._stop is not None
            self._stop[0] = 1
            self._handed = True

    def rest(self) -> None:
        """In the print PDF's process, before its layout: the copies the process that
        composed the issues has not made, last first (it may be making the one before),
        kept in the build folder's cache. What fails here is made again, and said, when
        the edition is written."""
        _prepared(self._issues[::-1], self.folder, last_first=True)

    def kept(self) -> None:
        """Wait for the copies asked for, or sent from another process, and keep them
        here, with those the print PDF's process kept in the cache: before an edition
        is written."""
        self.made()
        if self._sent is not None:
            from . import online

            # What fails there is made again, and said, when the edition is written.
            with suppress(Exception):
                online.keep(self._sent())
            self._sent = None
        if self._handed:
            self._handed = False
            _prepared(self._issues, self.folder)  # read, or made here if that process could not


@dataclass(frozen=True)
class _Job:
    """One variant of one issue to lay out."""

    pending: _Pending
    variant: str


def find_issues(root: Path = Path("issues")) -> list[Path]:
    """Every issue folder under ``root`` (a folder holding an issue.toml), in order."""
    return sorted(path.parent for path in root.glob(f"*/{ISSUE_FILE}"))


def build_issues(
    paths: Sequence[Path],
    options: Options = Options(),
    *,
    engine: Engine | None = None,
    on_file: OnFile | None = None,
) -> list[IssueBuild]:
    """Build several issues. With ``options.cache``, an issue whose inputs and options
    are those of its last build, and whose files are still those it wrote, is not built
    again; the cache is kept in the build folder, so a build written elsewhere
    (``output``, ``html_output``) is always made."""
    use_cache = _caching(options)
    builds = [IssueBuild(path) for path in dict.fromkeys(paths)]
    with ExitStack() as children:
        screens = _ScreensAhead(options)
        engine, pending = _pending(builds, options, engine, screens, children, on_file)
        if not options.variants:  # the online edition alone: nothing to lay out
            screens.made()
            for item in pending:
                _finish(item, options, use_cache, on_file, screens)
        jobs = [_Job(item, variant) for item in pending for variant in options.variants]
        again: list[_Pending] = []
        for job, outcome in _run(jobs, options, engine, screens):
            if _all_made(job.pending, outcome, options):
                if pipeline.hint_refused(job.pending.composed, job.pending.errors):
                    again.append(job.pending)
                else:
                    _finish(job.pending, options, use_cache, on_file, screens)
        # The last fit's choices held for the fit, not for the check: fitted from scratch.
        for item in again:
            pipeline.refit(item.composed, options)
            item.made, item.errors, item.cover = [], [], None
        jobs = [_Job(item, variant) for item in again for variant in options.variants]
        for job, outcome in _run(jobs, options, engine, screens):
            if _all_made(job.pending, outcome, options):
                _finish(job.pending, options, use_cache, on_file, screens)
    return builds


def _pending(
    builds: list[IssueBuild],
    options: Options,
    engine: Engine | None,
    screens: _ScreensAhead,
    children: ExitStack,
    on_file: OnFile | None,
) -> tuple[Engine | None, list[_Pending]]:
    """The issues to build composed, each with its cache entry (those up to date told to
    ``on_file`` as they were written); an issue that fails to compose keeps its error.
    With an engine to load and a core to spare, composed in a forked process meanwhile
    (``_composed_while_loading``), which gives the engine; else here, in turn."""
    with build_cache.known_digests(options.build_dir) if _caching(options) else nullcontext():
        todo = _out_of_date(builds, options, on_file)
        if todo and engine is None and options.variants and usable_cores() > 1:
            engine, composed = _composed_while_loading(todo, options, screens, children)
        else:
            composed = _composed(todo, options, screens)
    pending: list[_Pending] = []
    for (issue_build, manifest), made in zip(todo, composed, strict=True):
        if isinstance(made, BippdfError):
            issue_build.error = made
        else:
            pending.append(_Pending(issue_build, manifest, *made))
    return engine, pending


def _out_of_date(
    builds: list[IssueBuild], options: Options, on_file: OnFile | None
) -> list[tuple[IssueBuild, Path]]:
    """The issues to build, with their cache entries; those up to date are told to
    ``on_file`` as they were written, and built no more."""
    todo: list[tuple[IssueBuild, Path]] = []
    for issue_build in builds:
        manifest = build_cache.manifest_path(
            options.build_dir, issue_build.path, _key(issue_build.path, options)
        )
        recorded = build_cache.fresh(manifest) if _caching(options) else None
        if recorded is None:
            todo.append((issue_build, manifest))
            continue
        issue_build.results = [_cached_result(result) for result in recorded]
        for result in issue_build.results:
            _notify(on_file, issue_build.path, result)
    return todo


def _caching(options: Options) -> bool:
    """Whether a build keeps what it made in its build folder's cache."""
    return options.cache and options.output is None and options.html_output is None


def _all_made(item: _Pending, outcome: Made | BippdfError, options: Options) -> bool:
    """Keep a variant's file or error; whether its issue's variants are all made. While
    others are still to come, the cover is made from this file if it is the cover's
    (``_cover_ahead``)."""
    if isinstance(outcome, BippdfError):
        item.errors.append(outcome)
    else:
        item.made.append(outcome)
    done = len(item.made) + len(item.errors) == len(options.variants)
    if not done:
        _cover_ahead(item, outcome, options)
    return done


def _key(path: Path, options: Options) -> dict[str, Any]:
    """The options, as the cache keys them; for a single Markdown file, the date it
    takes too (today's, or SOURCE_DATE_EPOCH's), which is printed in its PDF."""
    key: dict[str, Any] = {
        "variants": list(options.variants),
        "cover": options.cover,
        "online": options.online,
        "check": options.check,
        "compress": options.compress,
        "output": str(options.output.resolve()) if options.output else None,
        "html": str(options.html_output.resolve()) if options.html_output else None,
        "build_dir": str(options.build_dir.resolve()),
    }
    if path.suffix.lower() == ".md":
        from .source import default_date  # the sources' module: only for a Markdown file

        key["date"] = default_date().isoformat()
    return key


_Snapshot = dict[str, tuple[int, int, int]]
# An issue composed, with the snapshot of the files its pages use; or why it was not.
_Outcome = tuple[Composed, _Snapshot] | BippdfError


def _composed(
    todo: list[tuple[IssueBuild, Path]], options: Options, screens: _ScreensAhead | None
) -> list[_Outcome]:
    """Each issue composed in turn, here, its images' copies for screens begun as soon as
    it is (``_ScreensAhead``), if asked for."""
    outcomes: list[_Outcome] = []
    for issue_build, _ in todo:
        try:
            made = _compose(issue_build.path, options)
        except BippdfError as error:
            outcomes.append(error)
            continue
        outcomes.append(made)
        if screens is not None:
            screens.ask(made[0])
    return outcomes


def _composed_while_loading(
    todo: list[tuple[IssueBuild, Path]],
    options: Options,
    screens: _ScreensAhead,
    children: ExitStack,
) -> tuple[Engine | None, list[_Outcome]]:
    """The issues composed in a forked process while this one imports WeasyPrint (for
    No. 6, the two took most of a second one after the other, on one core while the
    other waited); then, if one of them composed, the engine made here, the fonts loaded
    and the stylesheets parsed, while their images' copies for screens are made there
    (until the print PDF's process takes them over), which ``screens`` takes once an
    edition is to be written. An issue whose sources are wrong is said as soon as
    WeasyPrint is imported: no engine is made for issues that all fail. The process is
    stopped as ``children`` closes. Returns the engine, or None if none was made. An
    issue's error of bippdf's comes back as it is, its traceback as a note (``--debug``
    shows it); a composing that fails in its process without an answer, or with any
    other error, is done again here, to meet that error as it is; with no process to
    spare, the issues are composed here."""
    from .forked import steps_in_child

    stop = screens.stopped()

    def composing() -> Iterator[Any]:
        """In the forked process: the issues composed, then their copies for screens,
        until the print PDF's process takes them over."""
        import traceback  # here: not for a build found up to date

        outcomes = _composed(todo, options, None)
        for outcome in outcomes:
            if isinstance(outcome, BippdfError):  # its traceback stays in this process
                outcome.add_note("".join(traceback.format_exception(outcome)).rstrip())
        yield outcomes
        if screens.making:
            yield _prepared(_composed_of(outcomes), screens.folder, stop)

    try:
        sent = children.enter_context(steps_in_child(composing))
    except OSError:
        return None, _composed(todo, options, screens)
    from .render import imported  # and what it imports: once the issues are composing

    started = time.perf_counter()
    # A library missing, WeasyPrint broken: said when the engine is made, if one is.
    with suppress(Exception):
        imported()
    loading = time.perf_counter() - started
    try:
        outcomes: list[_Outcome] = sent()
    except Exception:
        return None, _composed(todo, options, screens)
    issues = _composed_of(outcomes)
    screens.sent(sent, issues)
    for composed in issues:
        composed.phases["engine"] = loading  # ready adds the rest
    # The stylesheets of the fit's trials: the others' when they are known to be needed
    # here (``_run``).
    trials = (pipeline.trial_variant(options),)
    return (pipeline.ready(None, trials, issues) if issues else None), outcomes


def _composed_of(outcomes: list[_Outcome]) -> list[Composed]:
    """The issues that composed."""
    return [outcome[0] for outcome in outcomes if not isinstance(outcome, BippdfError)]


def _prepared(
    issues: list[Composed],
    folder: Path | None,
    stop: Callable[[], bool] | None = None,
    *,
    last_first: bool = False,
) -> online.Prepared:
    """The copies for screens of the images of these issues (``online.prepare``), kept
    in ``folder`` if one is given, until ``stop`` says so; each issue's last first if
    asked."""
    from . import online

    prepared: online.Prepared = {}
    for composed in issues:
        # What fails here is made again, and said, when the edition is written.
        with suppress(Exception):
            html, root = composed.unfitted, composed.issue.root
            prepared.update(online.prepare(html, root, folder, stop=stop, last_first=last_first))
    return prepared


def _compose(path: Path, options: Options) -> tuple[Composed, _Snapshot]:
    """The issue composed, its outputs found clear of its inputs, and the files its pages
    use noted for the cache."""
    from .files import refuse_overwrite

    composed = pipeline.compose(path)
    refuse_overwrite(pipeline.outputs_of(composed, options), pipeline.inputs_of(composed))
    return composed, build_cache.snapshot(composed.composition.resources, [styles_dir()])


def _run(
    jobs: list[_Job], options: Options, engine: Engine | None, screens: _ScreensAhead
) -> Iterator[tuple[_Job, Made | BippdfError]]:
    """Each issue fitted, then each variant laid out, written and checked in memory, as
    it is done (``_laid_out``). With a core to spare, a print PDF is laid out while its
    issue is fitted, from each trial the fit lays out alone; or a PDF asked for alone,
    from the trials the fit lays out there (``_Guess``)."""
    if not jobs:
        return
    # Here rather than at the top: an up-to-date build starts no process, and
    # multiprocessing's imports are a third of its time.
    import multiprocessing

    issues = list({id(job.pending): job.pending.composed for job in jobs}.values())
    cores = usable_cores()
    forking = cores > 1 and "fork" in multiprocessing.get_all_start_methods()
    # Not for watch's engine, which lays a PDF out again from its last layout in this
    # process, faster than a whole layout on the core left.
    spare = cores - 1 if forking and not (engine is not None and engine.incremental) else 0
    ahead = _guessed(jobs, spare, options)
    engine = pipeline.ready(engine, _variants_here(jobs, ahead, options), issues)
    screens.made()  # before any process is forked
    if screens.making:
        # glibc keeps what a thread frees in that thread's own arena: the pictures it
        # decoded (some 25 MB for No. 6), which every process forked next would carry.
        give_back_freed_memory()
    # The pictures' separations are kept with the cache, and like it not for a build
    # written elsewhere (-o), which writes nothing else, nor without the cache.
    folder = build_cache.separations(options.build_dir) if _caching(options) else None
    engine.separator.folder = folder
    longest = max(len(composed.composition.html) for composed in issues)
    with set_aside(), collected_less_often(longest), ExitStack() as children:
        guesses = [_Guess(job, options, engine, screens) for job in ahead]
        for guess in guesses:
            children.callback(guess.drop)
        jobs, failed = _fitted(jobs, options, engine, guesses)
        yield from failed
        fitted = {id(job) for job in jobs}
        kept = [guess for guess in guesses if id(guess.job) in fitted and guess.holds()]
        for guess in guesses:
            if guess not in kept:
                guess.drop()  # its core is wanted now
        taken = {id(guess.job) for guess in kept}
        laid_out = [job for job in jobs if id(job) not in taken]
        yield from _laid_out(laid_out, options, engine, cores if forking else 1)
        for guess in kept:
            yield guess.job, guess.result()


def _laid_out(
    jobs: list[_Job], options: Options, engine: Engine, cores: int
) -> Iterator[tuple[_Job, Made | BippdfError]]:
    """Each variant laid out, written and checked in memory, as it is done: in this
    process, or side by side, one forked process per core."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    if not jobs:
        return
    if len(jobs) == 1 or cores < 2:
        order = pipeline.rendering_order(options)
        for job in sorted(jobs, key=lambda job: order.index(job.variant)):
            composed = job.pending.composed
            yield (
                job,
                pipeline.attempt(pipeline.make_variant, composed, job.variant, options, engine),
            )
        return
    # The workers are forked once WeasyPrint, the fonts and the stylesheets are loaded:
    # they inherit the engine and load nothing again. The cores are theirs: each reads
    # its PDF back with the cores left to it, not forking again onto a busy one. With
    # watch's engine, which keeps each variant's last layout in this process, a variant
    # is laid out again here from it; only the web PDF, written from the fit's last trial,
    # is made in a forked process meanwhile.
    context = multiprocessing.get_context("fork")
    workers = min(len(jobs), cores)
    readers = max(1, cores // workers)
    here: list[_Job] = []
    forked: list[_Job] = []
    for job in jobs:
        (here if engine.incremental and job.variant != "web" else forked).append(job)
    try:
        with ProcessPoolExecutor(
            max(1, min(len(forked), cores)),
            mp_context=context,
            initializer=_adopt,
            initargs=(engine,),
        ) as pool:
            futures = {
                pool.submit(_in_worker, job.pending.composed, job.variant, options, readers): job
                for job in forked
            }
            for job in here:
                composed = job.pending.composed
                made = pipeline.attempt(
                    pipeline.make_variant, composed, job.variant, options, engine, readers
                )
                yield job, made
            for future in as_completed(futures):
                yield futures[future], future.result()
        # The workers wrote the web PDF from the kept trial: not needed here any longer
        # (watch would hold it until its next build).
        engine.forget_layout()
    except BrokenProcessPool:
        raise BuildError(
            "un processus de production s'est arrêté (mémoire insuffisante?)",
            hint="rien de plus n'a été écrit; produisez un numéro à la fois, "
            "avec --variant print puis --variant web",
        ) from None


class _Guess(pipeline.Lane):
    """A job laid out in a forked process while its issue is fitted (pipeline.Lane): the
    print PDF, from the trials of a build of both PDFs, its process making the copies for
    screens left by the process that composed the issues first (``_ScreensAhead``); a
    PDF asked for alone, from its own (the fit waits for what it measures there)."""

    def __init__(
        self, job: _Job, options: Options, engine: Engine, screens: _ScreensAhead | None = None
    ) -> None:
        super().__init__(job.pending.composed, job.variant, options, engine)
        self.job = job
        # Only a process laying out ahead of the fit: one whose trials the fit waits for
        # would keep it waiting.
        self._screens = screens if self.ahead and screens and screens.handing_over() else None

    def restart(self, html: str | None) -> None:
        """``Lane.restart``; a process just forked takes the copies for screens over."""
        forking = self.process is None
        super().restart(html)
        if forking and self.process is not None and self._screens is not None:
            self._screens.hand_over()

    def _lay_out(self, html: str) -> None:
        """In the forked process: the copies for screens left (the first time), then
        ``Lane._lay_out``."""
        if self._screens is not None:
            screens, self._screens = self._screens, None
            screens.rest()
        super()._lay_out(html)


def _variants_here(jobs: list[_Job], ahead: list[_Job], options: Options) -> set[str]:
    """The variants whose stylesheets this process parses before the fit: the trials',
    and those of the PDFs laid out here or in processes forked for them after the fit;
    not the print PDF laid out beside the fit (``ahead``), whose process parses its own
    and works its palette's inks out (0.06 s) while this one lays out the fit's trials.
    One that comes back here after all (its fit changed) is parsed then."""
    trials = pipeline.trial_variant(options)
    beside = {id(job) for job in ahead if job.variant != trials}
    return {trials} | {job.variant for job in jobs if id(job) not in beside}


def _guessed(jobs: list[_Job], spare: int, options: Options) -> list[_Job]:
    """The job worth laying out while its issue is fitted, on a ``spare`` core: the print
    PDF, which cannot be written from the fit's trials when they are laid out with the
    web variant's stylesheets (the web PDF is written from the last); when one PDF is
    the only one asked for, the trials are its own (pipeline.trial_variant), and some of
    them are laid out there (copyfit's ``beside``). Only when one issue is to be fitted:
    with several, the process laying out the first one's would hold a core through the
    fits of the others."""
    variant = "print" if len(options.variants) > 1 else pipeline.trial_variant(options)
    ahead = [job for job in jobs if job.variant == variant and job.pending.composed.fit is None]
    fitting = {id(job.pending.composed) for job in jobs if job.pending.composed.fit is None}
    return ahead if spare and len(ahead) == len(fitting) == 1 else []


def _fitted(
    jobs: list[_Job], options: Options, engine: Engine, guesses: list[_Guess]
) -> tuple[list[_Job], list[tuple[_Job, BippdfError]]]:
    """Each issue copyfitted once, before its variants are laid out side by side (one
    may be laid out meanwhile, ``_Guess``); the jobs of an issue whose fit failed come
    back with the error."""
    errors: dict[int, BippdfError] = {}
    trials = pipeline.trial_variant(options)
    laid_out = {id(guess.composed): guess for guess in guesses}
    for job in jobs:
        composed = job.pending.composed
        if composed.fit is None and id(composed) not in errors:
            # Of the trials' variant, it lays some out; of another, it is told of them.
            guess = laid_out.get(id(composed))
            own = guess is not None and guess.variant == trials
            try:
                pipeline.fit(
                    composed,
                    engine,
                    options,
                    guess.restart if guess is not None and not own else None,
                    guess if own else None,
                )
            except BippdfError as error:
                errors[id(composed)] = error
                pipeline.forget_fit(composed, options)
    failed = [
        (job, errors[id(job.pending.composed)])
        for job in jobs
        if id(job.pending.composed) in errors
    ]
    return [job for job in jobs if id(job.pending.composed) not in errors], failed


_worker_engine: Engine | None = None  # in a forked worker: the parent's, inherited


def _adopt(engine: Engine) -> None:
    """A forked worker's start: the engine it inherited is the one it renders with."""
    global _worker_engine
    _worker_engine = engine


def _in_worker(
    composed: Composed, variant: str, options: Options, readers: int
) -> Made | BippdfError:
    """A worker's variant, or the error to raise in the parent."""
    assert _worker_engine is not None
    return pipeline.attempt(
        pipeline.make_variant, composed, variant, options, _worker_engine, readers
    )


def _cover_ahead(item: _Pending, outcome: Made | BippdfError, options: Options) -> None:
    """The cover image made from its PDF while the issue's other PDFs are being made, if
    that PDF is done first: in this process, whose core waits on theirs otherwise."""
    if isinstance(outcome, BippdfError) or item.errors:
        return
    with suppress(Exception):  # made again, and said, when the files are written
        item.cover = pipeline.cover_ahead(item.composed, outcome, options)


def _finish(
    item: _Pending,
    options: Options,
    use_cache: bool,
    on_file: OnFile | None,
    screens: _ScreensAhead,
) -> None:
    """An issue whose variants are all done: stop at its first error, else write every
    file (the copies for screens made ahead taken first) and record them in the cache."""
    if item.errors:
        item.build.error = item.errors[0]
        if item.composed.fit is not None:
            pipeline.forget_fit(item.composed, options)
        return
    screens.kept()
    try:
        item.build.results = pipeline.write(item.composed, item.made, options, item.cover)
    except BippdfError as error:  # a file that cannot be written
        item.build.error = error
        return
    for result in item.build.results:
        _notify(on_file, item.build.path, result)
    if use_cache:
        _record(item)


def _record(item: _Pending) -> None:
    """The cache entry of a build just written: every file it read, and what it wrote.
    The sources are entered with the digest of the bytes read; if a file the pages use, or
    a style, changed while the build ran, no entry is written (the next build runs)."""
    from .resources import record_of

    used = item.composed.composition.resources
    if build_cache.snapshot(used, [styles_dir()]) != item.snapshot:
        return
    issue = item.composed.issue
    files: dict[Path, str | None] = {path: None for path in used}
    files[issue.source] = issue.digest or None
    files.update({article.path: article.digest or None for article in issue.articles})
    record = record_of(issue.source)
    if record is not None:  # as the build left it: a fit recorded anew builds anew
        files[record] = None
    build_cache.record(
        item.manifest,
        files=files,
        trees=[styles_dir()],
        listings=[issue.root / "articles"] if issue.source.name == ISSUE_FILE else [],
        results=[_as_record(result) for result in item.build.results],
    )


def _as_record(result: BuildResult) -> dict[str, Any]:
    """What the cache keeps of a result, to say it again when nothing changed."""
    record = asdict(result)
    record.pop("check")
    record["output"] = str(result.output)
    return record


def _cached_result(record: dict[str, Any]) -> BuildResult:
    """A result said again from the cache."""
    fields = {key: value for key, value in record.items() if key != "sha256"}
    return BuildResult(**{**fields, "output": Path(fields["output"]), "cached": True})


def _notify(on_file: OnFile | None, issue: Path, result: BuildResult) -> None:
    """Tell the caller a file is written (or up to date)."""
    if on_file is not None:
        on_file(issue, result)
