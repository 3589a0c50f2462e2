"""Approve the current look of the PDF: rewrite the visual test's reference pages and crops.

tests/test_proof.py builds the small issue in tests/fixtures/visual/issue/ and
compares each page with tests/fixtures/visual/reference/page-NNN.png, and the
places where a glyph matters (a note call, an ordinal, a contents leader and its
page number, the folios), drawn large, with tests/fixtures/visual/crops/. After
a deliberate change to the styles, templates or typography, run this script (or
``make approve-proofs``), look at the new pages and crops, and commit them with
the change.

Usage: python scripts/approve_proofs.py
"""

from __future__ import annotations

import ctypes
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image

from bippdf.errors import BippdfError, CheckError
from bippdf.proof import render_issue

ROOT = Path(__file__).resolve().parent.parent
VISUAL = ROOT / "tests" / "fixtures" / "visual"
ISSUE = VISUAL / "issue"
REFERENCE = VISUAL / "reference"
CROPS = VISUAL / "crops"
BOXES = "boxes.json"  # where each crop was taken, in points from the page's lower left
DPI = 40  # low: about 340×440 pixels a page, enough to see layout, small to commit
CROP_DPI = 300  # a glyph's height is some 40 pixels, a point 4: a moved glyph shows


@dataclass(frozen=True)
class Place:
    """A place worth a close look, found in the text the PDF gives back: ``pattern``
    matches exactly once in the whole document, and the crop is taken around the
    baseline origin of the character its group 1 matched (points left, below, right
    and above it). What matters is drawn relative to that character."""

    name: str
    pattern: str
    around: tuple[float, float, float, float]


PLACES = (
    # The call stands raised after its word: cropped from the word's last letter.
    Place("note-call", r"Vill(e)1", (1, 3, 10, 11)),
    # The ordinal's letters stand raised after its digit: cropped from the digit.
    Place("ordinal", r"le (1)er\savril", (1, 3, 13, 11)),
    # The leader's dots lead to the entry's page number, at the end of the line.
    Place("contents-leader", r"Saint-Roch[ .]*(3)\r\n", (70, 4, 10, 12)),
    # The folios in the bottom margin: page 3 a right-hand page, page 4 a left-hand one.
    Place("folio-right", r"\n(3)$", (20, 6, 20, 14)),
    Place("folio-left", r"\n(4)$", (20, 6, 20, 14)),
)


def render_fixture(out_dir: Path, pdf: Path | None = None) -> list[Path]:
    """Build the visual fixture issue and render its pages to ``out_dir`` at ``DPI``."""
    return render_issue(ISSUE, out_dir, dpi=DPI, pdf=pdf)


def render_crops(pdf: Path, out_dir: Path) -> dict[str, tuple[int, list[float]]]:
    """Draw each of ``PLACES`` at ``CROP_DPI`` into ``out_dir/<name>.png``; return where each
    was taken: its page index and box in points (also written to ``out_dir/boxes.json``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.png"):  # a place renamed or gone leaves no crop behind
        stale.unlink()
    scale = CROP_DPI / 72
    boxes: dict[str, tuple[int, list[float]]] = {}
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = [_page_text(document[index]) for index in range(len(document))]
        images: dict[int, Image.Image] = {}  # each page drawn once
        for place in PLACES:
            index, box = _locate(pdf, document, texts, place)
            page = document[index]
            left, _, _, top = page.get_cropbox()  # the rendered area
            if index not in images:
                images[index] = page.render(scale=scale).to_pil().convert("RGB")
            image = images[index]
            pixels = (
                round((box[0] - left) * scale),
                round((top - box[3]) * scale),
                round((box[2] - left) * scale),
                round((top - box[1]) * scale),
            )
            image.crop(pixels).save(out_dir / f"{place.name}.png", optimize=True)
            boxes[place.name] = (index, [round(value, 2) for value in box])
    finally:
        document.close()
    lines = [f" {json.dumps(name)}: {json.dumps(where)}" for name, where in boxes.items()]
    (out_dir / BOXES).write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    return boxes


def _page_text(page: pypdfium2.PdfPage) -> str:
    """The page's text as pdfium reads it, one character for each of its indices."""
    textpage = page.get_textpage()
    try:
        unicode = pypdfium2.raw.FPDFText_GetUnicode
        return "".join(chr(unicode(textpage, i)) for i in range(textpage.count_chars()))
    finally:
        textpage.close()


def _locate(
    pdf: Path, document: pypdfium2.PdfDocument, texts: list[str], place: Place
) -> tuple[int, tuple[float, float, float, float]]:
    """The page and the box of ``place``: around its character's baseline origin."""
    found = [
        (index, match.start(1))
        for index, text in enumerate(texts)
        for match in re.finditer(place.pattern, text)
    ]
    if len(found) != 1:
        raise CheckError(
            f"{place.name}: {place.pattern!r} is found {len(found)} times, not once",
            path=pdf,
            hint="the fixture issue changed: adjust PLACES in scripts/approve_proofs.py",
        )
    index, char = found[0]
    textpage = document[index].get_textpage()
    try:
        x, y = ctypes.c_double(), ctypes.c_double()
        if not pypdfium2.raw.FPDFText_GetCharOrigin(textpage, char, x, y):
            raise CheckError(f"{place.name}: pdfium gives no origin for its character", path=pdf)
    finally:
        textpage.close()
    left, below, right, above = place.around
    return index, (x.value - left, y.value - below, x.value + right, y.value + above)


def main() -> int:
    before = {path.name for path in REFERENCE.glob("page-*.png")}
    try:
        with tempfile.TemporaryDirectory(prefix="bippdf-proof-") as temp:
            pdf = Path(temp) / "visual.pdf"
            pages = render_fixture(REFERENCE, pdf)  # removes the old page-*.png first
            boxes = render_crops(pdf, CROPS)
    except BippdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for page in pages:
        print(f"{page.relative_to(ROOT)}: {page.stat().st_size} bytes")
    for name in sorted(before - {page.name for page in pages}):
        print(f"{name}: deleted (the issue has fewer pages now)")
    total = sum(page.stat().st_size for page in pages)
    print(f"{len(pages)} reference pages, {total // 1024} KB in all")
    for name, (index, box) in boxes.items():
        crop = CROPS / f"{name}.png"
        print(f"{crop.relative_to(ROOT)}: page {index + 1}, box {box}, {crop.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
