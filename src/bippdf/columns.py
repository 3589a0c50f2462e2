"""The columns of an article laid out once where WeasyPrint lays them out twice.

WeasyPrint 70 lays out a box of columns (an article's body, bulletin.css) by search
(weasyprint/layout/column.py): it lays the columns out at the height left on the page,
and, where the box ends, again at heights growing from the average until its text fits
(the columns balanced). Then it lays each column out once more, at the height found,
as the page keeps it. That last layout most often repeats one the search has just
made: the same column, from the same place in the text, with the same space below it.
This module keeps the columns the search lays out and gives the last layout the one it
asks for rather than lay it out again: for No. 6, four columns in five, a fifth to a
quarter of the layout's time.

A column is given back only when it is the one WeasyPrint would make, byte for byte
once written (tests/test_columns.py):

- laid out from the same place in the text, with the same space below it, on the same
  page, at the same place across it. WeasyPrint's search lays every column out where
  the first one goes; here each is laid out at its own place, as the last layout places
  it, which changes nothing the search measures (heights), since no float is on the
  page: with one, or footnotes, the columns are laid out as WeasyPrint lays them out;
- when laying it out left nothing but its boxes: no footnote, float, running element,
  box broken out of the flow or box placed absolutely (a list's markers: those are
  placed once the column is, from a box every try of the search lays out again);
- as on a page with content or as at the top of an empty one, like the last layout. The
  search lays its first try out as at the top of an empty page (so that something is
  placed) and its balancing tries as not; the last layout as the box itself is placed.
  That only changes a column through its first block (a top margin meeting its
  parent's dropped at the top of a page, a line or a block placed though it does not
  fit, a paragraph broken with fewer lines than ``orphans``), or at a break the styles
  avoid where there is no earlier one (made anyway at the top of a page): a column
  whose first block is whole, fits, and has no such margin down to its first line (or
  is on the first page, where none is dropped), and that does not end at a break to
  avoid, is laid out the same either way (``_CHECKS``).

The search is recognised by how WeasyPrint 70 calls ``block_box_layout`` for a column:
its tries with a list of adjoining margins, its last layout with None, and its measure
of the next block below an infinite space. Another version of WeasyPrint is left as it
is (``install``).
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from math import inf
from typing import Any

SUPPORTED = "70."  # the version whose column layout this knows (pyproject.toml pins it)


@dataclass
class Counts:
    """The columns WeasyPrint's last layouts asked for: laid out, or given back."""

    laid_out: int = 0
    reused: int = 0


counts = Counts()
_WEASYPRINT: dict[str, Any] = {}  # its columns_layout and block_box_layout, once replaced
_local = threading.local()  # the searches under way in this thread, innermost last


def install(weasyprint: Any) -> None:
    """Lay out the columns of this WeasyPrint's boxes of columns as this module does
    (once per process; another version than ``SUPPORTED`` is left as it is)."""
    if _WEASYPRINT or not str(weasyprint.__version__).startswith(SUPPORTED):
        return
    from weasyprint.layout import block

    _WEASYPRINT.update(columns_layout=block.columns_layout, block_box_layout=block.block_box_layout)
    block.columns_layout = _columns_layout
    block.block_box_layout = _block_box_layout


@contextmanager
def weasyprints_own() -> Iterator[None]:
    """Columns laid out by WeasyPrint's own functions meanwhile, in this thread."""
    _local.own = getattr(_local, "own", 0) + 1
    try:
        yield
    finally:
        _local.own -= 1


def _searches() -> list[_Search | None]:
    if not hasattr(_local, "searches"):
        _local.searches = []
    searches: list[_Search | None] = _local.searches
    return searches


@dataclass(eq=False)
class _Column:
    """A column the search laid out, and from what."""

    skip_stack: Any  # where in the text it starts
    bottom_space: float
    page_is_empty: bool
    state: tuple[Any, ...]  # of the page (_state)
    result: tuple[Any, ...]  # block_box_layout's
    either_way: bool  # the same whether laid out as at the top of an empty page or not


