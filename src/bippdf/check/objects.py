"""A PDF's objects as the checks read them (pikepdf): a page's content, boxes and
numbers as Python numbers, destinations as the page they name.

pikepdf (qpdf) parses a file's objects, object streams included, in C++ and only when
asked for: the web PDF keeps its thousands of structure elements in one object stream,
which a reader in Python parses whole before anything can be read. qpdf gives each page
the attributes it inherits from the page tree (resources, boxes, rotation: PDF
32000-1, 7.7.3.4) as its own.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pikepdf

__all__ = [
    "Digests",
    "Pdf",
    "content",
    "described",
    "destination_page",
    "identity",
    "is_array",
    "is_dictionary",
    "is_name_or_string",
    "named_destinations",
    "number",
    "open_pdf",
    "page_box",
    "page_index",
    "page_numbers",
]

Pdf = pikepdf.Pdf


_SOURCE = re.compile(r"^stream <[^>]*>: ")  # how qpdf names bytes given in memory


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """A PDF from its bytes (which it reads as objects are asked for)."""
    return pikepdf.open(io.BytesIO(data))


def described(error: Exception) -> str:
    """What went wrong reading a PDF, without the name qpdf gives bytes in memory."""
    return _SOURCE.sub("", str(error))


def is_dictionary(value: Any) -> bool:
    """A dictionary, a stream's included (its dictionary is read as one)."""
    return isinstance(value, (pikepdf.Dictionary, pikepdf.Stream))


def is_array(value: Any) -> bool:
    return isinstance(value, (pikepdf.Array, list))


def is_name_or_string(value: Any) -> bool:
    return isinstance(value, (pikepdf.Name, pikepdf.String, str))


