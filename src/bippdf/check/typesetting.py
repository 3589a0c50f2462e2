"""The typesetting checks: fonts and glyphs, text and images within the text block, and
what a designer looks for in the columns (widows, orphans, headings; line breaking:
lines.py)."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from ..contract import (
    ANNEXE_ID,
    CALL_ID,
    CONTENTS_ID,
    NOTE_ID,
    TEXT_FONT,
    TITLE_FONT,
    TITLE_SUFFIX,
    PageGeometry,
)
from ..resources import can_draw, project_font_names
from .columns import split_columns
from .readback import Line, PdfReadback
from .report import TOLERANCE, CheckResult, Expectations, Problem, page_label


def check_fonts(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Every font embedded and one of bippdf's own; no character without a glyph."""
    result = CheckResult("fonts", figures={"fonts": sorted(pdf.fonts)})
    ours = project_font_names()
    for font in pdf.fonts.values():
        where = page_label(pdf, min(font.pages)) if font.pages else None
        if not font.embedded:
            result.problems.append(Problem(f"la police {font.name} n'est pas incorporée", where))
        if font.name not in ours:
            result.problems.append(
                Problem(
                    f"la police {font.name} n'est pas une de celles de bippdf (styles/fonts)", where
                )
            )
    for index, text in enumerate(pdf.texts):
        missing = sorted(
            {
                c
                for c in set(text)  # each character once: a page holds thousands, of a few dozen
                if ord(c) >= 0x20
                and not c.isspace()
                and c not in "\ufffe\ufeff"
                and not can_draw(c)
            }
        )
        if missing:
            listed = ", ".join(f"U+{ord(c):04X} {c}" for c in missing[:5])
            result.problems.append(
                Problem(
                    f"aucun glyphe dans les polices de bippdf pour {listed}", page_label(pdf, index)
                )
            )
    for warning in expected.warnings:
        if warning.startswith(".notdef glyph rendered"):
            result.problems.append(Problem(f"glyphe manquant : {warning}"))
    return result


