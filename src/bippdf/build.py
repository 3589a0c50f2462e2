"""The build pipeline, top to bottom: load, compose, render, verify, write.

Everything is gathered and checked in memory first; the PDF replaces the
previous one only once it exists whole.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import compose as composer
from . import render as renderer
from . import source
from .check import Expectations, Report, check_pdf
from .errors import BuildError, CheckError


@dataclass
class BuildResult:
    """What one build wrote and what it measured."""

    output: Path
    pages: int
    notes: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def build(
    issue_path: Path,
    output: Path | None = None,
    *,
    build_dir: Path = Path("build"),
    html_output: Path | None = None,
    check: bool = True,
) -> BuildResult:
    """Build one issue (a folder, its issue.toml, or a Markdown file) into a PDF."""
    start = time.perf_counter()
    issue = _load(issue_path)
    composition = _compose(issue)
    if html_output is not None:
        _write(html_output, composition.html.encode("utf-8"))
    rendered = _render(issue, composition)
    _refuse_broken_images(rendered)
    target = output or default_output(issue, build_dir)
    if check:
        _check(issue, composition, rendered, target)
    _write(target, rendered.pdf)
    return BuildResult(
        output=target,
        pages=rendered.pages,
        notes=len(composition.notes),
        seconds=time.perf_counter() - start,
        warnings=rendered.warnings,
    )


def default_output(issue: source.Issue, build_dir: Path) -> Path:
    """``build/<issue folder>/<BIP-NN-YYYY-MM>.pdf``."""
    return build_dir / issue.name / f"{issue.file_stem}.pdf"


def _load(issue_path: Path) -> source.Issue:
    """Read and validate the issue's TOML, front matter and Markdown files."""
    return source.load_issue(issue_path)


def _compose(issue: source.Issue) -> composer.Composition:
    """Number the issue across its articles and lay it out as one HTML document."""
    return composer.compose(issue)


def _render(issue: source.Issue, composition: composer.Composition) -> renderer.Rendered:
    """Lay out the pages and write the PDF in memory."""
    return renderer.render_pdf(composition.html, base_url=issue.root, language=issue.language)


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
) -> Report:
    """Read the PDF back and stop if its pages, contents, notes, links or fonts do not hold."""
    expected = Expectations.from_composition(composition, rendered.warnings)
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


def _write(target: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so a failure never leaves half a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise BuildError(
            f"cannot write here: {exc.strerror}",
            path=target,
            hint="choose a folder you can write to",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes the file private; outputs are for the whole team
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise BuildError(
            f"cannot write the file: {exc.strerror}",
            path=target,
            hint="check that it is not a folder and that you may write it",
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
