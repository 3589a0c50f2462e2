"""The prepress checks of the print variant: PDF/X-4 and its output intent, no
annotation in the printed area, the page boxes with the bleed, crop marks outside the
bleed, pages by fours, images sharp enough to print."""

from __future__ import annotations

from collections import Counter

from ..contract import PageGeometry
from .readback import OutputIntent, PdfReadback
from .report import CheckResult, Problem, page_label

MIN_PPI, GOOD_PPI = 200, 300  # an image's resolution at its printed size: error, warning

_Box = tuple[float, float, float, float]
# The colour spaces of an ICC profile's header (bytes 16–19), and their components.
_XMP_VERSION = "XMP pdfxid:GTS_PDFXVersion"  # where PDF/X-4 declares itself
_WHERE = {  # each declaration of the PDF/X version, as a problem names it
    _XMP_VERSION: "XMP metadata's pdfxid:GTS_PDFXVersion",
    "XMP pdfx:GTS_PDFXVersion": "XMP metadata's pdfx:GTS_PDFXVersion",
    "Info GTS_PDFXVersion": "Info dictionary's GTS_PDFXVersion",
}
_PRINTABLE_ANNOTATIONS = {"PrinterMark", "TrapNet"}
_COMPONENTS = {"GRAY": 1, "RGB": 3, "Lab": 3, "CMYK": 4}


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
    _check_annotations(pdf, result)
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
    _check_version(pdf.structure.pdfx_versions, result)
    if "GTS_PDFX" not in pdf.structure.output_intents:
        result.problems.append(Problem("the PDF has no PDF/X output intent (CMYK profile)"))
    for intent in pdf.structure.intents:
        _check_intent(intent, result)
    if pdf.page_count % 4:
        result.problems.append(
            Problem(f"{pdf.page_count} pages: a saddle-stitched bulletin needs a multiple of 4")
        )


def _check_version(versions: dict[str, str], result: CheckResult) -> None:
    """PDF/X-4 declared in the XMP (pdfxid:GTS_PDFXVersion), and every other declaration
    of the version (the XMP's pdfx:, the Info dictionary) saying the same."""
    declared = versions.get(_XMP_VERSION)
    if declared is None:
        result.problems.append(
            Problem("the XMP metadata declares no PDF/X version (pdfxid:GTS_PDFXVersion)")
        )
        return
    if declared != "PDF/X-4":
        result.problems.append(
            Problem(f"the PDF declares '{declared or 'no'}' conformance, not PDF/X-4")
        )
    for where, version in versions.items():
        if version != declared:
            result.problems.append(
                Problem(
                    f"the {_WHERE[where]} says '{version}', the {_WHERE[_XMP_VERSION]} '{declared}'"
                )
            )


def _check_intent(intent: OutputIntent, result: CheckResult) -> None:
    """A PDF/X output intent, naming its printing condition, with a profile whose /N is the
    number of components of the colour space its header declares."""
    if intent.subtype != "GTS_PDFX":
        result.problems.append(Problem(f"an output intent is {intent.subtype}, not GTS_PDFX"))
    if not intent.condition.strip():
        result.problems.append(
            Problem("the output intent names no printing condition (/OutputConditionIdentifier)")
        )
    if intent.components is None:
        result.problems.append(Problem("the output intent has no profile (/DestOutputProfile)"))
        return
    wanted = _COMPONENTS.get(intent.profile_space)
    if wanted is None:
        result.problems.append(
            Problem(f"the output intent's profile has colour space '{intent.profile_space}'")
        )
    elif intent.components != wanted:
        result.problems.append(
            Problem(
                f"the output intent's profile is {intent.profile_space} ({wanted} components), "
                f"but its /N says {intent.components}"
            )
        )


def _check_annotations(pdf: PdfReadback, result: CheckResult) -> None:
    """No annotation but printer's marks and trap networks (PDF/X): one line a page."""
    by_page: dict[int, Counter[str]] = {}
    for index, subtype in pdf.structure.annotations:
        if subtype not in _PRINTABLE_ANNOTATIONS:
            by_page.setdefault(index, Counter())[subtype] += 1
    for index, subtypes in sorted(by_page.items()):
        found = ", ".join(f"{count} {subtype}" for subtype, count in sorted(subtypes.items()))
        result.problems.append(
            Problem(
                f"annotations ({found}): PDF/X allows only PrinterMark and TrapNet",
                page_label(pdf, index),
            )
        )
    result.figures["annotations"] = len(pdf.structure.annotations)


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