@dataclass(eq=False)
class _Search:
    """One box of columns being laid out: the columns its search laid out."""

    start: Any  # the skip stack of its first column
    gap: float
    index: int = 0  # of the column being laid out in the search's try
    columns: list[_Column] = field(default_factory=list)

    def column(self, lay_out: Any, args: list[Any]) -> Any:
        """A column of one of the search's tries, laid out at its own place, and kept."""
        context, box, bottom_space, skip_stack, _, page_is_empty, absolute, fixed = args[:8]
        # Each try lays its columns out one after the other from the box's start.
        self.index = 0 if skip_stack == self.start else self.index + 1
        left = box.position_x
        box.position_x = left + self.index * (box.width + self.gap)  # as column.py places it
        before = _traces(context)
        try:
            result = lay_out(*args)
        finally:
            box.position_x = left
        if (
            result[0] is not None
            and not absolute
            and not fixed
            and _traces(context) == before
            and _clear(context)
        ):
            self.columns.append(
                _Column(
                    copy.deepcopy(skip_stack),
                    bottom_space,
                    bool(page_is_empty),
                    _state(context),
                    result,
                    _either_way(context, box, result, skip_stack, bottom_space),
                )
            )
        return result

    def last(self, lay_out: Any, args: list[Any]) -> Any:
        """A column of the last layout: the search's, if it laid this one out."""
        context, box, bottom_space, skip_stack, _, page_is_empty = args[:6]
        state = _state(context)
        for kept in reversed(self.columns):
            if (
                kept.skip_stack == skip_stack
                and kept.bottom_space == bottom_space
                and kept.state == state
                and kept.result[0].position_x == box.position_x
                and (kept.page_is_empty == bool(page_is_empty) or kept.either_way)
            ):
                self.columns.remove(kept)
                counts.reused += 1
                return kept.result
        counts.laid_out += 1
        return lay_out(*args)


def _columns_layout(context: Any, box: Any, bottom_space: Any, skip_stack: Any, *rest: Any) -> Any:
    """WeasyPrint's columns_layout, its search's columns kept for its last layout."""
    searches = _searches()
    searches.append(None if getattr(_local, "own", 0) else _search(context, box, skip_stack))
    try:
        return _WEASYPRINT["columns_layout"](context, box, bottom_space, skip_stack, *rest)
    finally:
        searches.pop()


def _block_box_layout(
    context: Any,
    box: Any,
    bottom_space: float,
    skip_stack: Any,
    containing_block: Any,
    page_is_empty: bool,
    absolute_boxes: list[Any],
    fixed_boxes: list[Any],
    adjoining_margins: list[Any] | None,
    first_letter_style: Any,
    first_line_style: Any,
    discard: bool,
    max_lines: int | None,
) -> Any:
    """WeasyPrint's block_box_layout; for a column of a search under way, through it."""
    lay_out = _WEASYPRINT["block_box_layout"]
    args = [
        context,
        box,
        bottom_space,
        skip_stack,
        containing_block,
        page_is_empty,
        absolute_boxes,
        fixed_boxes,
        adjoining_margins,
        first_letter_style,
        first_line_style,
        discard,
        max_lines,
    ]
    searches = _searches()
    search = searches[-1] if searches and box.is_column else None
    if search is None or bottom_space == inf:  # not a column, or the next block measured
        return lay_out(*args)
    if adjoining_margins is None:
        return search.last(lay_out, args)
    return search.column(lay_out, args)


def _search(context: Any, box: Any, skip_stack: Any) -> _Search | None:
    """The search about to lay out this box of columns, or None where its columns are
    laid out as WeasyPrint lays them out: a float, footnotes or a box broken out of the
    flow on the page, a block spanning the columns, columns from the right, a gap
    depending on the box's width."""
    style = box.style
    gap = style["column_gap"]
    if gap == "normal":
        gap = style["font_size"]
    elif getattr(gap, "unit", None) in (None, "%"):
        return None
    else:
        gap = gap.value
    if (
        not _clear(context)
        or style["direction"] != "ltr"
        or any(child.style["column_span"] == "all" for child in box.children)
    ):
        return None
    start = None
    if skip_stack:  # column.py's: its columns start from the box's child it resumes in
        (inner,) = skip_stack.values()
        start = {0: inner}
    return _Search(start, gap)


def _state(context: Any) -> tuple[Any, ...]:
    """What of the page a column's layout depends on besides its arguments: its bottom,
    its number, whether a break was forced before it, and whether it holds what a
    column may leave on it (``_clear``), which a column kept had none of."""
    return (context.page_bottom, context.current_page, context.forced_break, _clear(context))


