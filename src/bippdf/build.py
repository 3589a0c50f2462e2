"""The build pipeline, top to bottom: load, compose, render, verify, write.

Everything is gathered and checked in memory first; the PDF replaces the
previous one only once it exists whole.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2

from . import compose as composer
from . import render as renderer
from . import source
from .check import Expectations, Report, check_pdf
from .errors import BippdfError, BuildError, CheckError
from .files import write_file

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

    def summary(self) -> str:
        """One line for the person who ran the build."""
        if self.output.suffix == ".png":
            return f"{self.output}: cover image, {self.seconds:.1f} s"
        added = f" ({self.padding} blank added for the binding)" if self.padding else ""
        return f"{self.output}: {self.pages} pages{added}, {self.notes} notes, {self.seconds:.1f} s"


def build(
    issue_path: Path,
    output: Path | None = None,
    *,
    variant: str = "print",
    build_dir: Path = Path("build"),
    html_output: Path | None = None,
    check: bool = True,
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
) -> list[BuildResult]:
    """Every output of an issue: each variant's PDF and the cover image. All are made and
    checked in memory first; then they are written, so a failure writes none of them."""
    start = time.perf_counter()
    issue = _load(issue_path)
    composition = _compose(issue)
    targets = [output or default_output(issue, build_dir, variant) for variant in variants]
    jobs = [
        (issue, composition, variant, target, check)
        for variant, target in zip(variants, targets, strict=True)
    ]
    files = _in_parallel(jobs) if len(jobs) > 1 else [_make_variant(*jobs[0])]
    files[0][0].seconds += time.perf_counter() - start - files[0][0].seconds  # and loading
    if cover:
        start = time.perf_counter()
        image = _cover_image(files[-1][1])
        png = build_dir / issue.name / f"{issue.file_stem}-couverture.png"
        files.append(
            (
                BuildResult(
                    output=png,
                    pages=1,
                    notes=0,
                    variant="cover",
                    seconds=time.perf_counter() - start,
                ),
                image,
            )
        )
    if html_output is not None:
        write_file(html_output, composition.html.encode("utf-8"))
    for result, data in files:
        write_file(result.output, data)
    return [result for result, _ in files]


def _make_variant(
    issue: source.Issue,
    composition: composer.Composition,
    variant: str,
    target: Path,
    check: bool,
) -> tuple[BuildResult, bytes]:
    """One variant's PDF, laid out and checked in memory."""
    start = time.perf_counter()
    rendered = _render(issue, composition, variant)
    _refuse_broken_images(rendered)
    report = _check(issue, composition, rendered, target, variant) if check else None
    result = BuildResult(
        output=target,
        pages=rendered.pages,
        notes=len(composition.notes),
        seconds=time.perf_counter() - start,
        warnings=rendered.warnings,
        variant=variant,
        padding=rendered.padding,
        check=report,
    )
    return result, rendered.pdf


def _in_parallel(jobs: list[tuple[Any, ...]]) -> list[tuple[BuildResult, bytes]]:
    """The variants side by side, one process each, on the cores this process may use.
    The workers are forked once WeasyPrint and the stylesheets are loaded, so they load
    nothing again."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if "fork" not in multiprocessing.get_all_start_methods() or cores < 2:
        return [_make_variant(*job) for job in jobs]
    for _, _, variant, _, _ in jobs:
        renderer.preload(variant)
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(min(len(jobs), cores), mp_context=context) as pool:
            outcomes = list(pool.map(_job, jobs))
    except BrokenProcessPool:
        raise BuildError(
            "a build process died (out of memory?)",
            hint="nothing was written; run again with --variant print "
            "and --variant web one after the other",
        ) from None
    for outcome in outcomes:
        if isinstance(outcome, BippdfError):
            raise outcome
    return outcomes  # type: ignore[return-value]


def _job(job: tuple[Any, ...]) -> tuple[BuildResult, bytes] | BippdfError:
    """A worker's variant, or the error to raise in the parent (every error pickles)."""
    try:
        return _make_variant(*job)
    except BippdfError as error:
        return error
    except Exception as exc:  # a bug: said in one line, like in the parent
        return BuildError(
            f"internal error: {type(exc).__name__}: {exc}",
            hint="run with --debug --variant print or web for the traceback",
        )


def default_output(issue: source.Issue, build_dir: Path, variant: str = "print") -> Path:
    """``build/<issue folder>/<BIP-NN-YYYY-MM>-<impression|web>.pdf``."""
    suffix = renderer.VARIANTS[variant].suffix
    return build_dir / issue.name / f"{issue.file_stem}-{suffix}.pdf"


def _cover_image(pdf: bytes, width: int = COVER_WIDTH) -> bytes:
    """The first page as a PNG ``width`` pixels wide, for the website and social media."""
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


def _compose(issue: source.Issue) -> composer.Composition:
    """Number the issue across its articles and lay it out as one HTML document."""
    return composer.compose(issue)


def _render(
    issue: source.Issue, composition: composer.Composition, variant: str
) -> renderer.Rendered:
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
            raise BuildError(warning, hint="check the image file; nothing was written")


def _check(
    issue: source.Issue,
    composition: composer.Composition,
    rendered: renderer.Rendered,
    target: Path,
    variant: str,
) -> Report:
    """Read the PDF back and stop if its pages, contents, notes, links or fonts do not hold."""
    expected = Expectations.from_composition(composition, rendered.warnings, variant=variant)
    report = check_pdf(rendered.pdf, expected, name=str(target))
    if not report.ok:
        problems = [str(problem) for problem in report.problems]
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise CheckError(
            "the PDF failed its checks: " + "; ".join(problems[:5]) + more,
            path=issue.source,
            hint="nothing was written; run bippdf check on a --no-check build for every problem",
        )
    return report
