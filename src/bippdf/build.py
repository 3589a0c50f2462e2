"""The build pipeline, top to bottom: load, compose, render, verify, write.

Everything is gathered and checked in memory first; an issue's files replace the
previous ones only once they all exist whole. Several issues, and the print and
web variants of each, are laid out side by side on the machine's cores.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import cache as build_cache
from . import render as renderer
from . import source
from .errors import BippdfError, BuildError, CheckError
from .files import write_file
from .messages import count, seconds
from .resources import styles_dir, usable_cores
from .sandbox import ISSUE, base_url

if TYPE_CHECKING:
    from .check import Report
    from .compose import Composition

COVER_WIDTH = 600  # pixels: the cover image for the website and social media


@dataclass
class BuildResult:
    """What one build wrote and what it measured."""

    output: Path
    pages: int
    notes: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    variant: str = "print"
    padding: int = 0  # blank pages added for the binding
    check: Report | None = None
    # Seconds per stage: "load", "markdown" (to HTML), "engine" (WeasyPrint, fonts and
    # stylesheets loaded), "layout", "write" (the PDF), "check".
    phases: dict[str, float] = field(default_factory=dict)
    cached: bool = False  # up to date: nothing changed since it was built
    check_warnings: list[str] = field(default_factory=list)  # kept by the cache, said again

    def summary(self) -> str:
        """One line for the person who ran the build: ``path: details``."""
        return f"{self.output}: {self.details()}"

    def details(self) -> str:
        """What was made, in French: ``32 pages (…), 31 notes, 4,1 s``."""
        if self.cached:
            return "à jour, rien n'a changé"
        if self.output.suffix == ".png":
            return f"image de couverture, {seconds(self.seconds)}"
        added = ""
        if self.padding:
            blank = count(self.padding, "page blanche ajoutée", "pages blanches ajoutées")
            added = f" (dont {blank} pour la reliure)"
        return (
            f"{count(self.pages, 'page')}{added}, {count(self.notes, 'note')}, "
            f"{seconds(self.seconds)}"
        )


@dataclass
class IssueBuild:
    """One issue of a build of several: its files, or why it failed."""

    path: Path
    results: list[BuildResult] = field(default_factory=list)
    error: BippdfError | None = None


def build(
    issue_path: Path,
    output: Path | None = None,
    *,
    variant: str = "print",
    build_dir: Path = Path("build"),
    html_output: Path | None = None,
    check: bool = True,
    cache: bool = False,
) -> BuildResult:
    """Build one variant of one issue (a folder, its issue.toml, or a Markdown file)."""
    return build_issue(
        issue_path,
        variants=(variant,),
        cover=False,
        build_dir=build_dir,
        html_output=html_output,
        check=check,
        output=output,
        cache=cache,
    )[0]


def build_issue(
    issue_path: Path,
    *,
    variants: tuple[str, ...] = ("print", "web"),
    cover: bool = True,
    build_dir: Path = Path("build"),
    html_output: Path | None = None,
    check: bool = True,
    output: Path | None = None,
    cache: bool = False,
) -> list[BuildResult]:
    """Every output of an issue: each variant's PDF and the cover image. All are made and
    checked in memory first, then written: a failed build or check writes none of them (and
    each file is replaced whole, by a rename)."""
    (done,) = build_issues(
        [issue_path],
        variants=variants,
        cover=cover,
        build_dir=build_dir,
        html_output=html_output,
        check=check,
        output=output,
        cache=cache,
    )
    if done.error is not None:
        raise done.error
    return done.results


def build_issues(
    issue_paths: Sequence[Path],
    *,
    variants: tuple[str, ...] = ("print", "web"),
    cover: bool = True,
    build_dir: Path = Path("build"),
    html_output: Path | None = None,
    check: bool = True,
    output: Path | None = None,
    cache: bool = True,
    on_file: Callable[[Path, BuildResult], None] | None = None,
) -> list[IssueBuild]:
    """Build several issues, their variants side by side on the cores; an issue that fails
    does not stop the others. ``on_file`` is called as each file is written.

    With ``cache``, an issue whose inputs and options are those of its last build, and
    whose files are still those it wrote, is not built again. The cache is kept in the
    build folder: a build written elsewhere (``output``, ``html_output``) is always made."""
    cache = cache and output is None and html_output is None
    options: dict[str, Any] = {
        "variants": list(variants),
        "cover": cover,
        "check": check,
        "output": str(output.resolve()) if output else None,
        "html": str(html_output.resolve()) if html_output else None,
        "build_dir": str(build_dir.resolve()),
    }
    builds = [IssueBuild(path) for path in dict.fromkeys(issue_paths)]
    pending: list[_Pending] = []
    for issue_build in builds:
        manifest = build_cache.manifest_path(
            build_dir, issue_build.path, _key(issue_build, options)
        )
        recorded = build_cache.fresh(manifest) if cache else None
        if recorded is not None:
            issue_build.results = [_cached_result(result) for result in recorded]
            for result in issue_build.results:
                _notify(on_file, issue_build.path, result)
            continue
        try:
            pending.append(_prepare(issue_build, manifest, variants, build_dir, output, check))
        except BippdfError as error:
            issue_build.error = error
    jobs = [(item, index) for item in pending for index in range(len(item.jobs))]
    for item, outcome in _run(jobs):
        if isinstance(outcome, BippdfError):
            item.errors.append(outcome)
        else:
            item.files.append(outcome)
        if item.done:
            try:
                _finish(item, cover, build_dir, html_output, cache, on_file)
            except BippdfError as error:  # a file that cannot be written
                item.build.error = error
    return builds


def _key(issue_build: IssueBuild, options: dict[str, Any]) -> dict[str, Any]:
    """The options, and for a single Markdown file the date it takes (today's, or
    SOURCE_DATE_EPOCH's), which is printed in its PDF."""
    path = issue_build.path
    if path.suffix.lower() == ".md":
        return {**options, "date": source.default_date().isoformat()}
    return options


@dataclass
class _Pending:
    """An issue loaded and composed, its variants being laid out."""

    build: IssueBuild
    manifest: Path
    issue: source.Issue
    composition: Composition
    jobs: list[tuple[Any, ...]]  # one per variant: the arguments of _make_variant
    started: float
    phases: dict[str, float]
    used: list[Path] = field(default_factory=list)  # the files its pages use: images
    snapshot: dict[str, tuple[int, int]] = field(default_factory=dict)  # see _record
    files: list[tuple[BuildResult, bytes]] = field(default_factory=list)
    errors: list[BippdfError] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return len(self.files) + len(self.errors) == len(self.jobs)


def _prepare(
    issue_build: IssueBuild,
    manifest: Path,
    variants: tuple[str, ...],
    build_dir: Path,
    output: Path | None,
    check: bool,
) -> _Pending:
    """Load and compose an issue; one job per variant to lay out."""
    started = time.perf_counter()
    issue = _load(issue_build.path)
    loaded = time.perf_counter()
    composition = _compose(issue)
    phases = {"load": loaded - started, "markdown": time.perf_counter() - loaded}
    jobs = [
        (issue, composition, variant, output or default_output(issue, build_dir, variant), check)
        for variant in variants
    ]
    used = _used_files(issue, composition)
    return _Pending(
        issue_build, manifest, issue, composition, jobs, started, phases,
        used=used, snapshot=build_cache.snapshot(used, [styles_dir()]),
    )  # fmt: skip


def _run(jobs: list[tuple[_Pending, int]]) -> Iterator[tuple[_Pending, _Outcome]]:
    """Each variant laid out, written and checked in memory, as it is done: in this
    process if there is one, else side by side, one process per core."""
    if not jobs:
        return
    started = time.perf_counter()
    for variant in {item.jobs[index][2] for item, index in jobs}:
        renderer.preload(variant)
    engine = {"engine": time.perf_counter() - started}
    cores = usable_cores()
    if len(jobs) == 1 or cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for item, index in jobs:
            item.phases.update(engine)
            yield item, _job(item.jobs[index])
        return
    # The workers are forked once WeasyPrint, the fonts and the stylesheets are
    # loaded: they load nothing again.
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(min(len(jobs), cores), mp_context=context) as pool:
            futures = {pool.submit(_job, item.jobs[index]): item for item, index in jobs}
            for future in as_completed(futures):
                futures[future].phases.update(engine)
                yield futures[future], future.result()
    except BrokenProcessPool:
        raise BuildError(
            "un processus de production s'est arrêté (mémoire insuffisante?)",
            hint="rien de plus n'a été écrit; produisez un numéro à la fois, "
            "avec --variant print puis --variant web",
        ) from None


def _finish(
    item: _Pending,
    cover: bool,
    build_dir: Path,
    html_output: Path | None,
    cache: bool,
    on_file: Callable[[Path, BuildResult], None] | None,
) -> None:
    """An issue whose variants are all done: stop at its first error, else make the cover
    image, write every file and record them in the cache."""
    if item.errors:
        item.build.error = item.errors[0]
        return
    order = [job[2] for job in item.jobs]
    files = sorted(item.files, key=lambda file: order.index(file[0].variant))
    for result, _ in files:
        result.phases = {**item.phases, **result.phases}
    files[0][0].seconds = time.perf_counter() - item.started  # and loading, composing
    if cover:
        start = time.perf_counter()
        image = _cover_image(files[-1][1])
        png = build_dir / item.issue.name / f"{item.issue.file_stem}-couverture.png"
        files.append((BuildResult(png, 1, 0, time.perf_counter() - start, variant="cover"), image))
    if html_output is not None:
        write_file(html_output, item.composition.html.encode("utf-8"))
    for result, data in files:
        write_file(result.output, data)
        item.build.results.append(result)
        _notify(on_file, item.build.path, result)
    if cache:
        _record(item)


def _record(item: _Pending) -> None:
    """The cache entry of a build just written: every file it read, and what it wrote.
    The sources are entered with the digest of the bytes read; if a file the pages use, or
    a style, changed while the build ran, no entry is written (the next build runs)."""
    if build_cache.snapshot(item.used, [styles_dir()]) != item.snapshot:
        return
    issue = item.issue
    files: dict[Path, str | None] = {path: None for path in item.used}
    files[issue.source] = issue.digest or None
    files.update({article.path: article.digest or None for article in issue.articles})
    build_cache.record(
        item.manifest,
        files=files,
        trees=[styles_dir()],
        listings=[issue.root / "articles"] if issue.source.name == source.ISSUE_FILE else [],
        results=[_as_record(result) for result in item.build.results],
    )


def _used_files(issue: source.Issue, composition: Composition) -> list[Path]:
    """The issue's files its pages use: images, the cover image."""
    return [
        issue.root / unquote(url)
        for url in re.findall(re.escape(base_url(ISSUE)) + r'([^"\')\s]+)', composition.html)
    ]


def _as_record(result: BuildResult) -> dict[str, Any]:
    """What the cache keeps of a result, to say it again when nothing changed."""
    record = asdict(result)
    record.pop("check")
    record["output"] = str(result.output)
    return record


def _cached_result(record: dict[str, Any]) -> BuildResult:
    fields = {key: value for key, value in record.items() if key != "sha256"}
    return BuildResult(**{**fields, "output": Path(fields["output"]), "cached": True})


def _notify(
    on_file: Callable[[Path, BuildResult], None] | None, issue: Path, result: BuildResult
) -> None:
    if on_file is not None:
        on_file(issue, result)


_Outcome = tuple[BuildResult, bytes] | BippdfError


def _make_variant(
    issue: source.Issue,
    composition: Composition,
    variant: str,
    target: Path,
    check: bool,
) -> tuple[BuildResult, bytes]:
    """One variant's PDF, laid out and checked in memory."""
    start = time.perf_counter()
    rendered = _render(issue, composition, variant)
    _refuse_broken_images(rendered)
    checking = time.perf_counter()
    report = _check(issue, composition, rendered, target, variant) if check else None
    phases = {**rendered.seconds, "check": time.perf_counter() - checking if check else 0.0}
    result = BuildResult(
        output=target,
        pages=rendered.pages,
        notes=len(composition.notes),
        seconds=time.perf_counter() - start,
        warnings=rendered.warnings,
        variant=variant,
        padding=rendered.padding,
        check=report,
        phases=phases,
        check_warnings=[str(problem) for problem in report.warnings] if report else [],
    )
    return result, rendered.pdf


def _job(job: tuple[Any, ...]) -> _Outcome:
    """A worker's variant, or the error to raise in the parent (every error pickles)."""
    try:
        return _make_variant(*job)
    except BippdfError as error:
        return error
    except Exception as exc:  # a bug: said in one line, like in the parent
        return BuildError(
            f"erreur interne de bippdf : {type(exc).__name__}: {exc}",
            hint="relancez avec --debug --variant print (ou web) pour voir la trace, "
            "et signalez le problème",
        )


def default_output(issue: source.Issue, build_dir: Path, variant: str = "print") -> Path:
    """``build/<issue folder>/<BIP-NN-YYYY-MM>-<impression|web>.pdf``."""
    suffix = renderer.VARIANTS[variant].suffix
    return build_dir / issue.name / f"{issue.file_stem}-{suffix}.pdf"


def _cover_image(pdf: bytes, width: int = COVER_WIDTH) -> bytes:
    """The first page as a PNG ``width`` pixels wide, for the website and social media."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=width / page.get_width(), crop=(0, 0, 0, 0))
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        page.close()
        return out.getvalue()
    finally:
        document.close()


def _load(issue_path: Path) -> source.Issue:
    """Read and validate the issue's TOML, front matter and Markdown files."""
    return source.load_issue(issue_path)


def _compose(issue: source.Issue) -> Composition:
    """Number the issue across its articles and lay it out as one HTML document."""
    from .compose import compose

    return compose(issue)


def _render(issue: source.Issue, composition: Composition, variant: str) -> renderer.Rendered:
    """Lay out the pages and write the variant's PDF in memory."""
    midnight = dt.datetime.combine(issue.date, dt.time(), dt.UTC)
    return renderer.render_pdf(
        composition.html,
        base_url=issue.root,
        language=issue.language,
        variant=variant,
        epoch=int(midnight.timestamp()),
    )


def _refuse_broken_images(rendered: renderer.Rendered) -> None:
    """An image WeasyPrint could not load would silently be missing from the page."""
    for warning in rendered.warnings:
        if warning.startswith("Failed to load image"):
            raise BuildError(
                f"WeasyPrint n'a pas pu charger une image : {warning}",
                hint="vérifiez le fichier de l'image; rien n'a été écrit",
            )


def _check(
    issue: source.Issue,
    composition: Composition,
    rendered: renderer.Rendered,
    target: Path,
    variant: str,
) -> Report:
    """Read the PDF back and stop if its pages, contents, notes, links or fonts do not hold."""
    from .check import check_pdf
    from .compose import expectations

    expected = expectations(composition, rendered.warnings, variant=variant)
    report = check_pdf(rendered.pdf, expected, name=str(target))
    if not report.ok:
        problems = [str(problem) for problem in report.problems]
        more = f" (et {len(problems) - 5} autres)" if len(problems) > 5 else ""
        raise CheckError(
            "le PDF ne passe pas ses vérifications : " + "; ".join(problems[:5]) + more,
            path=issue.source,
            hint="rien n'a été écrit; pour voir tous les problèmes, produisez-le avec "
            "--no-check puis lancez bippdf check sur le PDF",
        )
    return report