def number(value: Any) -> float | None:
    """A PDF number as a float (pikepdf gives reals as decimals); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return None


def identity(value: Any) -> tuple[int, int]:
    """What tells one object from another: an indirect object's number and generation.
    A direct object gets a number of its own at each call, never met again: it stands in
    one place of the file, so no walk comes back to it, and pikepdf wraps it anew each
    time it is read (the id of a wrapper let go is another's soon after)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return tuple(value.objgen)  # type: ignore[return-value]
    return (-1, next(_DIRECT))


_DIRECT = itertools.count()


def page_box(page: Any, key: str) -> tuple[float, float, float, float]:
    """A page's box as written, else the box it defaults to (PDF 32000-1, 14.11.2: the
    bleed, trim and art boxes to the crop box, the crop box to the media box)."""
    fallbacks = {
        "/MediaBox": (),
        "/CropBox": ("/MediaBox",),
        "/BleedBox": ("/CropBox", "/MediaBox"),
        "/TrimBox": ("/CropBox", "/MediaBox"),
        "/ArtBox": ("/CropBox", "/MediaBox"),
    }
    for name in (key, *fallbacks[key]):
        found = page.get(name)
        if is_array(found) and len(found) == 4:
            values = [number(value) for value in found]
            if all(value is not None for value in values):
                return tuple(values)  # type: ignore[return-value]
    return (0.0, 0.0, 612.0, 792.0)  # no media box at all: a Letter page, as viewers guess


def content(page: Any) -> bytes | None:
    """A page's content, its streams joined (None for a page without content)."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents if _is_stream(part))
    return contents.read_bytes() if _is_stream(contents) else None


def _is_stream(value: Any) -> bool:
    return isinstance(value, pikepdf.Stream)


def page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    """Each page object's index, by its object number and generation."""
    return {tuple(page.obj.objgen): index for index, page in enumerate(pdf.pages)}  # type: ignore[misc]


def named_destinations(pdf: pikepdf.Pdf) -> Iterator[tuple[str, Any]]:
    """Every named destination and what it names: the /Dests name tree of /Names, then
    the /Dests dictionary of PDF 1.1 (by name, with its slash)."""
    root: Any = pdf.Root
    names = root.get("/Names")
    tree: Any = names.get("/Dests") if is_dictionary(names) else None
    if is_dictionary(tree):
        for name, value in pikepdf.NameTree(tree).items():
            yield str(name), _explicit(value)
    old = root.get("/Dests")
    if is_dictionary(old):
        for name, value in old.items():
            yield str(name), _explicit(value)


def _explicit(value: Any) -> Any:
    """A destination as an array: a dictionary's /D (PDF 32000-1, 12.3.2.3)."""
    return value.get("/D") if is_dictionary(value) else value


def destination_page(
    destination: Any, numbers: dict[tuple[int, int], int], named: dict[str, Any] | None = None
) -> int | None:
    """The index of the page a destination (an array, or a name among ``named``) shows."""
    if named is not None and is_name_or_string(destination):
        destination = named.get(str(destination))
    if not is_array(destination) or not len(destination):
        return None
    return page_index(destination[0], numbers)


def page_index(reference: Any, numbers: dict[tuple[int, int], int]) -> int | None:
    """The index of the page an object refers to (``numbers``: ``page_numbers``), None
    for anything but a page of the PDF."""
    if isinstance(reference, pikepdf.Object) and reference.is_indirect:
        return numbers.get(tuple(reference.objgen))  # type: ignore[arg-type]
    return None


# A reference in qpdf's writing of an object; a literal string is matched whole (qpdf
# escapes the parentheses in it), so that a string's "50 0 R" is not taken for one.
_REFERENCE = re.compile(rb"\((?:[^\\()]|\\.)*\)|(?<![\d.])(\d+) (\d+) R\b", re.S)
_DEEPEST = 200  # references followed from a page; deeper, the page is read anew


class Digests:
    """A hash of each page of a PDF and of everything it refers to: its dictionary,
    content, resources (fonts, images, forms, colour spaces) and annotations, followed
    from reference to reference, whatever the objects' numbers. A page with the digest
    of one read before reads back the same (``readback`` keeps what it read of recent
    pages for ``watch``, whose rebuilds change a few pages of many). Left out, because
    they say nothing of what is drawn: the page tree above the page, and the pages a
    link or a destination names, which count by their index alone."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self._pdf = pdf
        self._pages = page_numbers(pdf)
        self._tree: set[tuple[int, int]] = set()
        node: Any = pdf.Root.get("/Pages")
        nodes = [node] if isinstance(node, pikepdf.Object) and node.is_indirect else []
        while nodes and len(self._tree) < len(self._pages) + 1:
            node = nodes.pop()
            self._tree.add(tuple(node.objgen))
            nodes += [
                kid
                for kid in node.get("/Kids") or []
                if isinstance(kid, pikepdf.Dictionary)
                and kid.is_indirect
                and "/Kids" in kid
                and tuple(kid.objgen) not in self._tree
            ]
        self._known: dict[tuple[int, int], bytes] = {}
        self._open: set[tuple[int, int]] = set()  # the objects being hashed
        self._added: list[tuple[int, int]] = []  # those hashed for the page being hashed
        self._looped = False

    def page(self, index: int) -> bytes | None:
        """The digest of a page (by its index); None for a page that cannot have one,
        whose objects refer back to one another, or to an object that is not there (a
        viewer may find it under another generation), or go deeper than ``_DEEPEST``:
        such a page is read anew at each check."""
        page = self._pdf.pages[index].obj
        self._looped, self._added = False, []
        digest = self._of(tuple(page.objgen), 0, top=True)  # type: ignore[arg-type]
        if self._looped:  # (the digests made meanwhile may leave out an object of the loop)
            for objgen in self._added:
                self._known.pop(objgen, None)
            return None
        return digest

    def _of(self, objgen: tuple[int, int], depth: int, *, top: bool = False) -> bytes:
        """The digest of an indirect object, once for each (a page or the page tree
        met on the way stands for itself)."""
        if not top and objgen in self._pages:
            return b"page %d" % self._pages[objgen]
        if objgen in self._tree:
            return b"page tree"
        known = self._known.get(objgen)
        if known is not None:
            return known
        if objgen in self._open or depth > _DEEPEST:
            self._looped = True
            return b""
        self._open.add(objgen)
        try:
            found: Any = self._pdf.get_object(objgen)
            if found is None:  # not there: read as null here, maybe not by pdfium
                self._looped = True
                return b""
            stream = isinstance(found, pikepdf.Stream)
            text = (found.stream_dict if stream else found).unparse(resolved=True)
            # Each reference stands for what it refers to, whatever its number: an edit
            # that adds objects renumbers those written after them.
            hasher = hashlib.sha256(_REFERENCE.sub(_unnumbered, text))
            if stream:
                hasher.update(found.read_raw_bytes())
            for match in _REFERENCE.finditer(text):
                if match[1] is not None:
                    hasher.update(self._of((int(match[1]), int(match[2])), depth + 1))
        except (pikepdf.PdfError, ValueError, TypeError, OverflowError):
            self._looped = True  # (a number qpdf cannot take for an object's)
            return b""
        finally:
            self._open.discard(objgen)
        digest = self._known[objgen] = hasher.digest()
        self._added.append(objgen)
        return digest


def _unnumbered(match: re.Match[bytes]) -> bytes:
    """A reference without its numbers; a string as it is."""
    return b"R" if match[1] is not None else match[0]
