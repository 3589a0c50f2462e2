"""Build one issue, top to bottom: load, compose, render, verify, write.

``build`` reads as the pipeline. Everything is made and checked in memory first;
the issue's files replace the previous ones only once they all exist whole, each by
a rename. ``schedule`` runs the same steps for several issues, laying out the
variants side by side on the cores.
"""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import FOLDER
from .errors import BippdfError, BuildError, CheckError, SourceError, internal
from .resources import ISSUE_FILE, usable_cores
from .variants import VARIANTS, Selection

# Loading the sources (source.py: TOML, dates, Markdown files), writing files and render
# (WeasyPrint's side) are imported where they are used, not by a build whose files are
# up to date (the build cache), which then takes a tenth of a second.
if TYPE_CHECKING:
    from . import linebreaking, source
    from .check import Expectations, Problem, Report
    from .composition import Composition
    from .copyfit import Fit, Record
    from .forked import Follower
    from .render import Engine, Rendered

COVER_WIDTH = 600  # pixels: the cover image for the website and social media


@dataclass(frozen=True)
class Options:
    """What a build is asked for; the same for every issue of a build."""

    variants: tuple[str, ...] = ("print", "web")
    cover: bool = True  # the cover image, made from the last variant's first page
    # the online edition's folder (online.py): no layout; --variant all and html ask for it
    online: bool = False
    build_dir: Path = Path("build")
    output: Path | None = None  # where the one variant's PDF goes, instead of build_dir
    html_output: Path | None = None  # where the composed HTML is written too
    check: bool = True  # read each PDF back before writing it
    # False: the PDFs' streams written as they are (watch --draft), about 0.15 s
    # faster for No. 6 and six times larger; a build's files are compressed.
    compress: bool = True
    cache: bool = True  # skip an issue whose inputs have not changed (see schedule)

    @classmethod
    def choose(cls, choice: str, **options: Any) -> Options:
        """The options for ``--variant print|web|all``."""
        selection = Selection.parse(choice)
        return cls(
            variants=selection.variants,
            cover=selection.cover,
            online=selection.online,
            **options,
        )


@dataclass
class BuildResult:
    """What one build wrote and what it measured."""

    output: Path
    pages: int
    notes: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    variant: str = "print"  # or "web", "cover", "html" (the online edition's folder)
    padding: int = 0  # blank pages added for the binding
    check: Report | None = None
    compressed: bool = True  # False: a draft's file, its streams as they are
    # Seconds per stage: "load", "markdown" (to HTML), "engine" (WeasyPrint, fonts and
    # stylesheets loaded), "layout", "write" (the PDF), "check".
    phases: dict[str, float] = field(default_factory=dict)
    cached: bool = False  # up to date: nothing changed since it was built
    check_warnings: list[str] = field(default_factory=list)  # kept by the cache, said again
    # What the sources hold that may not print as meant ([location, message] pairs), on
    # the first file of an issue only: said at every build, from the cache too.
    source_warnings: list[list[str]] = field(default_factory=list)
    # What the file goes without and how to give it ([location, message] pairs): nothing
    # wrong, said as a note at every build, from the cache too.
    remarks: list[list[str]] = field(default_factory=list)


@dataclass
class Composed:
    """An issue loaded and composed: what each variant is laid out from."""

    issue: source.Issue
    composition: Composition
    started: float
    phases: dict[str, float]
    fit: Fit | None = None  # how the pages were fitted (copyfit.py), once they are
    fit_key: str = ""  # what the fit is kept under, with the build's files
    # The composed HTML before copyfitting, which only concerns pages: the online
    # edition's, the same whether the build lays out PDFs or not.
    unfitted: str = ""


Made = tuple[BuildResult, bytes]  # a file made in memory, not yet written


def build(
    path: Path, options: Options = Options(), engine: Engine | None = None
) -> list[BuildResult]:
    """Every file of one issue, in this process (but copyfitting's trials laid out side by
    side, and the PDFs read back, in processes it forks): load, lint and compose; then
    lay out and verify each variant's PDF in memory, with what the caller holds set aside
    from the collector (collector.py); then make the cover and write them all."""
    from .collector import collected_less_often, set_aside
    from .files import refuse_overwrite

    composed = compose(path)
    refuse_overwrite(outputs_of(composed, options), inputs_of(composed))
    made: list[Made] = []
    if options.variants:  # the online edition alone needs no layout
        engine = ready(engine, options.variants, [composed])
        with set_aside(), collected_less_often(len(composed.composition.html)):
            try:
                made = _fitted_and_made(composed, options, engine)
            except CheckError as error:
                if not hint_refused(composed, [error]):
                    raise
                refit(composed, options)
                made = _fitted_and_made(composed, options, engine)
    return write(composed, made, options)


