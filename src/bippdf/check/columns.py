"""The text columns of a page as read back: which lines stand in the left and the right
column of a two-column page, and which run over their column."""

from __future__ import annotations

from .readback import Line
from .report import TOLERANCE


def split_columns(
    lines: list[Line], columns: tuple[tuple[float, float], tuple[float, float]]
) -> tuple[list[list[Line]], list[Line]]:
    """A page's lines in its two columns (both empty on a one-column page), and the lines
    that run over a column. The columns start at the first height where both hold a
    line; what stands above (an article's title, byline and lead) spans the page."""
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
        return [[], []], []
    first = max(line.top for pair in pairs for line in pair)
    end = min(line.bottom for pair in pairs for line in pair)
    sided = {id(line) for line in left + right}
    spanning = [line for line in lines if id(line) not in sided]
    header = [line.bottom for line in spanning if line.middle > first]  # title, lead
    start = min(header, default=float("inf"))
    left = [line for line in left if line.top <= start]
    right = [line for line in right if line.top <= start]
    overruns = [line for line in left if line.right > left_end + TOLERANCE]
    overruns += [line for line in spanning if end <= line.middle <= first]
    return [left, right], overruns
