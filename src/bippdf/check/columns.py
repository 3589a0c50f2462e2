"""The text columns of a page as read back: which lines stand in the left and the right
column of a two-column page, and which run over their column.

A line belongs to a box before it belongs to a side of the page: an article's header
(its title, byline and lead) spans the page above its columns, so a line of the header
that happens to end short of the middle is still a full-width line, not a line of the
left column, and never one running over it. A page may hold several runs of columns,
one under the other (an article ending in two columns, the next one's header across
the page, then its columns): each run is a band of lines paired side by side, and
what stands between two bands spans the page.
"""

from __future__ import annotations

from ..recent import Recent
from .readback import Line
from .report import TOLERANCE

# The space under an article's header (``.article-header`` in styles/bulletin.css): no
# two lines of a column stand this far apart above where the columns pair up.
HEADER_SPACE = 14.0  # points


_Columns = tuple[tuple[float, float], tuple[float, float]]


def split_columns(lines: list[Line], columns: _Columns) -> tuple[list[list[Line]], list[Line]]:
    """A page's lines in its two columns (both empty on a one-column page), and the lines
    that run over a column. The columns start at the first height where both hold a
    line; what stands above them (an article's title, byline and lead) spans the page."""
    sides, overruns, _ = _split(lines, columns)
    return sides, overruns


def column_runs(lines: list[Line], columns: _Columns) -> list[tuple[int, list[Line]]]:
    """A page's column text in reading order: section after section from the top (an
    article ending in two columns, then the next one's under its header), the left
    column then the right one of each, as (column, lines). So the line after the last
    of a section's left column is the first of its right column, not the left column's
    next section. (Columns that an image in one of them interrupts go on below it.)"""
    (left, right), _, sections = _split(lines, columns)
    tops = [top for top, _ in sections]

    def section(line: Line) -> int:
        """The section a line stands in: the lowest whose top is above it."""
        return max((at for at, top in enumerate(tops) if line.middle <= top + 1), default=0)

    runs = []
    for at in range(len(sections)):
        for column, side in enumerate((left, right)):
            run = [line for line in side if section(line) == at]
            if run:
                runs.append((column, run))
    return runs


_Split = tuple[list[list[Line]], list[Line], list[tuple[float, float]]]
# The last pages split, by their list of lines (held, so that its id is no other's): a
# check asks for each page's columns three times (lines, layout, fill).
_SPLIT: Recent[tuple[int, _Columns], tuple[list[Line], _Split]] = Recent(64)


def _split(lines: list[Line], columns: _Columns) -> _Split:
    """``split_columns``, with the page's sections from the top: its bands of lines
    standing side by side, a band under an article's header starting a new one (each a
    list of its own: a caller may change it)."""
    key = (id(lines), columns)
    kept = _SPLIT.get(key) or (lines, _split_anew(lines, columns))
    _SPLIT.keep({key: kept})
    (left, right), overruns, sections = kept[1]
    return [list(left), list(right)], list(overruns), list(sections)


