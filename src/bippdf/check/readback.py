"""Reading a PDF back: pages, labels, links, destinations, outline, fonts, text.

Structure comes from pypdf; the text under a link (for instance the page
number printed at the end of a contents entry) from pypdfium2, which can read
the text inside a rectangle (see ``pages``). Everything that verifies a PDF
starts here.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject, IndirectObject

from ..contract import LETTER, PageGeometry
from .actions import scripts
from .child import in_child
from .inks import PageInks, read_inks
from .matterhorn import Tagging, audit
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
    with _quiet_pypdf():
        reader = PdfReader(io.BytesIO(data))
        reader.root_object  # noqa: B018  (a file that is not a PDF fails here, not later)
    document = pypdfium2.PdfDocument(data)
    try:
        positions = _positions(reader)
        pages, whole, structure = _read(reader, document, positions, (geometry, tolerance), workers)
    finally:
        document.close()
    return PdfReadback(
        page_count=len(reader.pages),
        page_sizes=[(float(p.trimbox.width), float(p.trimbox.height)) for p in reader.pages],
        boxes=whole.boxes,
        structure=structure,
        page_labels=list(reader.page_labels),
        texts=[page.text for page, _ in pages],
        links=[link for page, _ in pages for link in page.links],
        destinations={name: page for name, (page, _, _) in positions.items()},
        outline=whole.outline,
        fonts=whole.fonts,
        metadata=whole.metadata,
        language=whole.language,
        has_page_labels="/PageLabels" in reader.root_object,
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
    reader: PdfReader,
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

    def read(indices: Iterable[int]) -> dict[int, _Read]:
        """These pages, read in this process."""
        return {
            index: (
                read_page(reader, document, index, geometry, tolerance, destinations),
                read_inks(reader.pages[index], profile) if printing else None,
            )
            for index in indices
        }

    def other() -> tuple[dict[int, _Read], Structure, dict[Any, float]]:
        """The structure tree and pages from the end, for the other process, with the
        pictures it weighed (kept in this one for the next check: ``separation``)."""
        structure = _structure(reader)
        return (read(shared.from_the_end()) if shared else {}), structure, weighed()

    with in_child(other, fork=shared is not None) as rest:
        pages = read(shared.from_the_start() if shared else range(count))
        whole = _whole(reader)
        other_pages, structure, pictures = rest()
    pages.update(other_pages)
    remember(pictures)
    return [pages[index] for index in range(count)], whole, structure


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


def _for_print(reader: PdfReader) -> tuple[bool, bytes | None]:
    """Whether the PDF is meant for print (an output intent, or a bleed around its pages),
    and the ICC profile of its first output intent, through which its RGB would print."""
    intents = reader.root_object.get("/OutputIntents") or []
    bled = any(page.mediabox != page.trimbox for page in reader.pages)
    for intent in intents:
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is not None:
            return True, profile.get_object().get_data()
    return bool(intents) or bled, None


def _whole(reader: PdfReader) -> _Whole:
    """The metadata, language, outline, fonts and page boxes of the document."""
    language = reader.root_object.get("/Lang")
    return _Whole(
        metadata={k.lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()},
        language=str(language) if language is not None else None,
        outline=_outline(reader, reader.outline),
        fonts=_fonts(reader),
        boxes=[_boxes(p) for p in reader.pages],
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
        found.tagging = audit(reader)
    for intent in root.get("/OutputIntents") or []:
        found.intents.append(_output_intent(intent.get_object()))
    found.output_intents = [intent.subtype for intent in found.intents]
    found.annotations = [
        (index, str(annotation.get_object().get("/Subtype", "")).lstrip("/"))
        for index, page in enumerate(reader.pages)
        for annotation in page.get("/Annots") or []
    ]
    info = reader.trailer.get("/Info")
    found.pdfx_versions = _pdfx_versions(found.xmp, info)
    found.header = reader.pdf_header.removeprefix("%PDF-")
    found.identified = "/ID" in reader.trailer
    found.info = {
        str(key).lstrip("/"): str(value)
        for key, value in (info.get_object() if info else {}).items()
    }
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
    version = info.get_object().get("/GTS_PDFXVersion") if info is not None else None
    if version is not None:
        found[_INFO_VERSION] = str(version)
    return found


def _document_actions(root: Any) -> list[str]:
    """What the document does by itself: an /OpenAction or additional actions (/AA) of
    the catalog, by their action type, and named JavaScript."""
    found = []
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else None
    if isinstance(opening, DictionaryObject):  # (an array is a destination: harmless)
        found.append(str(opening.get("/S", "?")).lstrip("/"))
    for action in (root.get("/AA") or {}).values():
        found.append(str(action.get_object().get("/S", "?")).lstrip("/"))
    if "/JavaScript" in (root.get("/Names") or {}):
        found.append("JavaScript")
    return found


def _output_intent(intent: DictionaryObject) -> OutputIntent:
    """An output intent as read, its profile's colour space from bytes 16–19 of its header."""
    profile = intent.get("/DestOutputProfile")
    components = space = device = None
    if profile is not None:
        stream = profile.get_object()
        components = int(stream["/N"]) if "/N" in stream else 0
        header = stream.get_data()[:20]
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


def _outline(reader: PdfReader, items: list[Any]) -> list[OutlineItem]:
    """The bookmarks as pypdf gives them (a list after an item holds its children)."""
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
    """Every font the pages use, by name: embedded or not, and on which pages."""
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
