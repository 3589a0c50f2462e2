"""Reading a PDF back: pages, labels, links, destinations, outline, fonts, text.

Structure comes from pypdf; the text under a link (for instance the page
number printed at the end of a contents entry) from pypdfium2, which can read
the text inside a rectangle. Everything that verifies a PDF starts here.
"""

from __future__ import annotations

import ctypes
import io
import logging
import os
import pickle
import re
import signal
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject, IndirectObject

from ..layout import LETTER, PageGeometry

_T = TypeVar("_T")
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
class Picture:
    """An image drawn on a page: where (points, from the trim corner) and its pixels."""

    box: tuple[float, float, float, float]
    pixels: tuple[int, int]

    @property
    def ppi(self) -> float:
        """Its effective resolution at the size it is printed (the lower of the two axes)."""
        left, bottom, right, top = self.box
        width, height = max(right - left, 0.01) / 72, max(top - bottom, 0.01) / 72
        return min(self.pixels[0] / width, self.pixels[1] / height)


@dataclass
class Structure:
    """What a PDF says about its tagging (PDF/UA) and its print conformance (PDF/X)."""

    tagged: bool = False  # a structure tree
    marked: bool = False  # /MarkInfo /Marked true
    display_title: bool = False  # /ViewerPreferences /DisplayDocTitle true
    encrypted: bool = False
    xmp: str = ""  # the XMP metadata packet, as text
    figures: list[str | None] = field(default_factory=list)  # each Figure's /Alt
    output_intents: list[str] = field(default_factory=list)  # their subtypes, e.g. GTS_PDFX
    conformance: str = ""  # GTS_PDFXVersion, or the XMP's pdfxid:GTS_PDFXVersion


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
    images: list[list[Picture]]  # each page's images
    marks: list[list[tuple[float, float, float, float]]]  # paths drawn wholly outside the trim
    lines: list[list[Line]]  # each page's lines of text between its header and footer
    positions: dict[str, tuple[int, float, float]]  # destination: (page, left, top)
    boxes: list[dict[str, tuple[float, float, float, float]]]  # MediaBox, BleedBox, TrimBox
    structure: Structure  # tagging and conformance, for the web and print variants

    def page_of(self, dest: str) -> int | None:
        """The page index of a named destination, if it exists."""
        return self.destinations.get(dest)

    def links_to(self, dest: str) -> list[Link]:
        """Every internal link pointing at a named destination."""
        return [link for link in self.links if link.dest == dest]