def _fitted_and_made(composed: Composed, options: Options, engine: Engine) -> list[Made]:
    """Fit the issue, then lay out and verify each variant in memory: the trials' own
    variant, when it is the only one asked for, in the process beside that laid out the
    fit's last trials if it did (``Lane``)."""
    lane = None
    if _beside(options):
        lane = Lane(composed, trial_variant(options), options, engine, as_values=False)
    try:
        fit(composed, engine, options, beside=lane)
        made: list[Made] = []
        for variant in rendering_order(options):
            if lane is not None and variant == lane.variant:
                if lane.holds():
                    outcome = lane.result()
                    if isinstance(outcome, BippdfError):
                        raise outcome
                    made.append(outcome)
                    continue
                lane.drop()  # its core is wanted here now
            made.append(make_variant(composed, variant, options, engine))
        return made
    finally:
        if lane is not None:
            lane.drop()


def _beside(options: Options) -> bool:
    """Whether copyfitting's trials may be laid out in a process beside this one too, which
    writes the PDF if it laid out the fit: a build of the trials' variant alone, on two
    cores or more that can fork."""
    import multiprocessing

    return (
        options.variants == (trial_variant(options),)
        and usable_cores() > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def rendering_order(options: Options) -> list[str]:
    """The variants in the order one process renders them: the trials' own first
    (``trial_variant``), which may be written from copyfitting's last trial
    (render.Engine.lay_out); any other render lets that trial go. (Files are written in
    ``options.variants``' order.)"""
    first = trial_variant(options)
    return sorted(options.variants, key=lambda variant: variant != first)


def ready(engine: Engine | None, variants: Iterable[str], issues: list[Composed]) -> Engine:
    """The engine, made if there is none, with the variants' stylesheets parsed and the
    issues' hyphenation dictionaries read; the time it took is added to each issue's
    "engine" phase."""
    from . import hyphenation
    from .render import Engine

    started = time.perf_counter()
    engine = engine or Engine()
    engine.preload(variants)
    for composed in issues:
        hyphenation.load(composed.issue.language)
    for composed in issues:
        took = time.perf_counter() - started
        composed.phases["engine"] = composed.phases.get("engine", 0.0) + took
    return engine


def fit(
    composed: Composed,
    engine: Engine,
    options: Options,
    ahead: Callable[[str | None], None] | None = None,
    beside: Lane | None = None,
) -> None:
    """Copyfit the composed issue (which articles start a page, how tight the text is
    set) by trial layouts, or as fitted before for the same HTML (copyfit.py), laid out
    as ``trial_variant`` says; ``ahead`` is told the HTML of each trial laid out alone,
    ``beside`` lays out some (copyfit.fit). An engine that lays out from its last layout
    (``watch``'s) lays out every trial here."""
    from . import copyfit

    started = time.perf_counter()
    variant = trial_variant(options)
    engine.forget_layout()
    html = composed.composition.html
    key = engine.styles_key()
    root, files = composed.issue.root, composed.composition.resources

    def before_forking() -> None:
        """The layouts kept let go, the pictures decoded once for every trial forked, and
        the fonts loaded: a forked trial that loaded them would leave the temporary folder
        WeasyPrint copies them into (it ends without exit handlers)."""
        engine.preload([variant])
        engine.release()
        engine.decode_pictures(files, base_url=root, variant=variant)

    hint, recorded = copyfit.hint(composed.issue.source, composed.issue.name, _fit_cache(options))
    if engine.incremental:
        beside = None  # watch's: laid out here from its last layout, faster
    with engine.keeping_layouts():
        fitted = copyfit.fit(
            html,
            lambda trial: engine.lay_out(trial, base_url=root, variant=variant, files=files),
            _fit_cache(options),
            key=key,
            hint=hint,
            cores=usable_cores(),
            release=before_forking,
            ahead=ahead,
            recorded=recorded,
            beside=beside,
        )
    composed.composition.html = copyfit.apply(html, fitted)
    composed.fit = fitted
    composed.fit_key = copyfit.digest_of(html, key)
    composed.phases["copyfit"] = time.perf_counter() - started


class Lane:
    """A variant laid out in a forked process while its issue is fitted, each HTML sent
    from the last one's pages where only boxes of lines changed (copyfit.resumable: a
    trial of the same articles, set as tight as the one before; relayout.py); another
    starts a new process. Two uses:

    - ``restart`` (copyfit's ``ahead``): a variant other than the trials' (the print PDF
      of a build of both), from the HTML of each trial the fit lays out alone (the
      issue's last fit, then the words kept whole after it; in a fit from scratch, the
      trials after those laid out side by side): the last such trial is most often the
      fit;
    - ``measure`` (copyfit's ``beside``): the trials' own variant (the PDF asked for
      alone), the trials the fit sends, and what each layout measures sent back.

    Kept if the fit gives the HTML last sent, or one that can be laid out so from it
    (then sent), unless this process holds that HTML's layout of the variant (then the
    PDF is written here); dropped otherwise."""

    def __init__(
        self,
        composed: Composed,
        variant: str,
        options: Options,
        engine: Engine,
        *,
        as_values: bool = True,
    ) -> None:
        self.composed, self.variant, self.options, self.engine = composed, variant, options, engine
        # Whether its PDF's errors come back as values (``attempt``, as a build of several
        # files has them), or raised as they are (``build``: its caller's).
        self.as_values = as_values
        self.html = ""  # the last HTML sent (none: nothing being laid out)
        self.process: Follower[str, Made | BippdfError] | None = None
        self._document: Any = None  # in the forked process: the last layout
        self._lines: linebreaking.Channel | None = None  # the lines broken here, told there

    def restart(self, html: str | None) -> None:
        """Lay out from this HTML instead (none: stop, the fit wants every core)."""
        from . import linebreaking
        from .copyfit import resumable
        from .forked import Follower

        if html == self.html:
            return
        if html is None or not resumable(self.html, html):
            self.drop()
        if html is None:
            return
        if self.process is None:
            self.engine.release()  # the process forked would copy the pages it drops
            self._lines = linebreaking.Channel(self.engine.font_config)
            try:
                self.process = Follower(self._lay_out, self._make, self._measure)
            except OSError:  # no process to spare (memory, a limit): laid out after the fit
                self._stop_telling()
                return
            self._lines.tell()
        self.process.send(html)
        self.html = html

    def measure(self, html: str, trial: Fit) -> Record:
        """What the layout of this HTML, the last sent (``restart``), ``trial``'s,
        measures (copyfit.measure_layout), laid out there (waited for)."""
        if self.process is None or html != self.html:
            raise OSError("aucun processus ne met cette page en pages")  # none could be forked
        return self.process.ask(trial)  # type: ignore[no-any-return]

    def holds(self) -> bool:
        """Whether the fit's HTML is laid out there, and not here: the last trial sent, or
        one laid out from its pages (sent now). If so, its PDF is written and checked from
        now on, while the other variants are made."""
        from .copyfit import resumable

        fitted = self.composed.composition.html
        if self.engine.holds(fitted, self.composed.issue.root, self.variant):
            return False
        if self.html and resumable(self.html, fitted):
            self.restart(fitted)
        if not self.html or fitted != self.html:
            return False
        assert self.process is not None
        self.process.finish()
        self.engine.forget_layout(self.variant)  # a trial of the variant, of no more use
        return True

    def drop(self) -> None:
        """Stop the process laying it out."""
        if self.process is not None:
            self.process.close()
        self._stop_telling()
        self.html, self.process = "", None

    def _stop_telling(self) -> None:
        """The lines broken here no more told to the process."""
        if self._lines is not None:
            self._lines.close()
        self._lines = None

    def result(self) -> Made | BippdfError:
        """What the forked process made (its error returned or raised, as ``as_values``
        says); if it failed unseen (not every failure can be sent back), the variant laid
        out again here, to meet the failure as it is."""
        assert self.process is not None
        try:
            return self.process.result()
        except BippdfError as error:  # said there, as it is (each pickles)
            if self.as_values:
                return error
            raise
        except Exception:
            return self._made_here()
        finally:
            self.drop()

    def _made_here(self, readers: int | None = None) -> Made | BippdfError:
        """The variant's PDF, laid out here (read back by ``readers`` processes)."""
        made = (self.composed, self.variant, self.options, self.engine, readers)
        return attempt(make_variant, *made) if self.as_values else make_variant(*made)

    def _lay_out(self, html: str) -> None:
        """In the forked process: the pages of this HTML, from the last ones where only
        boxes of lines changed, kept by the engine for ``_make``."""
        composed = self.composed
        if self._lines is not None:
            self._lines.listen()  # (the first time) told the lines the fit breaks
        self.engine.keep_layouts()
        self._document = None
        self._document = self.engine.lay_out(
            html,
            base_url=composed.issue.root,
            variant=self.variant,
            files=composed.composition.resources,
        )

    def _measure(self, html: str, trial: Fit) -> Record:
        """In the forked process: what the last layout, of this HTML, measures."""
        from .copyfit import measure_layout

        return measure_layout(trial, self._document)

    def _make(self, html: str) -> Made | BippdfError:
        """In the forked process: the variant's PDF of this HTML, written from the pages
        ``_lay_out`` left and checked (the fit is made by then: read back on two cores).
        No layout follows: the pages are let go once written."""
        self._document = None
        self.engine.keep_no_layouts()
        self.composed.composition.html = html
        return self._made_here(self._readers())

    @property
    def ahead(self) -> bool:
        """Whether it lays out a variant other than the trials' (``restart``, copyfit's
        ``ahead``: the fit does not wait for it), rather than the trials' own
        (``measure``, copyfit's ``beside``: the fit waits for what it measures)."""
        return self.variant != trial_variant(self.options)

    def _readers(self) -> int | None:
        """In the forked process: how many processes read its PDF back. The print PDF of a
        build of both leaves a core to the process that forked it, which writes and checks
        the web PDF meanwhile and then makes the cover and the edition (with a reader
        here, No. 6's ended 0.2 to 0.3 s after this one, whose reader took its core). As
        the check chooses otherwise (the PDF asked for alone: the build waits for this
        one)."""
        if not self.ahead:
            return None
        return max(1, min(2, usable_cores() - 1))


def trial_variant(options: Options) -> str:
    """The variant whose stylesheets lay out copyfitting's trials: the web PDF's, which is
    written from the fit's last trial; the print PDF's when it is the only one asked for
    (its text block is the web PDF's, line for line: a test holds it), so that its last
    trial is that PDF's layout too, rather than one laid out again after the fit."""
    return "print" if options.variants == ("print",) else "web"


def hint_refused(composed: Composed, errors: Iterable[BippdfError]) -> bool:
    """Whether an issue fitted with its last fit's choices (copyfit.hint) failed its
    check: the fit only asks that its page starts still hold, and an edit may set a line
    alone at the top of a column, which a fit from scratch (``refit``) would have set
    well."""
    fit = composed.fit
    return fit is not None and fit.hinted and any(isinstance(e, CheckError) for e in errors)


def refit(composed: Composed, options: Options) -> None:
    """Make the issue ready to be fitted again, from scratch (``forget_fit``)."""
    forget_fit(composed, options)
    composed.composition.html = composed.unfitted
    composed.fit = None


def forget_fit(composed: Composed, options: Options) -> None:
    """A build of the issue failed once fitted: its next one fits it from scratch
    (copyfit.forget)."""
    from . import copyfit

    copyfit.forget(_fit_cache(options), composed.issue.source, composed.issue.name)


def _fit_cache(options: Options) -> Path | None:
    """Where fits are kept between builds: with the build cache, in build/.cache/; not
    for a build told where to write its one file (-o), which writes nothing else."""
    if options.output is not None:
        return None
    return options.build_dir / FOLDER / "copyfit"


def build_pdf(
    path: Path,
    output: Path,
    *,
    variant: str = "print",
    check: bool = True,
    html_output: Path | None = None,
) -> BuildResult:
    """One variant's PDF of one issue, written to ``output`` (no cover, no cache)."""
    options = Options(
        variants=(variant,), cover=False, output=output, html_output=html_output, check=check
    )
    (result,) = build(path, options)
    return result


def compose(path: Path) -> Composed:
    """Load the issue, parse and lint its Markdown, compose it as one HTML document."""
    from . import compose as composer  # jinja2, babel, mistune: not needed to check a PDF
    from .source import load_issue

    started = time.perf_counter()
    issue = load_issue(path, keep_going=True)  # every article's faults said at once
    loaded = time.perf_counter()
    parsed = composer.parse(issue)
    composer.refuse_faults(issue, parsed)
    composition = composer.lay_out(issue, parsed)
    _refuse_heavy_images(issue, composition.resources)
    phases = {"load": loaded - started, "markdown": time.perf_counter() - loaded}
    return Composed(issue, composition, started, phases, unfitted=composition.html)


def expected_of(path: Path | None, variant: str | None = None) -> Expectations:
    """What a PDF must hold for ``bippdf check``: with the issue's sources (composed
    here), its headings, notes and metadata too; without, what any bippdf PDF holds."""
    from .check import Expectations

    if path is None:
        return Expectations(variant=variant)
    from .composition import expectations

    return expectations(compose(path).composition, variant=variant)


def locate_problems(report: Report, path: Path) -> None:
    """Name the article's file and line of each problem of a checked PDF found at a point,
    by laying the issue's sources out again as that PDF's variant, fitted as a build fits
    them (only when there is a problem to place: a layout costs seconds)."""
    from .check.sources import locate

    if not any(p.at for check in report.checks for p in check.problems + check.warnings):
        return
    variant = report.checks[-1].name if report.checks[-1].name in VARIANTS else "web"
    from .render import Engine

    composed, engine = compose(path), Engine()
    fit(composed, engine, Options(variants=(variant,)))  # its trials the PDF's own
    rendered = _render(composed, variant, engine)
    locate(report.checks, rendered.sources)


def make_variant(
    composed: Composed,
    variant: str,
    options: Options,
    engine: Engine,
    readers: int | None = None,
) -> Made:
    """One variant's PDF, laid out and verified in memory (its pages read back by
    ``readers`` processes: by default, two if this process may use two cores)."""
    start = time.perf_counter()
    target = options.output or default_output(composed.issue, options.build_dir, variant)
    rendered = _render(composed, variant, engine, compress=options.compress)
    _refuse_broken_images(rendered)
    checking = time.perf_counter()
    report = _verify(composed, rendered, target, variant, readers) if options.check else None
    result = BuildResult(
        output=target,
        pages=rendered.pages,
        notes=len(composed.composition.notes),
        seconds=time.perf_counter() - start,
        warnings=rendered.warnings,
        variant=variant,
        padding=rendered.padding,
        check=report,
        compressed=options.compress,
        phases={**rendered.seconds, "check": time.perf_counter() - checking if report else 0.0},
        check_warnings=[str(problem) for problem in report.warnings] if report else [],
    )
    return result, rendered.pdf


def write(
    composed: Composed,
    made: list[Made],
    options: Options,
    cover: tuple[bytes, Made] | None = None,
) -> list[BuildResult]:
    """Make the cover image (unless ``cover_ahead`` made it from the same PDF), then write
    every file, each replacing its previous copy whole."""
    from .files import write_file

    files = sorted(made, key=lambda file: options.variants.index(file[0].variant))
    for result, _ in files:
        result.phases = {**composed.phases, **result.phases}
    made_at = time.perf_counter()  # the cover and the online edition say their own time
    if options.cover and files:
        source = files[-1][1]
        if cover is None or cover[0] is not source:
            cover = source, _cover(composed.issue, source, options.build_dir)
        files.append(cover[1])
    # A build told where to write its one PDF (-o) writes nothing else.
    online = (
        _online(composed, options, files) if options.online and options.output is None else None
    )
    first = files[0][0] if files else online[0] if online else None
    if first is not None:
        # and loading, composing
        first.seconds = (made_at if files else time.perf_counter()) - composed.started
        first.source_warnings = said_of(composed.composition.warnings)
    if options.html_output is not None:
        write_file(options.html_output, composed.composition.html.encode("utf-8"))
    for result, data in files:
        write_file(result.output, data)
    if online is not None:
        from .online import write_folder

        write_folder(online[0].output, online[1])
    if composed.fit is not None:
        from .copyfit import keep

        issue = (composed.issue.source, composed.issue.name)
        keep(_fit_cache(options), composed.fit_key, composed.fit, issue)
    return [result for result, _ in files] + ([online[0]] if online else [])


def _online(
    composed: Composed, options: Options, files: list[Made]
) -> tuple[BuildResult, dict[str, bytes]]:
    """The online edition's files, made in memory from the composition (online.py), with
    the PDFs and the cover image made beside it: web first, as the public reads it."""
    from . import online

    start = time.perf_counter()
    issue = composed.issue
    folder = online.output(issue, options.build_dir)
    pdfs = sorted(
        ((r.variant, r.output.name, data) for r, data in files if r.variant in online.PDF_LABELS),
        key=lambda pdf: list(online.PDF_LABELS).index(pdf[0]),
    )
    cover = next(((r.output.name, data) for r, data in files if r.variant == "cover"), None)
    published = online.Published(tuple(pdfs), cover, issue.online_url)
    html = composed.unfitted or composed.composition.html
    made = online.files(html, issue.root, published)
    said: list[list[str]] = []  # what the page goes without
    if not pdfs:
        said.append(
            [
                str(folder),
                "l'édition en ligne est écrite sans les PDF ni l'image de couverture "
                "(--variant all, ce que fait make pdf, les y met)",
            ]
        )
    # A single Markdown file has no issue.toml to say it in.
    if issue.online_url is None and issue.source.name == ISSUE_FILE:
        said.append(
            [
                str(issue.source),
                "sans online_url, la page en ligne n'a pas d'aperçu pour les réseaux sociaux "
                "(ajoutez l'adresse où son dossier sera publié : "
                'online_url = "https://…/numero-…/")',
            ]
        )
    result = BuildResult(
        remarks=said,
        output=folder,
        pages=0,
        notes=len(composed.composition.notes),
        seconds=time.perf_counter() - start,
        variant="html",
        phases={**composed.phases, "write": time.perf_counter() - start},
    )
    return result, made


def said_of(warnings: Iterable[BippdfError]) -> list[list[str]]:
    """Warnings of the sources as [location, message (hint)] pairs, each said once."""
    said = [[w.location, f"{w.message} ({w.hint})" if w.hint else w.message] for w in warnings]
    return [list(pair) for pair in dict.fromkeys(tuple(pair) for pair in said)]


def outputs_of(composed: Composed, options: Options) -> list[Path]:
    """Every file a build of ``composed`` with ``options`` writes."""
    issue = composed.issue
    outputs = [
        options.output or default_output(issue, options.build_dir, v) for v in options.variants
    ]
    if options.cover:
        outputs.append(cover_output(issue, options.build_dir))
    if options.html_output is not None:
        outputs.append(options.html_output)
    return outputs


def inputs_of(composed: Composed) -> list[Path]:
    """Every file the build of ``composed`` reads: its sources (its recorded fit too), the
    files its pages show, and bippdf's styles and fonts."""
    from .resources import record_of, styles_dir

    issue = composed.issue
    styles = [path for path in styles_dir().rglob("*") if path.is_file()]
    record = record_of(issue.source)
    return [
        issue.source,
        *(article.path for article in issue.articles),
        *composed.composition.resources,
        *styles,
        *([record] if record is not None else []),
    ]


def cover_output(issue: source.Issue, build_dir: Path) -> Path:
    """``build/<issue folder>/<BIP-NN-YYYY-MM>-couverture.png``."""
    return build_dir / issue.name / f"{issue.file_stem}-couverture.png"


def default_output(issue: source.Issue, build_dir: Path, variant: str = "print") -> Path:
    """``build/<issue folder>/<BIP-NN-YYYY-MM>-<impression|web>.pdf``."""
    return build_dir / issue.name / f"{issue.file_stem}-{VARIANTS[variant].suffix}.pdf"


def attempt(work: Callable[..., Made], *args: Any) -> Made | BippdfError:
    """``work(*args)``, or the error it raised, as a value (every error pickles)."""
    try:
        return work(*args)
    except BippdfError as error:
        return error
    except Exception as exc:  # a bug: said in one line, like in the parent
        return internal(exc)


def _render(composed: Composed, variant: str, engine: Engine, *, compress: bool = True) -> Rendered:
    """Lay out the pages and write the variant's PDF in memory."""
    import datetime as dt  # here: a build found up to date does not need it

    issue = composed.issue
    midnight = dt.datetime.combine(issue.date, dt.time(), dt.UTC)
    return engine.render(
        composed.composition.html,
        base_url=issue.root,
        language=issue.language,
        variant=variant,
        epoch=int(midnight.timestamp()),
        files=composed.composition.resources,
        compress=compress,
    )


def _refuse_heavy_images(issue: source.Issue, images: list[Path]) -> None:
    """Each image decoded costs its pixels in memory and time while its page is laid out."""
    from .images import pixels_problem

    if (problem := pixels_problem(images)) is not None:
        raise SourceError(
            problem,
            path=issue.source,
            hint="réduisez les plus grandes images à la taille où elles sont imprimées "
            "(300 points par pouce suffisent)",
        )


def _refuse_broken_images(rendered: Rendered) -> None:
    """An image WeasyPrint could not load would silently be missing from the page."""
    for warning in rendered.warnings:
        if warning.startswith("Failed to load image"):
            raise BuildError(
                f"WeasyPrint n'a pas pu charger une image : {warning}",
                hint="vérifiez le fichier de l'image; rien n'a été écrit",
            )


def _verify(
    composed: Composed, rendered: Rendered, target: Path, variant: str, readers: int | None
) -> Report:
    """Read the PDF back and stop if its pages, contents, notes, links or fonts do not hold."""
    from .check import check_pdf
    from .composition import expectations

    expected = expectations(composed.composition, rendered.warnings, variant=variant)
    expected.sources = rendered.sources
    report = check_pdf(rendered.pdf, expected, name=str(target), workers=readers)
    if not report.ok:
        problems = [str(problem) for problem in report.problems]
        more = f" (et {len(problems) - 5} autres)" if len(problems) > 5 else ""
        # Said one by one, each where it comes from, the same line once, then in short.
        faults = list({str(f): f for f in map(_fault_of(composed.issue), report.problems)}.values())
        hint = (
            "rien n'a été écrit; pour voir tous les problèmes, produisez-le avec "
            "--no-check puis lancez bippdf check sur le PDF"
        )
        verdict = f"le PDF ne passe pas ses vérifications : {len(problems)} problème" + (
            "s" if len(problems) > 1 else ""
        )
        raise CheckError(
            "le PDF ne passe pas ses vérifications : " + "; ".join(problems[:5]) + more,
            path=composed.issue.source,
            hint=hint,
            faults=[
                *faults[:MAX_FAULTS],
                CheckError(verdict, path=composed.issue.source, hint=hint),
            ],
        )
    return report


MAX_FAULTS = 20  # the problems of a refused PDF said one by one; bippdf check says all


def _fault_of(issue: source.Issue) -> Callable[[Problem], CheckError]:
    """A problem of the PDF as an error at its article's file and line when the layout
    told it, else at the issue's file."""

    def fault(problem: Problem) -> CheckError:
        message = f"page {problem.page}: {problem.message}" if problem.page else problem.message
        if problem.source:
            file, _, line = problem.source.rpartition(":")
            return CheckError(message, path=issue.root / file, line=int(line), hint=problem.hint)
        return CheckError(message, path=issue.source, hint=problem.hint)

    return fault


def cover_ahead(composed: Composed, made: Made, options: Options) -> tuple[bytes, Made] | None:
    """The cover image, with the PDF it is made from, if ``made`` is that PDF (the last
    variant's): made as soon as it is, while the issue's other PDFs are still being made
    (``write`` takes it); None otherwise."""
    result, pdf = made
    if not options.cover or result.variant != options.variants[-1]:
        return None
    return pdf, _cover(composed.issue, pdf, options.build_dir)


def _cover(issue: source.Issue, pdf: bytes, build_dir: Path) -> Made:
    """The first page as a PNG ``COVER_WIDTH`` pixels wide, for the website and social media."""
    import pypdfium2

    start = time.perf_counter()
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=COVER_WIDTH / page.get_width(), crop=(0, 0, 0, 0))
        out = io.BytesIO()
        # zlib's level 7 and default strategy (Pillow's is Z_FILTERED): 73.0 KB for No.
        # 6's in 0.02 s, where optimize=True took 0.12 s for 72.0 KB, at the very end of
        # a first build.
        bitmap.to_pil().save(
            out, format="PNG", compress_level=7, compress_type=zlib.Z_DEFAULT_STRATEGY
        )
        page.close()
    finally:
        document.close()
    png = cover_output(issue, build_dir)
    return BuildResult(png, 1, 0, time.perf_counter() - start, variant="cover"), out.getvalue()
