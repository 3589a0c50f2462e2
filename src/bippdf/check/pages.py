"""Reading one page of a PDF back: its text, footer, overflow, lines, links, images, marks.

pypdfium2 reads the text (also inside a rectangle, such as the page number at
the end of a contents entry), its fonts and baselines; pikepdf the annotations (``objects``).
Everything is in the coordinates of the trimmed page, whatever the bleed.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2

from ..contract import PageGeometry
from .objects import Pdf, is_dictionary, is_name_or_string, page_box

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
    gap: float = 0.0  # its widest space between two words, in ems of the word before it

    @property
    def middle(self) -> float:
        """Halfway between its bottom and its top."""
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
class Page:
    """What is read of one page."""

    text: str
    footer: str
    outside: str
    links: list[Link]
    lines: list[Line]
    images: list[Picture]
    marks: list[tuple[float, float, float, float]]


def read_page(
    reader: Pdf,
    document: Any,
    index: int,
    geometry: PageGeometry,
    tolerance: float,
    destinations: dict[str, int],
) -> Page:
    """One page's text, footer, overflow, links, lines, images and marks, in trim
    coordinates."""
    page = reader.pages[index].obj
    pdfium_page = document[index]
    trim = page_box(page, "/TrimBox")  # the page as printed: the MediaBox less the bleed and marks
    dx, dy = trim[0], trim[1]
    textpage = _Trimmed(pdfium_page.get_textpage(), dx, dy)
    try:
        width, height = trim[2] - trim[0], trim[3] - trim[1]
        left, bottom, right, top = geometry.text_block_pt(index)
        images, paths = _drawn(pdfium_page)
        return Page(
            text=textpage.get_text_range(),
            footer=normalize(textpage.get_text_bounded(0, 0, width, bottom)),
            outside=normalize(
                textpage.get_text_bounded(0, bottom, left - tolerance, top)
                + " "
                + textpage.get_text_bounded(right + tolerance, bottom, width, top)
            ),
            links=_links(page, index, textpage, destinations, width, (dx, dy)),
            lines=_lines(textpage, bottom, top, geometry.columns_pt(index)),
            images=[Picture(_shift(box, dx, dy), pixels) for box, pixels in images],
            marks=[box for path in paths if _beside(box := _shift(path, dx, dy), width, height)],
        )
    finally:
        textpage.close()
        pdfium_page.close()


_Box = tuple[float, float, float, float]
_FORM_DEPTH = 15  # levels of forms within forms looked into, as pypdfium2's get_objects


def _drawn(page: Any) -> tuple[list[tuple[_Box, tuple[int, int]]], list[_Box]]:
    """The page's images (their box and pixels) and paths (their box), inside its forms
    too, in the order they are drawn: one walk through pdfium's objects, without the
    Python object pypdfium2's ``get_objects`` makes of each (thousands on a page of
    text, which those of its two walks cost)."""
    raw = pypdfium2.raw
    images: list[tuple[_Box, tuple[int, int]]] = []
    paths: list[_Box] = []
    corners = [ctypes.c_float() for _ in range(4)]
    width, height = ctypes.c_uint(), ctypes.c_uint()

    def bounds(obj: Any) -> _Box:
        if not raw.FPDFPageObj_GetBounds(obj, *corners):
            raise pypdfium2.PdfiumError("pdfium ne peut situer un objet d'une page")
        left, bottom, right, top = (corner.value for corner in corners)
        return left, bottom, right, top

    def walk(parent: Any, count: Any, get: Any, level: int) -> None:
        total = count(parent)
        if total < 0:
            raise pypdfium2.PdfiumError("pdfium ne peut compter les objets d'une page")
        for at in range(total):
            obj = get(parent, at)
            if not obj:
                raise pypdfium2.PdfiumError("pdfium ne peut lire un objet d'une page")
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                if not raw.FPDFImageObj_GetImagePixelSize(obj, width, height):
                    raise pypdfium2.PdfiumError("pdfium ne peut lire la taille d'une image")
                images.append((bounds(obj), (width.value, height.value)))
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                paths.append(bounds(obj))
            elif kind == raw.FPDF_PAGEOBJ_FORM and level < _FORM_DEPTH - 1:
                walk(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, level + 1)

    walk(page, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, 0)
    return images, paths


def normalize(text: str, *, soft: bool = False) -> str:
    """Text as compared by checks: hyphens added at line ends dropped, a hyphen that
    stood at a line end restored (pdfium reads it as U+FFFE), ligature characters spelt
    out (a typed « ﬁ » reads back as « fi »), all white space one space. pdfium reads a
    soft hyphen at a line's end (the web PDF's hyphenation, as /ActualText) as U+FFFE
    too: with ``soft``, U+FFFE is read as one and dropped."""
    text = re.sub("\u2010\r?\n", "", text)  # hyphenation by the layout
    text = text.translate(_LIGATURES)
    text = text.replace("\ufffe", "" if soft else "-").replace("\u00ad", "").replace("\x02", "")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


_LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}


def _beside(box: tuple[float, float, float, float], width: float, height: float) -> bool:
    """Whether a box lies wholly outside the trimmed page (as crop marks do)."""
    left, bottom, right, top = box
    return right <= 0 or left >= width or top <= 0 or bottom >= height


def _shift(box: Any, dx: float, dy: float) -> tuple[float, float, float, float]:
    """A box moved by the trim corner's offset."""
    left, bottom, right, top = box
    return left - dx, bottom - dy, right - dx, top - dy