def read_pdf(
    pdf: bytes | Path,
    *,
    geometry: PageGeometry = LETTER,
    tolerance: float = 0.0,
    workers: int = 1,
) -> PdfReadback:
    """Read a PDF (bytes or a file) into a ``PdfReadback``.

    ``geometry`` says where each page's text block is: the text of the bottom
    margin is kept as the page's footer (its folio), and the text left or right of
    the block (beyond ``tolerance`` points) as what overflows it. With ``workers`` 2,
    a forked process reads the second half of the pages meanwhile (on a core that
    would otherwise wait)."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    with _quiet_pypdf():
        reader = PdfReader(io.BytesIO(data))
        reader.root_object  # noqa: B018  (a file that is not a PDF fails here, not later)
    document = pypdfium2.PdfDocument(data)
    try:
        positions = _positions(reader)
        destinations = {name: page for name, (page, _, _) in positions.items()}
        count = len(reader.pages)
        half = count // 2 if workers > 1 and count >= _PAGES_WORTH_A_PROCESS else count

        def read(indices: range) -> list[_Page]:
            return [
                _read_page(reader, document, index, geometry, tolerance, destinations)
                for index in indices
            ]

        def other() -> tuple[list[_Page], Structure]:
            """The second half of the pages and the structure tree, for the other process."""
            return read(range(half, count)), _structure(reader)

        with _in_child(other, fork=half < count) as rest:
            pages = read(range(half))
            metadata = {k.lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
            language = reader.root_object.get("/Lang")
            outline = _outline(reader, reader.outline)
            fonts = _fonts(reader)
            boxes = [_boxes(p) for p in reader.pages]
            other_pages, structure = rest()
        pages += other_pages
    finally:
        document.close()
    return PdfReadback(
        page_count=count,
        page_sizes=[(float(p.trimbox.width), float(p.trimbox.height)) for p in reader.pages],
        boxes=boxes,
        structure=structure,
        page_labels=list(reader.page_labels),
        texts=[page.text for page in pages],
        links=[link for page in pages for link in page.links],
        destinations=destinations,
        outline=outline,
        fonts=fonts,
        metadata=metadata,
        language=str(language) if language is not None else None,
        has_page_labels="/PageLabels" in reader.root_object,
        footers=[page.footer for page in pages],
        outside=[page.outside for page in pages],
        images=[page.images for page in pages],
        marks=[page.marks for page in pages],
        lines=[page.lines for page in pages],
        positions=positions,
    )


_PAGES_WORTH_A_PROCESS = 8  # below, forking costs more than it saves


@dataclass
class _Page:
    """What is read of one page."""

    text: str
    footer: str
    outside: str
    links: list[Link]
    lines: list[Line]
    images: list[Picture]
    marks: list[tuple[float, float, float, float]]


def _read_page(
    reader: PdfReader,
    document: Any,
    index: int,
    geometry: PageGeometry,
    tolerance: float,
    destinations: dict[str, int],
) -> _Page:
    """One page's text, footer, overflow, links, lines, images and marks, in trim
    coordinates."""
    page = reader.pages[index]
    pdfium_page = document[index]
    trim = page.trimbox  # the page as printed: the MediaBox less the bleed and marks
    dx, dy = float(trim.left), float(trim.bottom)
    textpage = _Trimmed(pdfium_page.get_textpage(), dx, dy)
    try:
        width, height = float(trim.width), float(trim.height)
        left, bottom, right, top = geometry.text_block_pt(index)
        objects = pypdfium2.raw
        return _Page(
            text=textpage.get_text_range(),
            footer=normalize(textpage.get_text_bounded(0, 0, width, bottom)),
            outside=normalize(
                textpage.get_text_bounded(0, bottom, left - tolerance, top)
                + " "
                + textpage.get_text_bounded(right + tolerance, bottom, width, top)
            ),
            links=_links(page, index, textpage, destinations, width, (dx, dy)),
            lines=_lines(textpage, bottom, top),
            images=[
                Picture(_shift(obj.get_bounds(), dx, dy), tuple(obj.get_px_size()))
                for obj in pdfium_page.get_objects(filter=[objects.FPDF_PAGEOBJ_IMAGE])
            ],
            marks=[
                box
                for obj in pdfium_page.get_objects(filter=[objects.FPDF_PAGEOBJ_PATH])
                if _beside(box := _shift(obj.get_bounds(), dx, dy), width, height)
            ],
        )
    finally:
        textpage.close()
        pdfium_page.close()


@contextmanager
def _in_child(work: Callable[[], _T], *, fork: bool = True) -> Iterator[Callable[[], _T]]:
    """Start ``work`` in a forked process; the function given waits for its result (or
    raises its exception). A child whose result is not asked for is killed on leaving.
    Without ``fork`` (or on a system without it), the work is done when asked for."""
    if not fork or not hasattr(os, "fork"):
        yield work
        return
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns of forking a process that has threads (watch has one): the
        # child only computes, sends its result and leaves, taking no lock.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: send the result back, then leave without any clean-up
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, work()))
            except BaseException as exc:
                payload = pickle.dumps((False, exc))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    stream = os.fdopen(read_end, "rb")

    def result() -> _T:
        payload = stream.read()
        if not payload:
            raise RuntimeError("the process reading half of the pages died")
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield result
    finally:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done already, or no longer wanted
        stream.close()
        os.waitpid(pid, 0)


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


def _positions(reader: PdfReader) -> dict[str, tuple[int, float, float]]:
    """Where each named destination points: page, left and top (from the trim corner)."""
    result = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            trim = reader.pages[page].trimbox
            left = float(dest.left or 0) - float(trim.left)
            top = float(dest.top or 0) - float(trim.bottom)
            result[str(name)] = (page, left, top)
    return result


def _structure(reader: PdfReader) -> Structure:
    """Tagging, viewer preferences, XMP, figures' alternative texts, output intents."""
    root = reader.root_object
    found = Structure(encrypted=reader.is_encrypted)
    tree = root.get("/StructTreeRoot")
    found.tagged = tree is not None
    found.marked = bool((root.get("/MarkInfo") or {}).get("/Marked", False))
    found.display_title = bool((root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle"))
    metadata = root.get("/Metadata")
    if metadata is not None:
        found.xmp = metadata.get_object().get_data().decode("utf-8", "replace")
    if tree is not None:
        found.figures = list(_figures(tree.get_object().get("/K")))
    for intent in root.get("/OutputIntents") or []:
        found.output_intents.append(str(intent.get_object().get("/S", "")).lstrip("/"))
    info = reader.trailer.get("/Info")
    version = info.get_object().get("/GTS_PDFXVersion") if info is not None else None
    match = re.search(r"<pdfxid:GTS_PDFXVersion>([^<]+)<", found.xmp)
    found.conformance = str(version) if version else (match[1] if match else "")
    return found


def _figures(node: Any) -> Iterator[str | None]:
    """The /Alt of every Figure element under a structure node."""
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if isinstance(node, list):
        for child in node:
            yield from _figures(child)
    elif isinstance(node, DictionaryObject):
        if node.get("/S") == "/Figure":
            alt = node.get("/Alt")
            yield None if alt is None else str(alt)
        kids = node.get("/K")
        if kids is not None:
            yield from _figures(kids)


def _boxes(page: Any) -> dict[str, tuple[float, float, float, float]]:
    """The page's boxes as written (a missing box reads as the MediaBox)."""
    return {
        name: tuple(float(v) for v in getattr(page, attribute))  # type: ignore[misc]
        for name, attribute in (
            ("MediaBox", "mediabox"),
            ("BleedBox", "bleedbox"),
            ("TrimBox", "trimbox"),
        )
    }


def _beside(box: tuple[float, float, float, float], width: float, height: float) -> bool:
    """Whether a box lies wholly outside the trimmed page (as crop marks do)."""
    left, bottom, right, top = box
    return right <= 0 or left >= width or top <= 0 or bottom >= height


def _shift(box: Any, dx: float, dy: float) -> tuple[float, float, float, float]:
    left, bottom, right, top = box
    return left - dx, bottom - dy, right - dx, top - dy


class _Trimmed:
    """A pdfium text page in the coordinates of the trimmed page: with a bleed, the
    MediaBox's origin is the corner of the bleed and marks, not of the page."""

    def __init__(self, textpage: Any, dx: float, dy: float) -> None:
        self.textpage, self.dx, self.dy = textpage, dx, dy
        self._as_parameter_ = textpage._as_parameter_  # for pdfium's raw functions

    def get_text_range(self) -> str:
        return str(self.textpage.get_text_range())

    def get_text_bounded(self, left: float, bottom: float, right: float, top: float) -> str:
        return str(
            self.textpage.get_text_bounded(
                left + self.dx, bottom + self.dy, right + self.dx, top + self.dy
            )
        )

    def count_rects(self) -> int:
        return int(self.textpage.count_rects())

    def get_rect(self, index: int) -> tuple[float, float, float, float]:
        return _shift(self.textpage.get_rect(index), self.dx, self.dy)

    def get_index(self, x: float, y: float, x_tol: float, y_tol: float) -> int | None:
        index = self.textpage.get_index(x + self.dx, y + self.dy, x_tol, y_tol)
        return None if index is None else int(index)

    def origin(self, index: int) -> float:
        """The baseline of a character."""
        x, y = ctypes.c_double(), ctypes.c_double()
        pypdfium2.raw.FPDFText_GetCharOrigin(self, index, ctypes.byref(x), ctypes.byref(y))
        return y.value - self.dy

    def close(self) -> None:
        self.textpage.close()


def _lines(textpage: Any, bottom: float, top: float) -> list[Line]:
    """The page's lines between ``bottom`` and ``top``, top to bottom, left to right.

    pdfium gives runs of text (a line is cut where the font changes, at a note
    call for instance); runs at the same height with no more than a word space
    between them are one line. Two columns' lines at the same height stay apart.
    A line's text is read once its extent is known, in the order pdfium reads it
    (a superscript stays where it stands)."""
    runs = []
    for index in range(textpage.count_rects()):
        left, low, right, high = textpage.get_rect(index)
        if low >= bottom - 1 and high <= top + 1:
            runs.append(Line(left, low, right, high, ""))
    runs.sort(key=lambda run: (-run.top, run.left))
    lines: list[Line] = []
    for run in runs:
        same = next(
            (line for line in _nearby(lines, run.top) if _same_line(line, run)),
            None,
        )
        if same is None:
            lines.append(run)
            continue
        same.left, same.right = min(same.left, run.left), max(same.right, run.right)
        same.bottom, same.top = min(same.bottom, run.bottom), max(same.top, run.top)
    for line in lines:
        line.text = textpage.get_text_bounded(line.left, line.bottom, line.right, line.top)
    lines.sort(key=lambda line: (-line.top, line.left))
    for line in lines:
        index = textpage.get_index(line.left + 1, line.middle, 2, 2)
        if index is not None:
            line.font = SUBSET_PREFIX.sub("", _font_name(textpage, index))
            line.baseline = textpage.origin(index)
            line.size = round(pypdfium2.raw.FPDFText_GetFontSize(textpage, index), 2)
        else:
            line.baseline = line.bottom
    return lines


_TALLEST_LINE = 72.0  # points: no line of text is taller than an inch


def _nearby(lines: list[Line], top: float) -> Iterator[Line]:
    """The lines a run at ``top`` may belong to, the earliest first. Runs come top to
    bottom, so lines begun more than a tall line's height above cannot reach it: looking
    no further keeps reading a page linear in its runs."""
    start = len(lines)
    while start and lines[start - 1].top - top <= _TALLEST_LINE:
        start -= 1
    return iter(lines[start:])


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
    page: Any,
    index: int,
    textpage: Any,
    destinations: dict[str, int],
    width: float,
    offset: tuple[float, float],
) -> list[Link]:
    """The page's links, one per target and line: WeasyPrint writes one annotation per
    box of a link (text, leader, page number), which are merged here."""
    links: list[Link] = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        rect = [float(v) - offset[i % 2] for i, v in enumerate(annot["/Rect"])]
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