def _clear(context: Any) -> bool:
    """Whether the page holds no float, footnote or box broken out of the flow."""
    return not (
        context.excluded_shapes
        or context.current_page_footnotes
        or context.reported_footnotes
        or context.broken_out_of_flow
    )


def _traces(context: Any) -> tuple[Any, ...]:
    """The page's state, and the running elements a column may leave (WeasyPrint's
    remove_placeholders takes back what a try leaves, after each try)."""
    running = sum(
        len(boxes) for pages in context.running_elements.values() for boxes in pages.values()
    )
    return (*_state(context), running)


@dataclass(frozen=True)
class _Laid:
    """A column the search laid out, as the checks of ``_either_way`` read it."""

    context: Any
    column: Any  # the box of the column, before layout
    box: Any  # laid out
    resume_at: Any  # where the next column starts, or None
    first: int  # the index of its first block among the column's children
    blocks: list[Any]  # its blocks laid out in the flow, the first first
    bottom_space: float


def _first_block_whole(laid: _Laid) -> bool:
    """Its first block is not broken: nothing in it was laid out as at the top of an
    empty page but the block itself."""
    return laid.resume_at is None or next(iter(laid.resume_at)) > laid.first


def _no_break_avoided(laid: _Laid) -> bool:
    """It does not end before a block at a break the styles avoid: WeasyPrint makes such
    a break at the top of an empty page, and gives the column up otherwise."""
    from weasyprint.layout.block import (
        avoid_page_break,
        block_level_page_break,
        find_last_class_a_break_point_child,
    )

    if laid.resume_at is None:
        return True
    ((index, inner),) = laid.resume_at.items()
    if inner is not None:  # a break in a block, not before one
        return True
    after = laid.column.children[index]
    before = find_last_class_a_break_point_child(laid.box.children)
    siblings = {id(box): box for box in (before, laid.blocks[-1]) if box is not None}
    return not any(
        avoid_page_break(block_level_page_break(sibling, after), laid.context)
        for sibling in siblings.values()
    )


def _no_margin_dropped(laid: _Laid) -> bool:
    """No top margin that WeasyPrint drops at the top of a page after the first: that of
    a block meeting its parent's, down to the first line (a column keeps its own first
    block's)."""
    if laid.context.current_page == 1:
        return True
    return not any(
        parent.top_margin_collapses() and getattr(child.style["margin_top"], "value", 0)
        for parent, child in itertools.pairwise(_firsts(laid.blocks[0]))
    )


def _first_block_fits(laid: _Laid) -> bool:
    """Its first block fits: it was not placed only because the page was empty.
    WeasyPrint measures a block against the room below it less the padding, border and
    margin below it, which its box already holds, and a first block in it against the
    room less its own too: counted again, down to the first line, the block fits either
    way."""
    block = laid.blocks[0]
    below = sum(
        box.padding_bottom + box.border_bottom_width + box.margin_bottom for box in _firsts(block)
    )
    return not laid.context.overflows_page(
        laid.bottom_space, block.position_y + block.margin_height() + below
    )


def _firsts(block: Any) -> Iterator[Any]:
    """The block and, down to its first line, the first block in each."""
    while True:
        yield block
        children = [child for child in getattr(block, "children", ()) if child.is_in_normal_flow()]
        if not children or type(children[0]).__name__ == "LineBox":
            return
        block = children[0]


# What makes a column laid out the same as at the top of an empty page or not.
_CHECKS = (_first_block_whole, _no_break_avoided, _no_margin_dropped, _first_block_fits)


def _either_way(
    context: Any, column: Any, result: tuple[Any, ...], skip_stack: Any, bottom_space: float
) -> bool:
    """Whether this column is laid out the same as at the top of an empty page or not
    (see the module's docstring)."""
    box, resume_at = result[0], result[1]
    blocks = [child for child in box.children if child.is_in_normal_flow()]
    if not blocks:
        return False
    first = next(iter(skip_stack)) if skip_stack else 0
    laid = _Laid(context, column, box, resume_at, first, blocks, bottom_space)
    return all(check(laid) for check in _CHECKS)