class _Trimmed:
    """A pdfium text page in the coordinates of the trimmed page: with a bleed, the
    MediaBox's origin is the corner of the bleed and marks, not of the page."""

    def __init__(self, textpage: Any, dx: float, dy: float) -> None:
        self.textpage, self.dx, self.dy = textpage, dx, dy
        self._as_parameter_ = textpage._as_parameter_  # for pdfium's raw functions

    def get_text_range(self) -> str:
        """The page's whole text."""
        return str(self.textpage.get_text_range())

    def get_text_bounded(self, left: float, bottom: float, right: float, top: float) -> str:
        """The text inside a rectangle of the trimmed page."""
        return str(
            self.textpage.get_text_bounded(
                left + self.dx, bottom + self.dy, right + self.dx, top + self.dy
            )
        )

    def count_rects(self) -> int:
        """How many runs of text pdfium finds on the page."""
        return int(self.textpage.count_rects())

    def get_rect(self, index: int) -> tuple[float, float, float, float]:
        """A run's box on the trimmed page."""
        return _shift(self.textpage.get_rect(index), self.dx, self.dy)

    def get_index(self, x: float, y: float, x_tol: float, y_tol: float) -> int | None:
        """The character at a point of the trimmed page, if any."""
        index = self.textpage.get_index(x + self.dx, y + self.dy, x_tol, y_tol)
        return None if index is None else int(index)

    def origin(self, index: int) -> float:
        """The baseline of a character."""
        x, y = ctypes.c_double(), ctypes.c_double()
        pypdfium2.raw.FPDFText_GetCharOrigin(self, index, ctypes.byref(x), ctypes.byref(y))
        return y.value - self.dy

    def close(self) -> None:
        """Free pdfium's text page."""
        self.textpage.close()


