"""Reading a PDF back: pages, labels, links, destinations, outline, fonts, text.

Structure comes from pikepdf (``objects``); the text under a link (for instance the page
number printed at the end of a contents entry) from pypdfium2, which can read
the text inside a rectangle (see ``pages``). Everything that verifies a PDF
starts here.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2
from fontTools.ttLib import TTFont

from ..contract import LETTER, PageGeometry
from ..forked import in_child
from ..recent import Recent
from . import matterhorn
from .actions import scripts
from .inks import PageInks, read_inks
from .matterhorn import Marks, Tagging, audit
from .objects import (
    Digests,
    Pdf,
    destination_page,
    identity,
    is_array,
    is_dictionary,
    named_destinations,
    number,
    open_pdf,
    page_box,
    page_numbers,
)
from .pages import SUBSET_PREFIX, Line, Link, Page, Picture, normalize, read_page
from .separation import remember, weighed

__all__ = [
    "Font",
    "Line",
    "Link",
    "OutlineItem",
    "OutputIntent",
    "PageInks",
    "PdfReadback",
    "Picture",
    "Structure",
    "normalize",
    "read_pdf",
]

_T = TypeVar("_T")


@dataclass
class OutputIntent:
    """An output intent: its subtype, and the profile it gives with what it says of it."""

    subtype: str  # e.g. GTS_PDFX
    condition: str  # /OutputConditionIdentifier
    components: int | None  # the /N of the DestOutputProfile stream; None without a profile
    profile_space: str  # the colour space in the profile's header (CMYK, RGB, GRAY), or ""
    profile_class: str = ""  # the device class in its header: prtr for a printer's profile


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
    intents: list[OutputIntent] = field(default_factory=list)
    conformance: str = ""  # the XMP's pdfxid:GTS_PDFXVersion, else the Info's GTS_PDFXVersion
    annotations: list[tuple[int, str]] = field(default_factory=list)  # (page, subtype)
    # Every declaration of the PDF/X version, by where it stands ("XMP pdfxid:…", "Info …")
    pdfx_versions: dict[str, str] = field(default_factory=dict)
    header: str = ""  # the version of the file's header: "1.6"
    identified: bool = False  # an /ID in the trailer
    info: dict[str, str] = field(default_factory=dict)  # the Info dictionary, as text
    actions: list[str] = field(default_factory=list)  # document-level actions (JavaScript…)
    # Every JavaScript or Launch action, wherever it stands: "JavaScript à l'ouverture…"
    scripts: list[str] = field(default_factory=list)
    # the Matterhorn protocol's testable conditions, for a PDF with a structure tree
    tagging: Tagging | None = None


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
    # each page's colour spaces, inks and marks: read for a PDF meant for print (one
    # with an output intent or a bleed), empty otherwise
    inks: list[PageInks] = field(default_factory=list)

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
    a forked process reads the structure tree and pages from the end meanwhile (on a
    core that would otherwise wait)."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = open_pdf(data)
    document = pypdfium2.PdfDocument(data)
    try:
        positions = _positions(reader)
        pages, whole, structure = _read(reader, document, positions, (geometry, tolerance), workers)
        labels = [str(page.label) for page in reader.pages]
        labelled = "/PageLabels" in reader.Root
    finally:
        document.close()
        reader.close()
    trims = [boxes["TrimBox"] for boxes in whole.boxes]
    return PdfReadback(
        page_count=len(pages),
        page_sizes=[(right - left, top - bottom) for left, bottom, right, top in trims],
        boxes=whole.boxes,
        structure=structure,
        page_labels=labels,
        texts=[page.text for page, _ in pages],
        links=[link for page, _ in pages for link in page.links],
        destinations={name: page for name, (page, _, _) in positions.items()},
        outline=whole.outline,
        fonts=whole.fonts,
        metadata=whole.metadata,
        language=whole.language,
        has_page_labels=labelled,
        footers=[page.footer for page, _ in pages],
        outside=[page.outside for page, _ in pages],
        images=[page.images for page, _ in pages],
        marks=[page.marks for page, _ in pages],
        lines=[page.lines for page, _ in pages],
        positions=positions,
        inks=[inks for _, inks in pages if inks is not None],
    )


_PAGES_WORTH_A_PROCESS = 8  # below, forking costs more than it saves


@dataclass
class _Whole:
    """What is read of the document as a whole, besides its structure tree."""

    metadata: dict[str, str]
    language: str | None
    outline: list[OutlineItem]
    fonts: dict[str, Font]
    boxes: list[dict[str, tuple[float, float, float, float]]]


_Read = tuple[Page, PageInks | None]


def _read(
    reader: Pdf,
    document: Any,
    positions: dict[str, tuple[int, float, float]],
    block: tuple[PageGeometry, float],
    workers: int,
) -> tuple[list[_Read], _Whole, Structure]:
    """Every page (and its inks, for print), the document's parts and its structure tree;
    with two ``workers``, another process reads the structure tree and pages from the
    end, this one pages from the start, until they meet (pages cost unevenly: a photo's
    inks, a page of notes). ``block``: the page geometry, and the tolerance around its
    text."""
    geometry, tolerance = block
    destinations = {name: page for name, (page, _, _) in positions.items()}
    count = len(reader.pages)
    forking = workers > 1 and count >= _PAGES_WORTH_A_PROCESS and hasattr(os, "fork")
    shared = _BothEnds(count) if forking else None
    printing, profile = _for_print(reader)
    digests = Digests(reader)
    reading = (geometry, tolerance, printing, profile and hashlib.sha256(profile).digest())

    def read(indices: Iterable[int]) -> tuple[dict[int, _Read], dict[_Key, bytes]]:
        """These pages, read in this process (or as read before: ``KEPT``), with what
        was read of each, to be kept."""
        pages, used = {}, {}
        for index in indices:
            digest = digests.page(index)
            key = (digest or b"", index, reading)
            kept = KEPT.get(key) if digest is not None else None
            if kept is None:
                page = read_page(reader, document, index, geometry, tolerance, destinations)
                inks = read_inks(reader.pages[index].obj, profile) if printing else None
                kept = pickle.dumps((page, inks))
            pages[index] = _as_read(kept, destinations)
            if digest is not None:  # (a page without one is read anew each time)
                used[key] = kept
        return pages, used

    def other() -> tuple[
        dict[int, _Read], dict[_Key, bytes], Structure, dict[Any, float], dict[bytes, Marks]
    ]:
        """The structure tree and pages from the end, for the other process, with what it
        read of them, the pictures it weighed and the contents whose marks it walked
        (kept in this one for the next check)."""
        structure = _structure(reader)
        pages, used = read(shared.from_the_end()) if shared else ({}, {})
        return pages, used, structure, weighed(), matterhorn.MARKED.kept()

    with in_child(other, fork=shared is not None) as rest:
        pages, used = read(shared.from_the_start() if shared else range(count))
        whole = _whole(reader)
        other_pages, other_used, structure, pictures, marks = rest()
    pages.update(other_pages)
    KEPT.keep({**used, **other_used})
    remember(pictures)
    matterhorn.MARKED.keep(marks)
    return [pages[index] for index in range(count)], whole, structure


# What was read of the pages of recent checks, by page digest, index and reading (page
# geometry, tolerance, inks or not, output profile). Kept pickled: each check gets pages
# of its own.
_Key = tuple[bytes, int, Any]
KEPT: Recent[_Key, bytes] = Recent(512)


def _as_read(kept: bytes, destinations: dict[str, int]) -> _Read:
    """A page as read, its links to the pages their destinations are on in this PDF."""
    page, inks = pickle.loads(kept)
    for link in page.links:
        link.dest_page = destinations.get(link.dest) if link.dest is not None else None
    return page, inks


class _BothEnds:
    """A PDF's page numbers, handed to two processes: one takes them from the start, the
    other from the end (its first, the last page, kept for it), until they meet."""

    def __init__(self, count: int) -> None:
        # In shared memory, the next page from the start and the page last taken from
        # the end; made before the other process is forked, which shares them.
        # (The fork context's lock is unnamed: no process is started to track it.)
        self._next = multiprocessing.get_context("fork").Array("i", [0, count - 1])

    def from_the_start(self) -> Iterator[int]:
        """The pages this process reads, in order."""
        while True:
            with self._next.get_lock():
                start, end = self._next[0], self._next[1]
                if start >= end:
                    return
                self._next[0] = start + 1
            yield start

    def from_the_end(self) -> Iterator[int]:
        """The pages the other process reads, the last first."""
        with self._next.get_lock():
            end = self._next[1]
        yield end
        while True:
            with self._next.get_lock():
                start, end = self._next[0], self._next[1] - 1
                if end < start:
                    return
                self._next[1] = end
            yield end


def _for_print(reader: Pdf) -> tuple[bool, bytes | None]:
    """Whether the PDF is meant for print (an output intent, or a bleed around its pages),
    and the ICC profile of its first output intent, through which its RGB would print."""
    intents: Any = reader.Root.get("/OutputIntents") or []
    bled = any(
        page_box(page.obj, "/MediaBox") != page_box(page.obj, "/TrimBox") for page in reader.pages
    )
    for intent in intents:
        profile = intent.get("/DestOutputProfile")
        if profile is not None:
            return True, profile.read_bytes()
    return bool(intents) or bled, None


def _whole(reader: Pdf) -> _Whole:
    """The metadata, language, outline, fonts and page boxes of the document."""
    language = reader.Root.get("/Lang")
    info = reader.trailer.get("/Info")
    return _Whole(
        metadata={str(k).lstrip("/"): str(v) for k, v in (info or {}).items()},
        language=str(language) if language is not None else None,
        outline=_outline(reader),
        fonts=_fonts(reader),
        boxes=[_boxes(page.obj) for page in reader.pages],
    )


def _positions(reader: Pdf) -> dict[str, tuple[int, float, float]]:
    """Where each named destination points: page, left and top (from the trim corner)."""
    numbers = page_numbers(reader)
    result = {}
    for name, dest in named_destinations(reader):
        page = destination_page(dest, numbers)
        if page is not None:
            trim = page_box(reader.pages[page].obj, "/TrimBox")
            left, top = _corner(dest)
            result[name] = (page, left - trim[0], top - trim[1])
    return result


# Where each kind of destination gives its left and top (PDF 32000-1, table 151)
_LEFT_TOP = {
    "/XYZ": (2, 3),
    "/FitH": (None, 2),
    "/FitBH": (None, 2),
    "/FitV": (2, None),
    "/FitBV": (2, None),
    "/FitR": (2, 5),
}


def _corner(dest: Any) -> tuple[float, float]:
    """A destination's left and top (0 where it says none, or null)."""
    kind = str(dest[1]) if len(dest) > 1 else ""
    places = _LEFT_TOP.get(kind, (None, None))
    found = [
        (number(dest[place]) if place is not None and place < len(dest) else None) or 0.0
        for place in places
    ]
    return found[0], found[1]


