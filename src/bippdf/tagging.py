"""The web PDF's structure tree made whole: what WeasyPrint's tagging (PDF/UA-1) cannot
be told through HTML and CSS, done on its pydyf objects before the PDF is written.

WeasyPrint tags page by page: an element laid out over two columns or pages becomes
two structure elements, running heads and folios are tagged under an element that
the tree never reaches, table headers have no scope, notes and the contents have no
type of their own. Its tagging is observed while it runs (``observed``: which box,
hence which HTML element, each structure element stands for, and each page's marked
content), then ``retag`` joins the parts of one element into one, marks the page
margins as pagination artifacts, and gives elements the types, scopes, identifiers,
languages and descriptions their HTML says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# The HTML of compose's templates that says what an element is (contract.py holds the
# ids; these roles and classes are the templates' own).
_NOTE_ROLES = {"doc-endnote", "doc-footnote"}
_NOTE_CALL_CLASS = "note-call"
_CONTENTS_LISTS = {"contents-list", "contents-sections"}
_CONTENTS_ENTRIES = {"contents-article", "contents-section"}
_NOTE_CALL = re.compile(r"^#note-(\d+)$")
_SPACES = re.compile(r"\s+")


@dataclass
class Observed:
    """What WeasyPrint's tagging did: the box of each structure element it made, and
    each page's marked content by box."""

    boxes: dict[int, Any] = field(default_factory=dict)  # id(structure element): box
    marked: list[dict[Any, dict[str, Any]]] = field(default_factory=list)  # per page


@contextmanager
def observed() -> Iterator[Observed]:
    """WeasyPrint's tagging functions watched while a PDF is written (they are restored
    after): the boxes are gone once it is written, and its tags name no element."""
    import weasyprint.pdf as writer
    from weasyprint.pdf import tags

    record = Observed()
    build, add = tags._build_box_tree, writer.add_tags

    def build_box_tree(box: Any, *args: Any) -> Iterator[Any]:
        for element in build(box, *args):
            record.boxes.setdefault(id(element), box)  # the innermost box: its own
            yield element

    def add_tags(pdf: Any, document: Any, version: Any, streams: Any) -> None:
        record.marked = [dict(stream._tags) for stream in streams]
        with _page_references_once(pdf):
            add(pdf, document, version, streams)

    tags._build_box_tree, writer.add_tags = build_box_tree, add_tags
    try:
        yield record
    finally:
        tags._build_box_tree, writer.add_tags = build, add


@contextmanager
def _page_references_once(pdf: Any) -> Iterator[None]:
    """Meanwhile, the PDF's page references (pydyf's ``page_references``) made once, not
    each time they are asked for: pydyf makes the tuple of every page's reference anew
    each time, and WeasyPrint's tagging asks for it once per structure element, which is
    as many tuples as elements, each as long as the PDF (No. 6: 3,800 of 24 pages, 0.014 s;
    × 16: 61,000 of 344 pages, 2.8 s). No page is added while the tags are. This PDF only
    is made of a class of its own meanwhile: another written at the same time, in
    another thread, is left as it is."""
    cls = type(pdf)
    namespace = {"page_references": pdf.page_references, "__module__": cls.__module__}
    pdf.__class__ = type(cls.__name__, (cls,), namespace)
    try:
        yield
    finally:
        pdf.__class__ = cls


