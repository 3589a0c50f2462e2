"""Checking a built PDF: pages, contents, notes, links, fonts, overflow, metadata.

Everything is read back from the PDF itself (see ``readback``). Each problem is
one line naming the printed page and what is wrong, so that CI and the printer's
last look can point at it. With the issue's sources (``composition.expectations``),
the checks also compare the PDF with what the sources call for (headings, notes,
metadata). The checks come in families, one module each: ``structure``,
``notes``, ``typesetting``, ``fill`` (pages and columns filled), ``prepress``
(the print variant) and ``accessibility`` (the web variant).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UnreadablePdfError
from ..files import MAX_PDF_BYTES, Unreadable, read_regular
from ..resources import usable_cores
from .accessibility import check_web
from .fill import check_fill
from .lines import check_lines
from .notes import check_notes
from .objects import described
from .prepress import check_print
from .readback import PdfReadback, read_pdf
from .report import TOLERANCE, CheckResult, Expectations, Problem, Report
from .sources import locate
from .structure import check_contents, check_links, check_metadata, check_pages
from .typesetting import check_fonts, check_layout, check_overflow

__all__ = [
    "CheckResult",
    "Expectations",
    "Problem",
    "Report",
    "check_pdf",
    "detect_variant",
]


def check_pdf(
    pdf: Path | bytes,
    expected: Expectations | None = None,
    *,
    name: str | None = None,
    workers: int | None = None,
) -> Report:
    """Run every check on a PDF (a file or its bytes). The pages are read by ``workers``
    processes (default: two if this process may use two cores)."""
    expected = expected or Expectations()
    label = name or (str(pdf) if isinstance(pdf, Path) else "PDF")
    if workers is None:
        workers = min(2, usable_cores())
    path = pdf if isinstance(pdf, Path) else None
    if path is not None:
        pdf = _read_file(path)
    try:
        data = read_pdf(pdf, geometry=expected.geometry, tolerance=TOLERANCE, workers=workers)
    except Exception as exc:  # a damaged or foreign PDF: said, never a traceback
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else described(exc)
        raise UnreadablePdfError(
            f"PDF illisible : {reason}",
            path=path,
            hint="donnez un PDF produit par bippdf",
        ) from None
    variant = expected.variant or detect_variant(data)
    linked = variant != "print"  # the print PDF has no links, by design (PDF/X)
    checks = [
        check_pages(data, expected),
        check_contents(data, expected, linked=linked),
        check_notes(data, expected, linked=linked),
        check_links(data, linked=linked),
        check_fonts(data, expected),
        check_overflow(data, expected.geometry),
        check_layout(data, expected.geometry),
        check_fill(data, expected.geometry),
        check_lines(data, expected.geometry),
        check_metadata(data, expected),
    ]
    if variant == "print":
        checks.append(check_print(data, expected.geometry))
    elif variant == "web":
        checks.append(check_web(data))
    locate(checks, expected.sources)
    return Report(pdf=label, checks=checks)


def _read_file(path: Path) -> bytes:
    """The bytes of the PDF to check: a regular file of a bounded size (a pipe or a device
    would make the check wait for ever, or read without end)."""
    try:
        return read_regular(path, MAX_PDF_BYTES)
    except Unreadable as exc:
        reason = str(exc)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    raise UnreadablePdfError(
        f"impossible de lire le PDF : {reason}",
        path=path,
        hint="donnez le fichier PDF qu'a produit bippdf",
    )


def detect_variant(pdf: PdfReadback) -> str | None:
    """ "print" for a PDF with a bleed or a PDF/X output intent, "web" for a tagged one."""
    bled = any(boxes["MediaBox"] != boxes["TrimBox"] for boxes in pdf.boxes)
    if bled or "GTS_PDFX" in pdf.structure.output_intents:
        return "print"
    return "web" if pdf.structure.tagged else None
