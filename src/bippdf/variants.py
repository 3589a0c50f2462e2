"""The kinds of file made from an issue: the printer's PDF, the website's PDF, the cover.

The online edition (``html``, online.py) is no PDF: it is made from the composition
alone. A ``Variant`` says what WeasyPrint is asked for (stylesheets, PDF options), how the
file is named and how many pages a copy must have. A ``Selection`` is what a
command asks for (``--variant print|web|html|all``), parsed here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STYLESHEET = "bulletin.css"


@dataclass(frozen=True)
class Variant:
    """One kind of PDF made from an issue, and what WeasyPrint is asked for it."""

    name: str
    suffix: str  # of the file name: BIP-06-2019-08-<suffix>.pdf
    stylesheets: tuple[str, ...]
    options: dict[str, Any]
    pad_to: int = 1  # pages added before the last page until the count divides by this
    links: bool = True  # link annotations written (PDF/X allows none in the printed area)
    # the palette's values and what pictures become: "srgb" as they are, or "cmyk" (the
    # palette's inks, pictures separated through the output profile, crop marks drawn
    # in registration colour)
    inks: str = "srgb"
    # zlib's level for the PDF's streams; None: pydyf's own, 9
    deflate_level: int | None = None


PRINT = Variant(
    # For the printer: PDF/X-4 with a CMYK output intent (print.css), everything in
    # CMYK (colour.py), bleed and crop marks (marks.py), pages in multiples of 4 for
    # saddle stitching, no links (bookmarks, page labels and named destinations stay).
    "print",
    "impression",
    (STYLESHEET, "print.css"),
    {"pdf_variant": "pdf/x-4"},
    pad_to=4,
    links=False,
    inks="cmyk",
    # zlib's default level: No. 6's streams compressed in 0.03 s rather than 0.23 s at
    # pydyf's 9 (the output profile alone took 0.07 s), for a file 0.35 % larger (1,384,747
    # bytes against 1,379,975), which goes to one printer.
    deflate_level=6,
)
WEB = Variant(
    # For the website: tagged PDF/UA-1, images downsampled and recompressed.
    "web",
    "web",
    (STYLESHEET,),
    {"pdf_variant": "pdf/ua-1", "optimize_images": True, "jpeg_quality": 80, "dpi": 150},
    # Downloaded by the public: level 7, where the bytes saved stop paying for the time.
    # No. 6's streams: 30 ms rather than 80 at pydyf's 9, on the web PDF's process, the
    # one a first build waits for; 331,953 bytes against 328,775 (1 % more). At 6, 23 ms
    # for 336,305 bytes (2.3 % more).
    deflate_level=7,
)
VARIANTS = {variant.name: variant for variant in (PRINT, WEB)}
# what --variant accepts; html is the online edition, a folder rather than a PDF
CHOICES = ("print", "web", "html", "all")


@dataclass(frozen=True)
class Selection:
    """The files a command makes: some variants' PDFs, with both the cover image, and
    the online edition."""

    variants: tuple[str, ...]
    cover: bool
    online: bool = False

    @classmethod
    def parse(cls, choice: str) -> Selection:
        """``print``, ``web``, ``html`` or ``all`` (both PDFs, the cover image and the
        online edition)."""
        if choice == "all":
            return cls(tuple(VARIANTS), cover=True, online=True)
        if choice == "html":
            return cls((), cover=False, online=True)
        if choice not in VARIANTS:
            raise ValueError(f"unknown variant {choice!r}")
        return cls((choice,), cover=False)
