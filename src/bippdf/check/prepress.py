"""The prepress checks of the print variant: PDF/X-4 and its output intent, the page
boxes with the bleed, crop marks outside the bleed, pages by fours, images sharp
enough to print."""

from __future__ import annotations

from ..contract import PageGeometry
from .readback import PdfReadback
from .report import CheckResult, Problem, page_label

MIN_PPI, GOOD_PPI = 200, 300  # an image's resolution at its printed size: error, warning

_Box = tuple[float, float, float, float]


def check_print(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """What the printer needs: PDF/X-4 with its output intent, the boxes with the bleed,
    crop marks outside the bleed, pages by fours, images sharp enough to print."""
    result = CheckResult(
        "print",
        figures={
            "conformance": pdf.structure.conformance,
            "pages": pdf.page_count,
            "bleed": geometry.bleed,
        },
    )
    _check_conformance(pdf, result)
    for index in range(len(pdf.boxes)):
        _check_boxes(pdf, index, geometry, result)
        _check_marks(pdf, index, geometry.bleed * 72, result)
        _check_images(pdf, index, result)
    result.figures["marks"] = sum(len(marks) for marks in pdf.marks)
    result.figures["lowest_ppi"] = round(
        min((p.ppi for page in pdf.images for p in page), default=0)
    )
    return result


def _check_conformance(pdf: PdfReadback, result: CheckResult) -> None:
    """PDF/X-4 declared, with its output intent, on a multiple of four pages."""
    if pdf.structure.conformance != "PDF/X-4":
        result.problems.append(
            Problem(
                f"the PDF declares '{pdf.structure.conformance or 'no'}' conformance, not PDF/X-4"
            )
        )
    if "GTS_PDFX" not in pdf.structure.output_intents:
        result.problems.append(Problem("the PDF has no PDF/X output intent (CMYK profile)"))
    if pdf.page_count % 4:
        result.problems.append(
            Problem(f"{pdf.page_count} pages: a saddle-stitched bulletin needs a multiple of 4")
        )


def _check_boxes(pdf: PdfReadback, index: int, geometry: PageGeometry, result: CheckResult) -> None:
    """The BleedBox is the TrimBox with the bleed around it, inside the MediaBox."""
    where = page_label(pdf, index)
    bleed = geometry.bleed * 72
    boxes = pdf.boxes[index]
    trim, bleed_box, media = boxes["TrimBox"], boxes["BleedBox"], boxes["MediaBox"]
    wanted = (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)
    if any(abs(a - b) > 0.5 for a, b in zip(bleed_box, wanted, strict=True)):
        result.problems.append(
            Problem(
                f"BleedBox {_box(bleed_box)} is not the TrimBox {_box(trim)} plus "
                f"{geometry.bleed} in",
                where,
            )
        )
    if not (
        media[0] <= bleed_box[0]
        and media[1] <= bleed_box[1]
        and media[2] >= bleed_box[2]
        and media[3] >= bleed_box[3]
    ):
        result.problems.append(Problem(f"MediaBox {_box(media)} does not hold the BleedBox", where))


def _check_marks(pdf: PdfReadback, index: int, bleed: float, result: CheckResult) -> None:
    """No mark drawn inside the bleed (``bleed`` in points), where it would be printed."""
    width, height = pdf.page_sizes[index]
    for mark in pdf.marks[index]:
        if (
            mark[2] > -bleed
            and mark[0] < width + bleed
            and mark[3] > -bleed
            and mark[1] < height + bleed
        ):
            result.problems.append(
                Problem("a mark is drawn inside the bleed", page_label(pdf, index))
            )
            break


def _check_images(pdf: PdfReadback, index: int, result: CheckResult) -> None:
    """Each image's resolution at its printed size: too low, or only passable."""
    where = page_label(pdf, index)
    for picture in pdf.images[index]:
        ppi = picture.ppi
        message = (
            f"an image of {picture.pixels[0]} × {picture.pixels[1]} px is printed at {ppi:.0f} ppi"
        )
        if ppi < MIN_PPI:
            result.problems.append(Problem(f"{message}; it needs {MIN_PPI} at least", where))
        elif ppi < GOOD_PPI - 0.5:
            result.warnings.append(Problem(f"{message}; {GOOD_PPI} is better", where))


def _box(box: _Box) -> str:
    """A box as PDF writes it: ``[0 0 612 792]``."""
    return "[" + " ".join(f"{v:g}" for v in box) + "]"
