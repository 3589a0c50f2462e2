"""The page geometry: trim size and margins, shared by the print CSS and the checks.

The stylesheet styles the pages; their size and margins are written from here
into the document, so that ``check`` measures overflow against the very text
block the layout used.
"""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PER_INCH = 72.0
# The class of an article's body laid out as one of its columns alone, of that width
# (justification.py's trials: a box of several columns lays its text out at least
# twice, to find where each column ends).
ONE_COLUMN = "one-column"


@dataclass(frozen=True)
class PageGeometry:
    """Trim size and margins in inches; inner and outer margins mirror on facing pages."""

    width: float = 8.5
    height: float = 11.0
    top: float = 0.85
    bottom: float = 0.85
    inner: float = 0.95
    outer: float = 0.8
    column_gap: float = 0.28  # between the two columns of an article
    bleed: float = 0.125  # printed beyond the trim on every side (print variant)

    @property
    def size_pt(self) -> tuple[float, float]:
        """The trim size in PDF points."""
        return self.width * POINTS_PER_INCH, self.height * POINTS_PER_INCH

    def text_block_pt(self, index: int) -> tuple[float, float, float, float]:
        """The text block of page ``index`` (0-based) as (left, bottom, right, top) in points.

        Page 1 is a right-hand page: its inner margin is on the left."""
        left = self.inner if index % 2 == 0 else self.outer
        right = self.outer if index % 2 == 0 else self.inner
        width, height = self.size_pt
        return (
            left * POINTS_PER_INCH,
            self.bottom * POINTS_PER_INCH,
            width - right * POINTS_PER_INCH,
            height - self.top * POINTS_PER_INCH,
        )

    def columns_pt(self, index: int) -> tuple[tuple[float, float], tuple[float, float]]:
        """The left and right columns of page ``index`` as (left, right) in points."""
        left, _, right, _ = self.text_block_pt(index)
        width = (right - left - self.column_gap * POINTS_PER_INCH) / 2
        return (left, left + width), (right - width, right)

    def css(self) -> str:
        """The @page rules that give the pages this geometry."""
        block = self.height - self.top - self.bottom
        return (
            f"@page {{ size: {self.width}in {self.height}in; "
            f"margin: {self.top}in {self.outer}in {self.bottom}in {self.inner}in; }}\n"
            f"@page :right {{ margin-left: {self.inner}in; margin-right: {self.outer}in; }}\n"
            f"@page :left {{ margin-left: {self.outer}in; margin-right: {self.inner}in; }}\n"
            f"@page cover {{ margin: 0; }}\n"
            # The colophon may land on either side once blank pages are added before
            # it for the binding: its margins are the wider ones on both sides.
            f"@page colophon {{ margin-left: {max(self.inner, self.outer)}in; "
            f"margin-right: {max(self.inner, self.outer)}in; }}\n"
            f".cover {{ height: {self.height}in; }}\n"
            f".article-body {{ column-gap: {self.column_gap}in; }}\n"
            f".article-body.{ONE_COLUMN} {{ columns: auto; "
            f"width: calc((100% - {self.column_gap}in) / 2); }}\n"
            # With notes at the foot of the page, the articles are set in one column of
            # the whole text block (bulletin.css: .notes-page).
            f".notes-page .article-body.{ONE_COLUMN} {{ width: auto; }}\n"
            f".colophon {{ height: {block - 0.05:.2f}in; }}\n"
        )


LETTER = PageGeometry()