def _lines(
    textpage: Any, bottom: float, top: float, columns: tuple[tuple[float, float], ...] = ()
) -> list[Line]:
    """The page's lines between ``bottom`` and ``top``, top to bottom, left to right.

    pdfium gives runs of text (a line is cut where the font changes, at a note
    call for instance); runs at the same height are one line when no more than a word
    space apart, or within one of the page's ``columns`` (a justified line's gaps may
    be wider). Two columns' lines at the same height stay apart.
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
            (line for line in _nearby(lines, run.top) if _same_line(line, run, columns)),
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
    _word_gaps(textpage, lines)
    _added_hyphens(textpage, lines)
    return lines


ADDED_HYPHEN = "\u2010"  # the hyphen a layout adds where it breaks a word


def _added_hyphens(textpage: Any, lines: list[Line]) -> None:
    """A line ending with a hyphen the layout added reads ``ADDED_HYPHEN`` last, in
    either variant. pdfium reads any hyphen at a line's end as U+0002, and the web PDF
    gives an added one the text of a soft hyphen (/ActualText, for screen readers):
    the added one is told apart by that mark, a typed one (« États-/Unis ») has none."""
    raw = pypdfium2.raw
    for line in lines:
        if not line.text.endswith(("\x02", "\ufffe")):
            continue
        index = textpage.get_index(line.right - 0.5, line.middle, 2, 2)
        if index is None:
            continue
        text_object = raw.FPDFText_GetTextObject(textpage, index)
        if text_object and _has_actual_text(text_object):
            line.text = line.text[:-1] + ADDED_HYPHEN


def _has_actual_text(text_object: Any) -> bool:
    """Whether a text object is marked with an /ActualText."""
    raw = pypdfium2.raw
    for at in range(raw.FPDFPageObj_CountMarks(text_object)):
        mark = raw.FPDFPageObj_GetMark(text_object, at)
        for param in range(raw.FPDFPageObjMark_CountParams(mark)):
            length = ctypes.c_ulong()
            raw.FPDFPageObjMark_GetParamKey(mark, param, None, 0, ctypes.byref(length))
            buffer = (ctypes.c_ushort * (length.value // 2 + 1))()
            raw.FPDFPageObjMark_GetParamKey(mark, param, buffer, length.value, ctypes.byref(length))
            # Compared as UTF-16 code units: decoding would load a codec in the middle
            # of the check, for one key.
            if tuple(buffer[: length.value // 2]) == _ACTUAL_TEXT:
                return True
    return False


_ACTUAL_TEXT = (*map(ord, "ActualText"), 0)  # the key, as pdfium writes it (ends with NUL)


_WORD_SPACES = {0x20, 0xA0}  # what justification stretches (a fine space U+202F is fixed)


def _word_gaps(textpage: Any, lines: list[Line]) -> None:
    """Each line's widest word gap: from the end of a word's last character to the start
    of the next word's first, both on one baseline, in ems of the first one's font (pdfium
    reads a space between words drawn apart as a generated space character)."""
    raw = pypdfium2.raw
    # pdfium is asked thousands of times a page: its functions, the text page's handle
    # and the structures it fills are looked up and made once.
    handle, dx, dy = textpage._as_parameter_, textpage.dx, textpage.dy
    loose_box = raw.FPDFText_GetLooseCharBox
    origin_of, matrix_of, size_of = (
        raw.FPDFText_GetCharOrigin,
        raw.FPDFText_GetMatrix,
        raw.FPDFText_GetFontSize,
    )
    box, x, y, matrix = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double(), raw.FS_MATRIX()
    box_at, x_at, y_at, matrix_at = (ctypes.byref(c) for c in (box, x, y, matrix))
    count = raw.FPDFText_CountChars(handle)
    codes = _codes(handle, count)
    last = Line(0, 0, 0, 0, "")
    for index in range(1, count - 1):
        if codes[index] not in _WORD_SPACES:
            continue
        before, after = index - 1, index + 1
        if codes[before] < 0x21 or codes[after] < 0x21 or 0xA0 in (codes[before], codes[after]):
            continue
        loose_box(handle, before, box_at)
        end = box.right - dx  # of the word before
        loose_box(handle, after, box_at)
        start = box.left - dx  # of the word after
        origin_of(handle, before, x_at, y_at)
        baseline = y.value - dy
        origin_of(handle, after, x_at, y_at)
        if abs(y.value - dy - baseline) > 0.5:  # a superscript, another line
            continue
        matrix_of(handle, before, matrix_at)
        em = size_of(handle, before) * abs(matrix.a)
        if em <= 0:
            continue
        middle = (end + start) / 2
        # Gaps come in reading order: most fall on the line of the one before.
        if not (last.bottom <= baseline <= last.top and last.left <= middle <= last.right):
            found = next(
                (
                    line
                    for line in lines
                    if line.bottom <= baseline <= line.top and line.left <= middle <= line.right
                ),
                None,
            )
            if found is None:
                continue
            last = found
        last.gap = max(last.gap, round((start - end) / em, 3))


def _codes(handle: Any, count: int) -> list[int]:
    """The code of each of a text page's ``count`` characters, as FPDFText_GetUnicode
    gives it, read in one call of pdfium's rather than one a character (No. 6's 24 pages,
    75,898 characters: 1 ms against 36). FPDFText_GetText gives the same codes in UTF-16,
    but a hyphen ending a line as U+FFFE (GetUnicode: U+0002), and leaves out a character
    that UTF-16 cannot hold in one unit (outside the BMP): if the text it gives is not one
    unit a character, each is asked for."""
    raw = pypdfium2.raw
    text = (ctypes.c_ushort * (count + 1))()
    if raw.FPDFText_GetText(handle, 0, count, text) != count + 1:
        return [raw.FPDFText_GetUnicode(handle, index) for index in range(count)]
    return [_LINE_END_HYPHEN if code == 0xFFFE else code for code in text[:count]]


_LINE_END_HYPHEN = 0x2  # FPDFText_GetUnicode's code for a hyphen ending a line


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


def _same_line(line: Line, run: Line, columns: tuple[tuple[float, float], ...] = ()) -> bool:
    """Whether a run continues a line: overlapping heights (a superscript note call sits
    higher but overlaps its line), and at most a word space apart or both in one
    column."""
    overlap = min(line.top, run.top) - max(line.bottom, run.bottom)
    if overlap <= 0.5:
        return False
    gap = max(run.left - line.right, line.left - run.right)
    return gap <= 8 or any(
        left - 1 <= min(line.left, run.left) and max(line.right, run.right) <= right + 1
        for left, right in columns
    )


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
    for annot in page.get("/Annots") or []:
        if is_dictionary(annot) and annot.get("/Subtype") == "/Link":
            _merge(links, _link(annot, index, destinations, offset))
    for link in links:
        _read_text(link, textpage, width)
    return links


def _link(
    annot: Any, index: int, destinations: dict[str, int], offset: tuple[float, float]
) -> Link:
    """A link annotation: its rectangle from the trim corner, its action and its target."""
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
    target = annot.get("/Dest")
    if is_dictionary(action):
        link.action = str(action.get("/S", "")).lstrip("/") or None
        if link.action == "URI":
            link.uri = str(action.get("/URI"))
        elif link.action == "GoTo":
            target = action.get("/D")
    if is_name_or_string(target):
        link.dest = str(target)
        link.dest_page = destinations.get(link.dest)
    return link


def _merge(links: list[Link], link: Link) -> None:
    """Add a link, or widen the link to the same target whose rectangle it touches."""
    same = next(
        (
            other
            for other in links
            if (other.dest, other.uri) == (link.dest, link.uri) and _overlap(other.rect, link.rect)
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


def _read_text(link: Link, textpage: Any, width: float) -> None:
    """The text under a link, the rest of its line, and its place in reading order."""
    left, bottom, right, top = link.rect
    # Half a point in from each side: the glyph before a note call may reach into it.
    link.text = normalize(textpage.get_text_bounded(left + 0.5, bottom, right - 0.5, top))
    if link.text.replace(" ", "").isdigit():  # pdfium may split a number's digits
        link.text = link.text.replace(" ", "")
    link.line = normalize(textpage.get_text_bounded(left, bottom, width, top))
    index = textpage.get_index((left + right) / 2, (bottom + top) / 2, 2, 2)
    link.order = -1 if index is None else index


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two rectangles share some area (or touch), as boxes of one link do."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
