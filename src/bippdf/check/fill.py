"""How full the pages are, as a designer looks at a bulletin laid out in columns.

A page of articles is filled down to its lowest line or image; the body (from the
first article to the last page before the Annexe) has no page under ``HALF`` full but
its last one, where the articles end. A column hole is a column of a two-column page
ending more than ``HOLE`` of the text block above the other one, where the article
goes on over the page (at an article's end, a short last column is the ending).
Both are warnings for now: copyfitting (copyfit.py) keeps the pages of a build over
half full (an article that ends on a page under half full is set looser), a long
quotation goes on in the next column rather than leave a hole, but a figure or a
table is not moved yet; and a PDF laid out without a fit (every article on a new
page) is not wrong, only loose.
"""

from __future__ import annotations

from ..contract import ANNEXE_ID, CONTENTS_ID, TITLE_FONT, PageGeometry
from .columns import split_columns
from .readback import Line, PdfReadback
from .report import CheckResult, Problem, page_label

HALF = 0.5  # the least share of the text block a page of the body fills
HOLE = 0.10  # the most share of the text block a column may leave empty mid-article
TITLE_SIZE = 18 * 4 / 3  # pdfium's size of an article's or the Annexe's title (px)


def check_fill(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """Pages under half full in the body, column holes mid-article (warnings); the fill
    of every page of the body and the holes as figures."""
    result = CheckResult("fill")
    fills = [_fill(pdf, index, geometry) for index in range(pdf.page_count)]
    body = _body(pdf)
    for index in body[:-1]:
        if fills[index] < HALF:
            result.warnings.append(
                Problem(
                    f"page remplie à {fills[index]:.0%} : une page d'articles l'est à moitié "
                    "au moins (seule la dernière peut l'être moins)",
                    page_label(pdf, index),
                )
            )
    holes = []
    for index in body:
        hole = _hole(pdf, index, geometry)
        if hole is not None:
            holes.append(round(hole, 3))
            result.warnings.append(
                Problem(
                    f"une colonne finit {hole:.0%} de page plus haut que l'autre, et l'article "
                    f"continue à la page suivante (au plus {HOLE:.0%})",
                    page_label(pdf, index),
                )
            )
    result.figures["fill"] = [round(fills[index], 3) for index in body]
    result.figures["least_filled"] = round(min((fills[i] for i in body[:-1]), default=1.0), 3)
    result.figures["column_holes"] = holes
    return result


def _body(pdf: PdfReadback) -> list[int]:
    """The pages of the articles: from the first page after the contents with running
    text, to the page before the Annexe (or the back cover)."""
    titled = [index for index in range(pdf.page_count) if _opens(pdf.lines[index])]
    annexe = pdf.page_of(ANNEXE_ID)
    end = annexe if annexe is not None else pdf.page_count - 1
    start = min(titled, default=end)
    contents = pdf.page_of(CONTENTS_ID)
    if contents is not None:
        start = max(start, contents + 1)
    return [index for index in range(start, end) if pdf.lines[index]]


def _opens(lines: list[Line]) -> bool:
    """Whether a page holds an article's (or the Annexe's) title."""
    return any(_is_title(line) for line in lines)


def _is_title(line: Line) -> bool:
    return line.font.startswith(TITLE_FONT.pdf_name) and line.size >= TITLE_SIZE


def _fill(pdf: PdfReadback, index: int, geometry: PageGeometry) -> float:
    """The share of the text block filled, from its top to its lowest line or image."""
    _, bottom, _, top = geometry.text_block_pt(index)
    lows = [line.bottom for line in pdf.lines[index]]
    lows += [picture.box[1] for picture in pdf.images[index]]
    if not lows:
        return 0.0
    return max(0.0, min(1.0, (top - max(bottom, min(lows))) / (top - bottom)))


def _hole(pdf: PdfReadback, index: int, geometry: PageGeometry) -> float | None:
    """The share of the text block left empty at the foot of a column that ends short of
    the other one, when the article goes on over the page; None without such a hole."""
    (left, right), _ = split_columns(pdf.lines[index], geometry.columns_pt(index))
    if not left or not right:
        return None
    _, bottom, _, top = geometry.text_block_pt(index)
    ends = [min(line.bottom for line in column) for column in (left, right)]
    gap = abs(ends[0] - ends[1]) / (top - bottom)
    if gap <= HOLE:
        return None
    following = index + 1
    if following < pdf.page_count and pdf.lines[following]:
        first = max(pdf.lines[following], key=lambda line: line.top)
        if _is_title(first):  # the next page opens an article: this one ended here
            return None
    # The page's last lines under both columns (an article beginning below them) mean
    # the columns were balanced at an article's end.
    lowest = min(line.bottom for line in pdf.lines[index])
    if lowest < min(ends) - 1:
        return None
    return gap