def _split_anew(lines: list[Line], columns: _Columns) -> _Split:
    """``_split``, made."""
    (_, left_end), (right_start, _) = columns
    middle = (left_end + right_start) / 2
    left = [line for line in lines if line.right <= middle]
    right = [line for line in lines if line.left >= middle]
    pairs = [(a, b) for a in left for b in right if min(a.top, b.top) > max(a.bottom, b.bottom)]
    # Two columns of text stand side by side line after line, each line nearly the
    # column's width; a centred table's cells or short lines in one column do not.
    width = left_end - columns[0][0]
    wide = [(a, b) for a, b in pairs if min(a.right - a.left, b.right - b.left) > 0.8 * width]
    if len(wide) < 3:  # a one-column page: contents, Annexe, or notes at the foot of the page
        return [[], []], [], []
    header: set[int] = set()
    ceiling = float("inf")
    bands = _bands(pairs)
    ends = _column_ends(bands, left) | _column_ends(bands, right)
    sections: list[list[float]] = []  # bands from an article's header down
    for top, bottom in bands:
        # What stands above this band and below the previous one: the header of an
        # article that begins here (or the end of a column beside an image); not the
        # last lines of the previous band's longer column.
        region = [line for line in lines if top < line.middle < ceiling and id(line) not in ends]
        sides = [
            line
            for line in left + right
            if top - 1 < line.middle < ceiling and id(line) not in ends
        ]
        above = _header(
            [line for line in sides if line in left],
            [line for line in sides if line in right],
            region + sides,
            top,
        )
        # A band under a header starts a section of its own; one under the other beside
        # an image goes on in the same columns.
        if above or not sections:
            # From under the header: a column may begin higher than the band.
            under = min((line.bottom for line in lines if id(line) in above), default=top)
            sections.append([max(top, under), bottom])
        sections[-1][1] = bottom
        header |= above
        ceiling = bottom
    left = [line for line in left if id(line) not in header]
    right = [line for line in right if id(line) not in header]
    sided = {id(line) for line in left + right}
    spanning = [line for line in lines if id(line) not in sided]
    overruns = [line for line in left if line.right > left_end + TOLERANCE]
    overruns += [
        line for line in spanning if any(bottom <= line.middle <= top for top, bottom in bands)
    ]
    return [left, right], overruns, [(top, bottom) for top, bottom in sections]


# Lines paired side by side further apart than this belong to two runs of columns: an
# article's header between two runs takes more (its title alone, with its rule and the
# space above it, about 60 pt); a few lines of code across the gutter take less.
BAND_GAP = 60.0  # points


def _bands(pairs: list[tuple[Line, Line]]) -> list[tuple[float, float]]:
    """The runs of columns of a page, from the top: (top, bottom) of each band of lines
    standing side by side."""
    spans = sorted(((max(a.top, b.top), min(a.bottom, b.bottom)) for a, b in pairs), reverse=True)
    bands: list[list[float]] = []
    for top, bottom in spans:
        if bands and top >= bands[-1][1] - BAND_GAP:
            bands[-1][1] = min(bands[-1][1], bottom)
        else:
            bands.append([top, bottom])
    return [(top, bottom) for top, bottom in bands]


def _column_ends(bands: list[tuple[float, float]], side: list[Line]) -> set[int]:
    """The ids of a column's lines that go on below a band, line after line, where the
    other column of the band has ended (its text balanced on one line more): they end
    that band's column, whatever stands under them."""
    ends: set[int] = set()
    for _, bottom in bands:
        above = [line for line in side if line.middle >= bottom]
        if not above:
            continue
        last = min(above, key=lambda line: line.middle)
        for line in sorted((line for line in side if line.middle < bottom), key=_top_first):
            if last.bottom - line.top >= HEADER_SPACE:
                break
            ends.add(id(line))
            last = line
    return ends


def _top_first(line: Line) -> float:
    return -line.top


def _header(left: list[Line], right: list[Line], lines: list[Line], first: float) -> set[int]:
    """The ids of the lines of the full-width box above the columns, whichever side of
    the page they end on."""
    sided = {id(line) for line in left + right}
    above = sorted((line for line in lines if line.middle > first), key=lambda line: line.top)
    # What crosses the middle above the columns is the header, and so is all above it.
    spanning = [line.bottom for line in above if id(line) not in sided]
    start = min(spanning, default=float("inf"))
    header = {id(line) for line in above if id(line) not in sided or line.top > start}
    # A column may begin higher than the other (beside an image, or when the other opens
    # with a quotation's space): its lines go up from the columns line after line, while
    # the header stands above the space that closes it.
    top = first
    for at, line in enumerate(above):
        if line.bottom - top >= HEADER_SPACE:
            header |= {id(line) for line in above[at:]}
            break
        top = max(top, line.top)
    return header
