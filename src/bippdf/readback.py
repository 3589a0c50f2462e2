"""Reading a PDF back: pages, labels, links, destinations, outline, fonts, text.

Structure comes from pypdf; the text under a link (for instance the page
number printed at the end of a contents entry) from pypdfium2, which can read
the text inside a rectangle. Everything that verifies a PDF starts here.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject, IndirectObject

from .layout import LETTER, PageGeometry

SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


@dataclass
class Link:
    """A link annotation: where it stands and where it goes."""

    page: int
    rect: tuple[float, float, float, float]
    text: str
    line: str = ""  # the text from the link to the end of its line
    order: int = -1  # where its text comes in the page's reading order (pdfium's text index)
    action: str | None = None  # the PDF action: URI, GoTo, Launch, GoToR…
    uri: str | None = None
    dest: str | None = None
    dest_page: int | None = None


@dataclass
class Line:
    """A line of text as drawn: its box in points and its text."""

    left: float
    bottom: float
    right: float
    top: float
    text: str
    font: str = ""  # the font of its first character, as the PDF names it
    baseline: float = 0.0  # the baseline of its first character
    size: float = 0.0  # the font size of its first character, in points

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2


@dataclass
class OutlineItem:
    """A bookmark and the bookmarks below it."""

    title: str
    page: int | None
    children: list[OutlineItem] = field(default_factory=list)


@dataclass
class Font:
    """A font the PDF uses, by its name without the subset prefix."""

    name: str
    embedded: bool
    pages: set[int] = field(default_factory=set)


@dataclass
class PdfReadback:
    """What a PDF holds, in terms a check can compare with expectations."""

    page_count: int
    page_sizes: list[tuple[float, float]]
    page_labels: list[str]
    texts: list[str]
    links: list[Link]
    destinations: dict[str, int]
    outline: list[OutlineItem]
    fonts: dict[str, Font]
    metadata: dict[str, str]
    language: str | None
    has_page_labels: bool
    footers: list[str]  # the text of each page's bottom margin, where folios stand
    outside: list[str]  # text beside each page's text block, between its top and bottom
    images: list[list[tuple[float, float, float, float]]]  # each page's image bounds
    lines: list[list[Line]]  # each page's lines of text between its header and footer
    positions: dict[str, tuple[int, float, float]]  # destination: (page, left, top)

    def page_of(self, dest: str) -> int | None:
        """The page index of a named destination, if it exists."""
        return self.destinations.get(dest)

    def links_to(self, dest: str) -> list[Link]:
        """Every internal link pointing at a named destination."""
        return [link for link in self.links if link.dest == dest]


def read_pdf(
    pdf: bytes | Path, *, geometry: PageGeometry = LETTER, tolerance: float = 0.0
) -> PdfReadback:
    """Read a PDF (bytes or a file) into a ``PdfReadback``.

    ``geometry`` says where each page's text block is: the text of the bottom
    margin is kept as the page's footer (its folio), and the text left or right of
    the block (beyond ``tolerance`` points) as what overflows it."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    with _quiet_pypdf():
        reader = PdfReader(io.BytesIO(data))
        reader.root_object  # noqa: B018  (a file that is not a PDF fails here, not later)
    document = pypdfium2.PdfDocument(data)
    try:
        destinations = _destinations(reader)
        texts: list[str] = []
        links: list[Link] = []
        footers: list[str] = []
        outside: list[str] = []
        lines: list[list[Line]] = []
        images: list[list[tuple[float, float, float, float]]] = []
        for index, page in enumerate(reader.pages):
            pdfium_page = document[index]
            textpage = pdfium_page.get_textpage()
            texts.append(textpage.get_text_range())
            width = pdfium_page.get_width()
            left, bottom, right, top = geometry.text_block_pt(index)
            footers.append(normalize(textpage.get_text_bounded(0, 0, width, bottom)))
            outside.append(
                normalize(
                    textpage.get_text_bounded(0, bottom, left - tolerance, top)
                    + " "
                    + textpage.get_text_bounded(right + tolerance, bottom, width, top)
                )
            )
            links += _links(page, index, textpage, destinations, width)
            lines.append(_lines(textpage, bottom, top))
            images.append(
                [
                    tuple(obj.get_bounds())
                    for obj in pdfium_page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])
                ]
            )
            textpage.close()
            pdfium_page.close()
    finally:
        document.close()
    metadata = {key.lstrip("/"): str(value) for key, value in (reader.metadata or {}).items()}
    language = reader.root_object.get("/Lang")
    return PdfReadback(
        page_count=len(reader.pages),
        page_sizes=[(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages],
        page_labels=list(reader.page_labels),
        texts=texts,
        links=links,
        destinations=destinations,
        outline=_outline(reader, reader.outline),
        fonts=_fonts(reader),
        metadata=metadata,
        language=str(language) if language is not None else None,
        has_page_labels="/PageLabels" in reader.root_object,
        footers=footers,
        outside=outside,
        images=images,
        lines=lines,
        positions=_positions(reader),
    )


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs in a damaged file; the checks report it instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def normalize(text: str) -> str:
    """Text as compared by checks: hyphens added at line ends dropped, a hyphen that
    stood at a line end restored (pdfium reads it as U+FFFE), all white space one space."""
    text = re.sub("\u2010\r?\n", "", text)  # hyphenation by the layout
    text = text.replace("\ufffe", "-").replace("\u00ad", "").replace("\x02", "")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def _destinations(reader: PdfReader) -> dict[str, int]:
    result = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            result[str(name)] = page
    return result


def _positions(reader: PdfReader) -> dict[str, tuple[int, float, float]]:
    """Where each named destination points: page, left and top."""
    result = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            result[str(name)] = (page, float(dest.left or 0), float(dest.top or 0))
    return result


def _lines(textpage: Any, bottom: float, top: float) -> list[Line]:
    """The page's lines between ``bottom`` and ``top``, top to bottom, left to right.

    pdfium gives runs of text (a line is cut where the font changes, at a note
    call for instance); runs at the same height with no more than a word space
    between them are one line. Two columns' lines at the same height stay apart."""
    runs = []
    for index in range(textpage.count_rects()):
        left, low, right, high = textpage.get_rect(index)
        if low >= bottom - 1 and high <= top + 1:
            runs.append(
                Line(left, low, right, high, textpage.get_text_bounded(left, low, right, high))
            )
    runs.sort(key=lambda run: (-run.top, run.left))
    lines: list[Line] = []
    for run in runs:
        same = next((line for line in lines if _same_line(line, run)), None)
        if same is None:
            lines.append(run)
            continue
        text = same.text + run.text if run.left >= same.left else run.text + same.text
        same.left, same.right = min(same.left, run.left), max(same.right, run.right)
        same.bottom, same.top = min(same.bottom, run.bottom), max(same.top, run.top)
        same.text = text
    lines.sort(key=lambda line: (-line.top, line.left))
    for line in lines:
        index = textpage.get_index(line.left + 1, line.middle, 2, 2)
        if index is not None:
            line.font = SUBSET_PREFIX.sub("", _font_name(textpage, index))
            x, y = ctypes.c_double(), ctypes.c_double()
            pypdfium2.raw.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
            line.baseline = y.value
            line.size = round(pypdfium2.raw.FPDFText_GetFontSize(textpage, index), 2)
        else:
            line.baseline = line.bottom
    return lines


def _font_name(textpage: Any, index: int) -> str:
    """The name of the font a character is drawn in (pdfium's FPDFText_GetFontInfo)."""
    size = pypdfium2.raw.FPDFText_GetFontInfo(textpage, index, None, 0, None)
    buffer = ctypes.create_string_buffer(size)
    pypdfium2.raw.FPDFText_GetFontInfo(textpage, index, buffer, size, None)
    return buffer.value.decode("utf-8", "replace")


def _same_line(line: Line, run: Line) -> bool:
    """Whether a run continues a line: overlapping heights, at most a word space apart
    (a superscript note call sits higher but overlaps its line)."""
    overlap = min(line.top, run.top) - max(line.bottom, run.bottom)
    gap = max(run.left - line.right, line.left - run.right)
    return overlap > 0.5 and gap <= 8


def _links(
    page: Any, index: int, textpage: Any, destinations: dict[str, int], width: float
) -> list[Link]:
    """The page's links, one per target and line: WeasyPrint writes one annotation per
    box of a link (text, leader, page number), which are merged here."""
    links: list[Link] = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        rect = [float(v) for v in annot["/Rect"]]
        link = Link(
            page=index,
            text="",
            rect=(
                min(rect[0], rect[2]),
                min(rect[1], rect[3]),
                max(rect[0], rect[2]),
                max(rect[1], rect[3]),
            ),
        )
        action = annot.get("/A")
        action = action.get_object() if isinstance(action, IndirectObject) else action
        target = annot.get("/Dest")
        if isinstance(action, DictionaryObject):
            link.action = str(action.get("/S", "")).lstrip("/") or None
            if link.action == "URI":
                link.uri = str(action.get("/URI"))
            elif link.action == "GoTo":
                target = action.get("/D")
        if target is not None:
            target = target.get_object() if isinstance(target, IndirectObject) else target
            if isinstance(target, str):
                link.dest = str(target)
                link.dest_page = destinations.get(link.dest)
        same = next(
            (
                other
                for other in links
                if (other.dest, other.uri) == (link.dest, link.uri)
                and _overlap(other.rect, link.rect)
            ),
            None,
        )
        if same is None:
            links.append(link)
        else:
            same.rect = (
                min(same.rect[0], link.rect[0]),
                min(same.rect[1], link.rect[1]),
                max(same.rect[2], link.rect[2]),
                max(same.rect[3], link.rect[3]),
            )
    for link in links:
        left, bottom, right, top = link.rect
        link.text = normalize(textpage.get_text_bounded(*link.rect))
        if link.text.replace(" ", "").isdigit():  # pdfium may split a number's digits
            link.text = link.text.replace(" ", "")
        link.line = normalize(textpage.get_text_bounded(left, bottom, width, top))
        index = textpage.get_index((left + right) / 2, (bottom + top) / 2, 2, 2)
        link.order = -1 if index is None else index
    return links


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two rectangles share some area (or touch), as boxes of one link do."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _outline(reader: PdfReader, items: list[Any]) -> list[OutlineItem]:
    result: list[OutlineItem] = []
    for item in items:
        if isinstance(item, list):
            if result:
                result[-1].children = _outline(reader, item)
            continue
        assert isinstance(item, Destination)
        page = reader.get_destination_page_number(item)
        result.append(
            OutlineItem(
                title=str(item.title), page=page if page is not None and page >= 0 else None
            )
        )
    return result


def _fonts(reader: PdfReader) -> dict[str, Font]:
    fonts: dict[str, Font] = {}
    names: dict[int, tuple[str, bool]] = {}  # pages share font objects: read each once
    for index, page in enumerate(reader.pages):
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        for ref in (resources.get("/Font") or {}).values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key in names:
                name, embedded = names[key]
                fonts[name].pages.add(index)
                continue
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else None
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            name = _embedded_name(descriptor) or SUBSET_PREFIX.sub(
                "", str(font.get("/BaseFont", "")).lstrip("/")
            )
            names[key] = (name, embedded)
            entry = fonts.setdefault(name, Font(name=name, embedded=embedded))
            entry.embedded = entry.embedded and embedded
            entry.pages.add(index)
    return fonts


def _embedded_name(descriptor: Any) -> str | None:
    """The PostScript name inside an embedded font program (WeasyPrint's /BaseFont
    is made from the family and style, not from the file)."""
    if descriptor is None:
        return None
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            data = descriptor[key].get_object().get_data()
            try:
                font = TTFont(io.BytesIO(data), lazy=True)
                name = font["name"].getDebugName(6)
            except Exception:  # a bare CFF or Type 1 program has no name table
                return None
            return str(name) if name else None
    return None