def _object(pdf: Any, reference: Any) -> Any:
    """The pydyf object a reference (``b"12 0 R"``) points at, else None."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return None


def retag(pdf: Any, document: Any, record: Observed) -> dict[str, int]:
    """Make the structure tree whole (see the module's docstring); what it changed, counted."""
    import pydyf

    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    parent_tree = _object(pdf, root["ParentTree"])
    nums = parent_tree["Nums"]
    page_arrays = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    top = _object(pdf, root["K"][0])
    counts = {"artifacts": _paginate(pdf, document, record, page_arrays)}
    counts["hyphens"] = _soft_hyphens(pdf, record)
    counts.update(_join(pdf, top, record, nums, page_arrays))
    counts.update(_types(pdf, top, record, pydyf))
    return counts


def _paginate(pdf: Any, document: Any, record: Observed, page_arrays: dict[int, Any]) -> int:
    """Running heads and folios (the page margins) marked as pagination artifacts, and the
    contents' dot leaders as layout artifacts: WeasyPrint tags the first under an element
    that the tree never reaches, which a reader can neither find nor skip, and the second
    as words of the link, read aloud as "point point point"."""
    import pydyf
    from weasyprint.formatting_structure import boxes

    count = 0
    for number, page in enumerate(document.pages):
        found: dict[int, dict[str, str]] = {}
        stack: list[tuple[Any, dict[str, str] | None]] = [(page._page_box, None)]
        while stack:
            box, kind = stack.pop()
            if isinstance(box, boxes.MarginBox):
                edge = "/Header" if box.at_keyword.startswith("@top") else "/Footer"
                kind = {"Type": "/Pagination", "Subtype": edge}
            elif getattr(box, "is_leader", False):
                kind = {"Type": "/Layout"}
            tag = record.marked[number].get(box) if kind is not None else None
            if tag is not None and kind is not None:
                found[tag["mcid"]] = kind
            stack.extend((child, kind) for child in getattr(box, "children", ()))
        if not found:
            continue
        stream = _object(pdf, pdf.objects[pdf.pages["Kids"][number * 3]]["Contents"])
        items = stream.stream
        for index, item in enumerate(items):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in found:
                kind = found[item["MCID"]]
                items[index - 1] = "/Artifact"
                item.clear()
                item.update(kind)
                count += 1
        mapping = page_arrays.get(number)
        if mapping is not None:
            for mcid in found:
                if mcid < len(mapping):
                    _untag(pdf, mapping[mcid], mcid)
                    mapping[mcid] = "null"
    return count


def _soft_hyphens(pdf: Any, record: Observed) -> int:
    """A hyphen the layout added at a line's end is read as a soft hyphen (U+00AD, which
    PDF 14.8.2.2.3 gives for it): its run of text gets an /ActualText, so that a screen
    reader says "proxénétisme", not "proxéné" "tisme", and a copied word is whole."""
    import pydyf

    count = 0
    for number, marked in enumerate(record.marked):
        hyphenated = {
            tag["mcid"]: box.text[:-1] + "\u00ad" for box, tag in marked.items() if _hyphenated(box)
        }
        if not hyphenated:
            continue
        stream = _object(pdf, pdf.objects[pdf.pages["Kids"][number * 3]]["Contents"])
        for item in stream.stream:
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in hyphenated:
                item["ActualText"] = pydyf.String(hyphenated[item["MCID"]])
                count += 1
    return count


def _hyphenated(box: Any) -> bool:
    """Whether a run of text ends with the hyphen the layout added to break its word."""
    text = getattr(box, "text", None)
    if not text or getattr(box, "style", None) is None:
        return False
    character = box.style["hyphenate_character"]
    return bool(character) and box.style["hyphens"] != "none" and text.endswith(character)


def _untag(pdf: Any, reference: Any, mcid: int) -> None:
    """The structure element holding a marked content that became an artifact lets go
    of it; a Span made for it alone leaves its parent."""
    holder = _object(pdf, reference)
    if holder is None or mcid not in holder["K"]:
        return
    holder["K"].remove(mcid)
    parent = _object(pdf, holder.get("P"))
    if not holder["K"] and parent is not None and holder.reference in parent["K"]:
        parent["K"].remove(holder.reference)


def _join(
    pdf: Any, top: Any, record: Observed, nums: Any, page_arrays: dict[int, Any]
) -> dict[str, int]:
    """The parts of one HTML element, made on several pages or in several columns, joined
    into its first structure element: the others' kids move into it, in order, and the
    parent tree follows the marked content and annotations they held."""
    first: dict[tuple[int, str, int], Any] = {}
    joined = 0
    places = {nums[i]: i + 1 for i in range(0, len(nums), 2)}  # parent tree key: index
    # Each page's number by its reference (pydyf makes its tuple of them anew when asked).
    pages = {reference: number for number, reference in enumerate(pdf.page_references)}
    # (element, its parent as kept): depth first, in reading order
    stack: list[tuple[Any, Any]] = [(top, None)]
    while stack:
        element, parent = stack.pop()
        kids = [_object(pdf, kid) if isinstance(kid, bytes) else None for kid in element["K"]]
        box = record.boxes.get(id(element))
        target = element
        if box is not None and box.element is not None and parent is not None:
            key = (id(box.element), element["S"], id(parent))
            target = first.setdefault(key, element)
        if target is not element:
            joined += 1
            _move(pdf, element, target, parent, (page_arrays, nums, places, pages))
        stack.extend(
            (kid, target)
            for kid in reversed(kids)
            if kid is not None and kid.get("Type") == "/StructElem"
        )
    return {"joined": joined}


def _move(pdf: Any, element: Any, target: Any, parent: Any, trees: tuple[Any, ...]) -> None:
    """``element``'s kids appended to ``target``'s, ``element`` taken out of ``parent``;
    the parent tree then names ``target`` for what ``element`` held itself."""
    import pydyf

    page_arrays, nums, places, pages = trees
    page = element.get("Pg")
    number = pages.get(page)
    for kid in element["K"]:
        if isinstance(kid, int):
            mapping = page_arrays.get(number)
            if mapping is not None and kid < len(mapping):
                mapping[kid] = target.reference
            if page != target.get("Pg"):
                # A marked-content id counts on its element's page: on another page than
                # the element kept, it becomes a reference that names its page.
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": page, "MCID": kid})
        else:
            found = _object(pdf, kid)
            if found is not None and found.get("Type") == "/StructElem":
                found["P"] = target.reference
            elif found is not None and found.get("Type") == "/OBJR":
                annotation = _object(pdf, found["Obj"])
                place = places.get(annotation.get("StructParent"))
                if place is not None:
                    nums[place] = target.reference
        target["K"].append(kid)
    element["K"] = pydyf.Array()
    if element.reference in parent["K"]:
        parent["K"].remove(element.reference)


def _types(pdf: Any, top: Any, record: Observed, pydyf: Any) -> dict[str, int]:
    """Types, attributes and descriptions the HTML says: notes and their calls, the
    contents, table headers' scope, languages, and each link's words as its annotations'
    description."""
    counts = {"notes": 0, "references": 0, "toc": 0, "links": 0, "languages": 0}
    # (element, its parent's type, the HTML link it is in, its parent's HTML element)
    stack: list[tuple[Any, str, Any, Any]] = [(top, "", None, None)]
    while stack:
        element, parent_type, link, parent_html = stack.pop()
        box = record.boxes.get(id(element))
        html = box.element if box is not None else None
        kind = element["S"]
        # an anonymous box (the block around a note's number) shares its parent's HTML
        # element: the parent alone is the note
        if html is not None and html is not parent_html:
            link = html if html.tag == "a" else link
            classes = set((html.get("class") or "").split())
            if html.get("role") in _NOTE_ROLES and html.get("id") and kind != "/Note":
                element["S"] = "/Note"
                element["ID"] = pydyf.String(html.get("id"))
                counts["notes"] += 1
            elif _NOTE_CALL_CLASS in classes and kind != "/Link":
                element["S"] = "/Reference"
                counts["references"] += 1
            elif classes & _CONTENTS_LISTS and kind == "/L":
                element["S"] = "/TOC"
                counts["toc"] += 1
            elif classes & _CONTENTS_ENTRIES and kind == "/LI":
                element["S"] = "/TOCI"
            elif kind == "/TH":
                scope = "/Row" if html.get("scope") == "row" else "/Column"
                element["A"]["Scope"] = scope
            language = html.get("lang")
            if language and html.tag not in ("html", "body"):
                element["Lang"] = pydyf.String(language)
                counts["languages"] += 1
        if element["S"] == "/LBody" and parent_type == "/TOCI":
            element["S"] = "/NonStruct"  # a TOCI holds no list body
        kids = [_object(pdf, kid) if isinstance(kid, bytes) else None for kid in element["K"]]
        if link is not None and any(k is not None and k.get("Type") == "/OBJR" for k in kids):
            counts["links"] += _describe(pdf, element, kids, link, pydyf)
        for kid in reversed(kids):
            if kid is not None and kid.get("Type") == "/StructElem":
                stack.append((kid, element["S"], link, html))
    return counts


def _describe(pdf: Any, element: Any, kids: list[Any], link: Any, pydyf: Any) -> int:
    """A link's description (its annotations' /Contents): its title, else its words (a
    note call's words are its number: "note 12"). The element holding an annotation is
    its Link, whatever the HTML inside the link (an <em>) made of it."""
    words = _SPACES.sub(" ", "".join(link.itertext())).strip()
    call = _NOTE_CALL.match(link.get("href") or "")
    description = link.get("title") or (f"note {call[1]}" if call else words)
    element["S"] = "/Link"
    count = 0
    for kid in kids:
        if kid is not None and kid.get("Type") == "/OBJR" and description:
            _object(pdf, kid["Obj"])["Contents"] = pydyf.String(description)
            count += 1
    return count
