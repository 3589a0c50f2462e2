"""Imposition: a booklet for a desktop printer, two pages a side on tabloid sheets.

The pages of the print PDF (a multiple of 4, bleed and marks trimmed away) are
put two by two on 11 × 17 in landscape sides, in the order that, printed on
both sides and folded in the middle, gives back the bulletin: for 8 pages,
sides (8, 1), (2, 7), (6, 3), (4, 5).
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError
from pypdf.generic import RectangleObject

from .errors import BuildError, UnreadablePdfError
from .files import MAX_PDF_BYTES, Unreadable, read_regular, refuse_overwrite, write_file

TABLOID = (1224.0, 792.0)  # 17 × 11 in, landscape


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """The (left, right) page numbers (1-based) of each side, in printing order."""
    if pages % 4:
        raise BuildError(
            f"{pages} pages ne se plient pas en livret (il en faut un multiple de 4)",
            hint="donnez le PDF d'impression (-impression.pdf), dont les pages vont par quatre",
        )
    sides = []
    for sheet in range(pages // 4):
        outer, inner = 2 * sheet, 2 * sheet + 1
        sides.append((pages - outer, outer + 1))  # front: last and first still free
        sides.append((inner + 1, pages - inner))  # back
    return sides


def impose(pdf: Path, output: Path) -> int:
    """Write the booklet of ``pdf`` to ``output``; returns the number of sides."""
    refuse_overwrite([output], [pdf])  # the booklet never replaces its own pages
    try:
        reader = PdfReader(io.BytesIO(read_regular(pdf, MAX_PDF_BYTES)))
        pages = list(reader.pages)
    except (OSError, PdfReadError, Unreadable) as exc:
        raise UnreadablePdfError(
            f"impossible de lire le PDF : {exc}",
            path=pdf,
            hint="donnez le PDF d'impression produit par bippdf",
        ) from None
    writer = PdfWriter()
    width, height = TABLOID
    for left, right in booklet_order(len(pages)):
        side = PageObject.create_blank_page(width=width, height=height)
        for number, x in ((left, 0.0), (right, width / 2)):
            page = pages[number - 1]
            trim = page.trimbox
            scale = min(width / 2 / float(trim.width), height / float(trim.height))
            page.mediabox = page.cropbox = RectangleObject(trim)  # the bleed and marks go
            offset_y = (height - float(trim.height) * scale) / 2
            side.merge_transformed_page(
                page,
                Transformation()
                .translate(-float(trim.left), -float(trim.bottom))
                .scale(scale)
                .translate(x, offset_y),
            )
        writer.add_page(side)
    for side in writer.pages:
        side.compress_content_streams()
    # Each side carries copies of the fonts and images of its two pages: keep one of each.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    write_file(output, buffer.getvalue())
    return len(writer.pages)