def _structure(reader: Pdf) -> Structure:
    """Tagging, viewer preferences, XMP, figures' alternative texts, output intents."""
    root: Any = reader.Root
    found = Structure(encrypted=reader.is_encrypted)
    tree = root.get("/StructTreeRoot")
    found.tagged = tree is not None
    found.marked = (root.get("/MarkInfo") or {}).get("/Marked", False) is True
    found.display_title = (root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle") is True
    metadata = root.get("/Metadata")
    if metadata is not None:
        found.xmp = metadata.read_bytes().decode("utf-8", "replace")
    if tree is not None:
        found.figures = list(_figures(tree.get("/K")))
        found.tagging = audit(reader)
    for intent in root.get("/OutputIntents") or []:
        found.intents.append(_output_intent(intent))
    found.output_intents = [intent.subtype for intent in found.intents]
    found.annotations = [
        (index, str(annotation.get("/Subtype", "")).lstrip("/"))
        for index, page in enumerate(reader.pages)
        for annotation in page.obj.get("/Annots") or []
    ]
    info = reader.trailer.get("/Info")
    found.pdfx_versions = _pdfx_versions(found.xmp, info)
    found.header = reader.pdf_version
    found.identified = "/ID" in reader.trailer
    found.info = {str(key).lstrip("/"): str(value) for key, value in (info or {}).items()}
    found.actions = _document_actions(root)
    found.scripts = scripts(reader, root)
    found.conformance = found.pdfx_versions.get(
        _XMP_VERSION, found.pdfx_versions.get(_INFO_VERSION, "")
    )
    return found


_XMP_VERSION, _INFO_VERSION = "XMP pdfxid:GTS_PDFXVersion", "Info GTS_PDFXVersion"


def _pdfx_versions(xmp: str, info: Any) -> dict[str, str]:
    """The PDF/X version as the XMP (element or attribute) and the Info dictionary say it."""
    found = {}
    for prefix in ("pdfxid", "pdfx"):
        match = re.search(
            rf'<{prefix}:GTS_PDFXVersion>([^<]*)<|{prefix}:GTS_PDFXVersion="([^"]*)"', xmp
        )
        if match:
            found[f"XMP {prefix}:GTS_PDFXVersion"] = (match[1] or match[2] or "").strip()
    version = info.get("/GTS_PDFXVersion") if info is not None else None
    if version is not None:
        found[_INFO_VERSION] = str(version)
    return found


def _document_actions(root: Any) -> list[str]:
    """What the document does by itself: an /OpenAction or additional actions (/AA) of
    the catalog, by their action type, and named JavaScript."""
    found = []
    opening = root.get("/OpenAction")
    if is_dictionary(opening):  # (an array is a destination: harmless)
        found.append(str(opening.get("/S", "?")).lstrip("/"))
    for action in (root.get("/AA") or {}).values():
        found.append(str(action.get("/S", "?")).lstrip("/"))
    if "/JavaScript" in (root.get("/Names") or {}):
        found.append("JavaScript")
    return found


def _output_intent(intent: Any) -> OutputIntent:
    """An output intent as read, its profile's colour space from bytes 16–19 of its header."""
    profile = intent.get("/DestOutputProfile")
    components = space = device = None
    if profile is not None:
        components = int(profile["/N"]) if "/N" in profile else 0
        header = profile.read_bytes()[:20]
        space = header[16:20].decode("latin-1").strip()
        device = header[12:16].decode("latin-1").strip()
    return OutputIntent(
        subtype=str(intent.get("/S", "")).lstrip("/"),
        condition=str(intent.get("/OutputConditionIdentifier", "")),
        components=components,
        profile_space=space or "",
        profile_class=device or "",
    )


def _figures(node: Any) -> Iterator[str | None]:
    """The /Alt of every Figure element under a structure node."""
    if is_array(node):
        for child in node:
            yield from _figures(child)
    elif is_dictionary(node):
        if node.get("/S") == "/Figure":
            alt = node.get("/Alt")
            yield None if alt is None else str(alt)
        kids = node.get("/K")
        if kids is not None:
            yield from _figures(kids)


def _boxes(page: Any) -> dict[str, tuple[float, float, float, float]]:
    """The page's boxes as written (a missing box reads as the one it defaults to)."""
    return {name: page_box(page, f"/{name}") for name in ("MediaBox", "BleedBox", "TrimBox")}


_OUTLINE_ITEMS_AT_MOST = 100_000  # a loop of /Next or /First is followed no further


def _outline(reader: Pdf) -> list[OutlineItem]:
    """The bookmarks, each with the page it opens (None for one that opens none)."""
    outlines: Any = reader.Root.get("/Outlines")
    if not is_dictionary(outlines):
        return []
    numbers = page_numbers(reader)
    named = dict(named_destinations(reader))
    top: list[OutlineItem] = []
    pending: list[tuple[Any, list[OutlineItem]]] = [(outlines.get("/First"), top)]
    seen: set[Any] = set()
    while pending and len(seen) < _OUTLINE_ITEMS_AT_MOST:
        item, siblings = pending.pop()
        while is_dictionary(item) and identity(item) not in seen:
            seen.add(identity(item))
            target = item.get("/Dest")
            action = item.get("/A")
            if target is None and is_dictionary(action) and action.get("/S") == "/GoTo":
                target = action.get("/D")
            entry = OutlineItem(
                title=str(item.get("/Title", "")), page=destination_page(target, numbers, named)
            )
            siblings.append(entry)
            pending.append((item.get("/First"), entry.children))
            item = item.get("/Next")
    return top


def _fonts(reader: Pdf) -> dict[str, Font]:
    """Every font the pages use, by name: embedded or not, and on which pages."""
    fonts: dict[str, Font] = {}
    names: dict[Any, tuple[str, bool]] = {}  # pages share font objects: read each once
    for index, page in enumerate(reader.pages):
        resources: Any = page.obj.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            key = identity(font)
            if key in names:
                name, embedded = names[key]
                fonts[name].pages.add(index)
                continue
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get("/FontDescriptor")
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
            data = descriptor[key].read_bytes()
            try:
                font = TTFont(io.BytesIO(data), lazy=True)
                name = font["name"].getDebugName(6)
            except Exception:  # a bare CFF or Type 1 program has no name table
                return None
            return str(name) if name else None
    return None