def check_overflow(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """Nothing of the body drawn outside the text block (the cover excepted)."""
    result = CheckResult("overflow")
    for index in range(1, pdf.page_count):
        left, bottom, right, top = geometry.text_block_pt(index)
        for box in (picture.box for picture in pdf.images[index]):
            if (
                box[0] < left - TOLERANCE
                or box[2] > right + TOLERANCE
                or box[1] < bottom - TOLERANCE
                or box[3] > top + TOLERANCE
            ):
                result.problems.append(
                    Problem(
                        f"une image sort de la zone de texte ({box[0]:.0f}–{box[2]:.0f} pt "
                        f"en largeur, zone de texte {left:.0f}–{right:.0f} pt)",
                        page_label(pdf, index),
                        at=(index, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2),
                    )
                )
    for index, text in enumerate(pdf.outside):
        if index > 0 and text:
            left, _, right, _ = geometry.text_block_pt(index)
            out = (
                line
                for line in pdf.lines[index]
                if line.left < left - TOLERANCE or line.right > right + TOLERANCE
            )
            line = next(out, None)
            result.problems.append(
                Problem(
                    f"texte hors de la zone de texte : « {text[:60]} »",
                    page_label(pdf, index),
                    at=(index, line.left + 1, line.middle) if line else None,
                )
            )
    return result


_NOT_HEADINGS = re.compile(
    rf"^(?:{re.escape(CONTENTS_ID)}(?:{re.escape(TITLE_SUFFIX)})?|{re.escape(ANNEXE_ID)})$"
)

_Columns = dict[int, tuple[list[list[Line]], list[Line]]]  # page: its columns, overruns


def check_layout(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """What a designer looks for: a heading last in its column, a paragraph's first line
    alone at the foot of a column (orphan) or its last line alone at the top (widow), a
    line running over its column."""
    result = CheckResult("layout")
    # The running text's size: the most common size of the text font's lines.
    size = text_size(pdf)
    counts = {"orphans": 0, "widows": 0, "headings": 0, "overruns": 0}
    by_page = {
        index: split_columns(pdf.lines[index], geometry.columns_pt(index))
        for index in range(1, pdf.page_count)
    }
    _check_columns(pdf, geometry, by_page, size, counts, result)
    _check_headings(pdf, geometry, by_page, counts, result)
    result.figures.update(counts)
    return result


def _check_columns(
    pdf: PdfReadback,
    geometry: PageGeometry,
    by_page: _Columns,
    size: float,
    counts: dict[str, int],
    result: CheckResult,
) -> None:
    """Lines running over their column, orphans and widows, column by column
    (a widow's paragraph begins in the column before, maybe on the page before)."""
    previous: list[Line] = []  # the last column's body lines, for widows across pages
    for index in range(1, pdf.page_count):
        where = page_label(pdf, index)
        columns, overruns = by_page[index]
        for line in overruns:
            counts["overruns"] += 1
            result.problems.append(
                Problem(
                    f"une ligne déborde de sa colonne : « {line.text[:50]} »",
                    where,
                    at=(index, line.left + 1, line.middle),
                )
            )
        for column_lines, (_, column_right) in zip(
            columns, geometry.columns_pt(index), strict=True
        ):
            body = [line for line in column_lines if _is_body(line, size)]
            if not body:
                continue
            if _is_orphan(body, column_lines, column_right, size):
                counts["orphans"] += 1
                result.problems.append(
                    Problem(
                        f"ligne orpheline : la première ligne d'un paragraphe est seule en bas "
                        f"de colonne : « {body[-1].text[:40]} »",
                        where,
                        at=(index, body[-1].left + 1, body[-1].middle),
                    )
                )
            if previous and _is_widow(body, column_lines, column_right, previous, size):
                counts["widows"] += 1
                result.problems.append(
                    Problem(
                        f"ligne veuve : la dernière ligne d'un paragraphe est seule en haut "
                        f"de colonne : « {body[0].text[:40]} »",
                        where,
                        at=(index, body[0].left + 1, body[0].middle),
                    )
                )
            previous = body
        if not any(columns):
            previous = []


def _check_headings(
    pdf: PdfReadback,
    geometry: PageGeometry,
    by_page: _Columns,
    counts: dict[str, int],
    result: CheckResult,
) -> None:
    """A heading (a named destination other than a note's, the contents' or the
    Annexe's) left at the foot of its column."""
    for name, (page, _, top) in sorted(pdf.positions.items(), key=lambda item: item[1]):
        if page == 0 or _NOT_HEADINGS.match(name) or NOTE_ID.match(name) or CALL_ID.match(name):
            continue
        columns, _ = by_page[page]
        for column_lines, (_, column_right) in zip(columns, geometry.columns_pt(page), strict=True):
            below = [line for line in column_lines if line.top <= top + 1]
            if not below or below[0].top < top - 30 or not _is_heading(below[0]):
                continue
            count = next((i for i, line in enumerate(below) if not _is_heading(line)), len(below))
            heading, after = below[:count], below[count:]
            # Alone at the foot, or with only the first line of a paragraph that goes on.
            if not after or (len(after) == 1 and _is_full(after[0], column_right)):
                counts["headings"] += 1
                title = " ".join(line.text.strip() for line in heading)[:50]
                result.problems.append(
                    Problem(
                        f"l'intertitre « {title} » finit sa colonne, suivi de "
                        f"{len(after)} ligne{'s' if len(after) > 1 else ''}",
                        page_label(pdf, page),
                        at=(page, heading[0].left + 1, heading[0].middle),
                    )
                )
            break


def text_size(pdf: PdfReadback) -> float:
    """The running text's size: the most common size of the text font's lines."""
    sizes = Counter(
        line.size for page in pdf.lines for line in page if line.font == TEXT_FONT.pdf_name
    )
    return sizes.most_common(1)[0][0] if sizes else 0.0


def is_running(line: Line, size: float) -> bool:
    """A line in the text font at the text size, whatever its face (one that begins in
    bold or italics is still running text)."""
    return line.font.startswith(TEXT_FONT.pdf_name) and abs(line.size - size) < 0.3


def _is_body(line: Line, size: float) -> bool:
    """A line of running text (the text font's roman at the text size), not a heading, a
    byline, a lead, a caption, a quotation or a table."""
    return line.font == TEXT_FONT.pdf_name and abs(line.size - size) < 0.3


def _is_heading(line: Line) -> bool:
    """A line in a face of the title font other than its regular: a heading."""
    return line.font.startswith(TITLE_FONT.pdf_name) and line.font != TITLE_FONT.pdf_name


def _is_full(line: Line, right: float) -> bool:
    """Justified to the column's edge: a line in the middle of its paragraph."""
    return line.right >= right - 2


def _breaks_before(lines: list[Line], line: Line, size: float) -> bool:
    """Whether a paragraph starts at ``line``: more space above it than between the lines
    of a paragraph, or something other than running text above it."""
    at = lines.index(line)
    if at == 0:
        return True
    above = lines[at - 1]
    steps = sorted(
        a.baseline - b.baseline
        for a, b in itertools.pairwise(lines)
        if _is_body(a, size) and _is_body(b, size) and a.baseline - b.baseline > 5
    )
    pitch = steps[len(steps) // 2] if steps else 14.0
    # A line that begins in bold or italics (a phrase set off in the paragraph) is still
    # running text: only another size or face (a heading, a quotation) ends a paragraph.
    return not is_running(above, size) or above.baseline - line.baseline > pitch * 1.2


def _is_orphan(body: list[Line], lines: list[Line], right: float, size: float) -> bool:
    """The column ends on the first line of a paragraph that goes on elsewhere."""
    last = body[-1]
    return lines[-1] is last and _breaks_before(lines, last, size) and _is_full(last, right)


def _is_widow(
    body: list[Line], lines: list[Line], right: float, previous: list[Line], size: float
) -> bool:
    """The column starts with the last line of a paragraph begun in the column before."""
    first = body[0]
    if lines[0] is not first or _is_full(first, right) or not _is_full(previous[-1], right):
        return False
    return len(lines) == 1 or _breaks_before(lines, lines[1], size)
