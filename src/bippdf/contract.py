"""What the HTML and the PDF agree on: ids, fonts, links, raw HTML and page geometry.

The composer writes these into the HTML, the stylesheets and templates name
them, and ``check`` looks for them when it reads the PDF back. Each value is
written here once, so that a change on one side cannot silently leave the other
looking for what is no longer there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .layout import LETTER, POINTS_PER_INCH, PageGeometry

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_ELEMENTS",
    "ANNEXE_ID",
    "CALL_ID",
    "CONTENTS_ID",
    "CONTENTS_TITLE_ID",
    "INK_LIMIT",
    "LETTER",
    "NOTE_ID",
    "POINTS_PER_INCH",
    "SOURCE_ATTRIBUTE",
    "TEXT_FONT",
    "TITLE_FONT",
    "TITLE_SUFFIX",
    "WEB_OR_MAIL",
    "FontRole",
    "PageGeometry",
    "SourceBox",
    "call_id",
    "note_id",
    "whole_https",
]

# ---- where a block of an article comes from ------------------------------------------

# Each block of an article carries its file and line (``articles/x.md:12``, the file
# relative to the issue) in this attribute, which the layout reads back as SourceBoxes.
SOURCE_ATTRIBUTE = "data-source"


@dataclass(frozen=True)
class SourceBox:
    """Where a block of an article was laid out: its page (0-based), its box in points
    from the trim corner (left, bottom, right, top: y upwards, as the PDF is read), its
    file and line, its HTML element, and an image's file (relative to the issue)."""

    page: int
    box: tuple[float, float, float, float]
    source: str
    tag: str
    file: str | None = None

    def holds(self, x: float, y: float, margin: float = 1.0) -> bool:
        """Whether a point of its page lies in its box (with a margin for rounding)."""
        left, bottom, right, top = self.box
        return left - margin <= x <= right + margin and bottom - margin <= y <= top + margin


# ---- ids: destinations of the PDF --------------------------------------------------

ANNEXE_ID = "annexe"
CONTENTS_ID = "table-des-matieres"
TITLE_SUFFIX = "-titre"  # the id of the heading that names a landmark: its id and this
CONTENTS_TITLE_ID = CONTENTS_ID + TITLE_SUFFIX


def call_id(number: int) -> str:
    """The id of a note's first call, which its note links back to."""
    return f"appel-{number}"


def note_id(number: int) -> str:
    """The id of a note, in the Annexe or at the foot of the page."""
    return f"note-{number}"


CALL_ID = re.compile(r"^appel-\d+$")
NOTE_ID = re.compile(r"^note-\d+$")

# ---- fonts -------------------------------------------------------------------------


@dataclass(frozen=True)
class FontRole:
    """A typeface and the part it plays, by the family name the stylesheets give it."""

    family: str

    @property
    def pdf_name(self) -> str:
        """Its regular face as the PDF names it (WeasyPrint hyphenates the family); the
        other faces add their style: ``Inter-Semi-Bold``, ``Noto-Serif-Italic``."""
        return self.family.replace(" ", "-")


# The layout checks find running text and headings by these fonts: a font changed in
# styles/bulletin.css and not here would switch them off (a test compares the two).
TEXT_FONT = FontRole("Noto Serif")  # running text
TITLE_FONT = FontRole("Inter")  # titles, headings and apparatus

# ---- links and raw HTML ------------------------------------------------------------

# An http(s) address with a host, or a mail address. A URI's scheme is case-insensitive
# (RFC 3986): lint lets HTTPS://… through, so the check must accept it in the PDF too.
WEB_OR_MAIL = re.compile(r"^(?:https?://[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+\.[^\s@]+)$", re.I)

# The inline elements and attributes an article may write as raw HTML.
ALLOWED_ELEMENTS = ("sup", "sub", "b", "i", "em", "strong", "br", "span", "abbr", "small")
ALLOWED_ATTRIBUTES = ("title", "lang", "dir")


# ---- inks: what the print variant separates to and the preflight holds it to --------

# The most ink (C+M+Y+K, in %) anything on a print page may lay down: what printers of
# offset on coated paper ask for a magazine (the FOGRA39 condition itself allows 330).
# The photos are separated under it; the preflight measures every colour and pixel.
INK_LIMIT = 300

# The online edition's folder (online.py writes it, check/online.py reads it): its page
# and its one stylesheet, at the folder's top.
ONLINE_PAGE = "index.html"
ONLINE_STYLESHEET = "online.css"


def whole_https(url: str) -> bool:
    """An address social networks take for the online page and its preview image
    (source.py refuses an online_url that is not, check/online.py a page that names
    one): https, a host, ASCII (%-encoded), no space, and nothing after the path."""
    parts = urlsplit(url)
    return (
        parts.scheme == "https"
        and bool(parts.hostname)
        and url.isascii()
        and not any(char.isspace() or char in "?#" or not char.isprintable() for char in url)
    )
