"""Laying a document out again after an edit, from its previous layout: the pages
before the edit are kept, and so are those after it once the pages meet the previous
ones again (``watch``).

WeasyPrint 70 makes the pages one after another from its ``page_maker``: for each page,
where its content starts and the counters' state at its top. It already remakes only
the pages that need it when a counter a page shows has moved, and stops remaking where
a page starts as it did before. This module uses that. The new HTML's boxes are built
and compared with those laid out before (``_match``): down to the boxes of lines
(paragraphs, headings, cells), they must be of the same kinds, styles and attributes.
A box of lines that changed (its words, an emphasis, a word kept whole, its spacing)
replaces the old one in the previous document's tree, and so does an article whose
classes changed, whole (copyfitting's trials: it starts a page, or is set looser); the
pages showing it (and the one before, whose break may depend on it) are marked to be
remade, and WeasyPrint lays the document out again from that state. A page after
them is remade while where it starts differs from before: a sentence added moves the
pages after it, a word usually does not. A page kept keeps its margin boxes (running
heads, folio) and their backgrounds, which WeasyPrint makes again for every page,
while its state (counters, the page count) and the named strings of the pages up to
it are those they were made from (``Margins``).

The result is the document a whole layout of the new HTML gives, byte for byte once
written (tests/test_relayout.py). Anything else is laid out whole: other boxes, styles
or attributes (the document's class, a stylesheet), a file the pages show changed, notes
at the foot of the page, boxes broken across pages out of the flow, a warning while
laying out.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .contract import SOURCE_ATTRIBUTE
from .files import identity
from .redraw import Drawings

# The parts of WeasyPrint this reads are those of version 70 (pyproject.toml).
SUPPORTED = "70."

_GENERATED = ("::before", "::after", "::marker")  # their text: counters and attributes
_COPIED = ("text", "bookmark_label", "string_set")  # what an edit of text changes in a box
_PLAIN = (str, int, float, bool, type(None), tuple, list)

Stamp = tuple[tuple[str, int, int, int], ...]
Run = Callable[[Callable[[], Any]], Any]  # calls its work (render.with_room: with room)


@dataclass(eq=False)
class Built:
    """A document's boxes before layout, with what laying them out needs."""

    source: Any  # the weasyprint.HTML
    context: Any  # its LayoutContext: page_maker, counters, targets
    root: Any  # the box tree
    options: dict[str, Any]  # WeasyPrint's rendering options, filled as it fills them
    color_profiles: Any


@dataclass(eq=False)
class Layout:
    """A document laid out, with what laying it out again after an edit needs."""

    document: Any  # its weasyprint.Document
    stamp: Stamp  # the files its pages show, as they were (``stamp``)
    resumable: bool  # whether ``again`` may start from it
    built: Built  # its boxes (those of the first layout, edited since by ``again``)
    remade: set[int] = field(default_factory=set)  # the pages laid out to make it
    # Each page box as layout made it, with its children and its root box's, before
    # WeasyPrint added the margin boxes (which it makes again for every page).
    pages: list[tuple[Any, Any, Any]] = field(default_factory=list)
    # How its text boxes were last drawn into a PDF: those of the pages kept are drawn
    # again as they were (redraw.py).
    drawings: Drawings = field(default_factory=Drawings)
    # Each page's margin boxes (running heads, folios), with what they were made from.
    margins: Margins | None = None


# What the margin boxes' content may show for them to be kept: text, counters and named
# strings, which the page's state and the named strings up to the page decide.
_MARGIN_CONTENT = frozenset({"string", "string()", "counter()", "counters()"})


@dataclass(eq=False)
class Margins:
    """The margin boxes of a layout's pages, each with the page it was made for and the
    page's state (its counters, the page count), and the named strings of every page.
    WeasyPrint makes them again for every page of every layout, with their backgrounds
    (No. 6: 0.1 s of a rebuild's 1.4); a page kept whole keeps them when none of that
    changed."""

    pages: list[Any] = field(default_factory=list)
    states: list[Any] = field(default_factory=list)
    boxes: list[tuple[Any, ...]] = field(default_factory=list)
    strings: dict[str, dict[int, list[str]]] = field(default_factory=dict)

    def kept_for(self, index: int, page: Any, state: Any, changed: float) -> tuple[Any, ...] | None:
        """The margin boxes of page ``index`` as made before, if it is the same page box,
        in the same state, before the first page whose named strings ``changed``, and
        they show nothing else (an element, a target's page)."""
        if index >= len(self.pages) or self.pages[index] is not page or index + 1 >= changed:
            return None
        boxes = self.boxes[index]
        if self.states[index] != state or not all(_plain_margin(box) for box in boxes):
            return None
        return boxes

    def changed(self, strings: dict[str, dict[int, list[str]]]) -> float:
        """The first page (from 1) whose named strings differ from these (inf: none)."""
        pages = {
            page
            for named in (self.strings, strings)
            for values in named.values()
            for page in values
        }
        differing = [
            page
            for page in pages
            for name in {*self.strings, *strings}
            if self.strings.get(name, {}).get(page, []) != strings.get(name, {}).get(page, [])
        ]
        return min(differing, default=float("inf"))


def _plain_margin(box: Any) -> bool:
    """Whether a margin box shows only text, counters and named strings, with no ellipsis
    at a clamped line (WeasyPrint writes it into the text box as it draws it: a box drawn
    twice would get two)."""
    content = box.style["content"]
    if not isinstance(content, str) and any(kind not in _MARGIN_CONTENT for kind, _ in content):
        return False
    return all(child.style["block_ellipsis"] == "none" for child in box.descendants())


def _named_strings(context: Any) -> dict[str, dict[int, list[str]]]:
    """The named strings each page sets (string-set), as laid out."""
    return {
        name: {page: list(values) for page, values in pages.items() if values}
        for name, pages in context.string_set.items()
    }


def stamp(files: Sequence[Path]) -> Stamp:
    """The files, each with its inode, size and modification time (``files.identity``):
    a picture replaced under the same name leaves the HTML as it was, not the pages."""
    stamped: list[tuple[str, int, int, int]] = []
    for path in files:
        try:
            stamped.append((str(path), *identity(path)))
        except OSError:
            stamped.append((str(path), -1, -1, -1))
    return tuple(stamped)


def supported(weasyprint: Any) -> bool:
    """Whether this WeasyPrint is the one whose insides this module knows."""
    return str(weasyprint.__version__).startswith(SUPPORTED)


def build(source: Any, *, font_config: Any, color_profiles: Any, **options: Any) -> Built:
    """The boxes of ``source`` before layout, as ``source.render(font_config=…,
    **options)`` builds them."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document
    from weasyprint.formatting_structure.build import build_formatting_structure
    from weasyprint.pdf import VARIANTS

    options = {**DEFAULT_OPTIONS, **options}
    if variant := options["pdf_variant"]:  # as Document._render fills a variant's options
        _, properties = VARIANTS[variant]
        for key, value in tuple(options.items()):
            if value is None and key in properties:
                options[key] = properties[key]
    counter_style = CounterStyle()
    context = Document._build_layout_context(
        source, font_config, counter_style, color_profiles, options
    )
    root = build_formatting_structure(
        source.etree_element,
        context.style_for,
        context.get_image_from_uri,
        source.base_url,
        context.target_collector,
        counter_style,
        context.footnotes,
    )
    return Built(source, context, root, options, color_profiles)


def lay_out(built: Built, files: Stamp, run: Run) -> Layout:
    """The whole document laid out, as WeasyPrint lays it out, keeping what laying it
    out again needs."""
    layout = Layout(None, files, resumable=not built.context.footnotes, built=built)
    return _paginate(layout, built.source, run, previous=None)


def again(previous: Layout, built: Built, files: Stamp, run: Run) -> Layout | None:
    """The document ``built`` laid out from ``previous``, which it uses up;
    or None when only a whole layout can make it, ``built`` and ``previous`` untouched."""
    if not previous.resumable or files != previous.stamp or built.context.footnotes:
        return None
    kept = previous.built
    plan = _Plan()
    if not _match(kept.root, built.root, plan):
        return None
    edited = plan.carry_out()
    kept.context.tables.clear()  # a table's column widths, measured on its old text
    for page, children, root_children in previous.pages:
        page.children = children
        children[0].children = root_children
    showing = [
        index
        for index, (page, _, _) in enumerate(previous.pages)
        if any(box.element in edited for box in page.descendants(placeholders=True))
    ]
    # And the page before each: its break may depend on what changed (a line moved up,
    # an article that no longer starts a page and moves up onto it), and pages between
    # two changes may be kept, as they start where they did.
    for index in {*showing, *(max(0, index - 1) for index in showing)}:
        kept.context.page_maker[index][-1]["content_changed"] = True
    layout = Layout(None, files, resumable=True, built=kept, drawings=previous.drawings)
    pages, margins = previous.pages, previous.margins
    # Nothing else holds the pages laid out before: each page remade is let go of as soon
    # as it is (``_paginate``), rather than all with the layout once it is made.
    previous.document, previous.pages, previous.margins = None, [], None
    return _paginate(layout, built.source, run, previous=pages, margins=margins)


@dataclass
class _Plan:
    """How the boxes laid out before become those of the new HTML."""

    # A paragraph's box (or any box of lines) replaced by the new one: its parent, where.
    swaps: list[tuple[Any, int, Any, Any]] = field(default_factory=list)
    # Each element of the boxes kept, by the new HTML's element for it.
    elements: dict[Any, Any] = field(default_factory=dict)
    # A value written into a box kept: text, a bookmark's label, a string set.
    edits: list[tuple[Any, str, Any]] = field(default_factory=list)
    # Elements whose text is written into the elements kept (links' words: tagging.py).
    texts: list[tuple[Any, Any]] = field(default_factory=list)
    sources: list[tuple[Any, str]] = field(default_factory=list)  # an element's new line
    # Tables a change falls in: their columns are measured on every cell, so every page
    # showing one is laid out again.
    tables: set[Any] = field(default_factory=set)

    def carry_out(self) -> set[Any]:
        """Make the changes; the elements laid out before that they change."""
        edited: set[Any] = set(self.tables)
        for parent, index, old, new in self.swaps:
            children = list(parent.children)
            children[index] = new
            parent.children = children
            edited.update(box.element for box in old.descendants(placeholders=True))
            # The lines of a block that also holds blocks (a note of two paragraphs, a
            # list item) are an anonymous box standing for that block's element, and an
            # inline element holding a block is split around it: such an element, which
            # the boxes kept name too, must stay one for the tags of the PDF.
            for box in new.descendants(placeholders=True):
                box.element = self.elements.get(box.element, box.element)
        for box, name, value in self.edits:
            setattr(box, name, value)
            edited.add(box.element)
        for before, after in self.texts:
            before.text, before.tail = after.text, after.tail
        for element, line in self.sources:
            element.set(SOURCE_ATTRIBUTE, line)
        return edited


def _match(old: Any, new: Any, plan: _Plan, table: Any = None) -> bool:
    """Whether the box laid out before can become the new one by ``plan``: the same
    boxes, styles and attributes down to the boxes of lines (paragraphs, headings,
    cells), which may differ in any way but one. ``table``: the element of the table
    the boxes are in."""
    if not _alike(old, new, plan):
        return False
    if old.element_tag.endswith(_GENERATED):
        return True
    if type(old).__name__ in ("TableBox", "InlineTableBox"):
        table = old.element
    olds, news = getattr(old, "children", ()), getattr(new, "children", ())
    if len(olds) != len(news):
        return False
    changes = len(plan.swaps) + len(plan.edits)
    for index, (before, after) in enumerate(zip(olds, news, strict=True)):
        if _reclassed(before, after):  # every line of it may move: the new box, laid out anew
            plan.swaps.append((old, index, before, after))
            continue
        if not _has_lines(before) or not _has_lines(after):
            if not _match(before, after, plan, table):
                return False
            continue
        unit = _Plan()
        if _same(before, after, unit):
            plan.elements.update(unit.elements)
            plan.sources += unit.sources  # moved by a line added above: laid out as it was
            if unit.edits and _looks_up(before):
                # A page number (target-counter) the last layout found, which new boxes
                # would not know: the new text is written into these boxes instead.
                plan.edits += unit.edits
                elements = list(before.element.iter()), list(after.element.iter())
                if len(elements[0]) != len(elements[1]):
                    return False
                plan.texts += zip(*elements, strict=True)
            elif unit.edits:
                plan.swaps.append((old, index, before, after))
        elif _looks_up(before) or _looks_up(after) or type(before) is not type(after):
            return False
        else:  # its words, spans, classes changed: the new box, laid out anew
            plan.swaps.append((old, index, before, after))
    if table is not None and len(plan.swaps) + len(plan.edits) > changes:
        plan.tables.add(table)
    return True


def _same(old: Any, new: Any, plan: _Plan) -> bool:
    """Whether two boxes and their descendants are the same but for the values an edit
    of their text changes (noted in ``plan``)."""
    if not _alike(old, new, plan):
        return False
    if old.element_tag.endswith(_GENERATED):
        return True
    olds, news = getattr(old, "children", ()), getattr(new, "children", ())
    return len(olds) == len(news) and all(
        _same(before, after, plan) for before, after in zip(olds, news, strict=True)
    )


def _alike(old: Any, new: Any, plan: _Plan) -> bool:
    """Whether two boxes are of the same kind, for the same element, of the same styles
    and attributes, and have the same plain values but those an edit of text changes
    (``_COPIED``, noted in ``plan``, with an element's new source line, and the old
    element for the new)."""
    if type(old) is not type(new) or old.element_tag != new.element_tag:
        return False
    if old.element_tag.endswith(_GENERATED):
        # Made from attributes and counters, the same; a page number the previous
        # layout wrote in (target-counter) is kept, which ``new`` does not know yet.
        return True
    if getattr(old.style, "cascaded", None) != getattr(new.style, "cascaded", None):
        return False
    before, after = old.element, new.element
    if (before is None) != (after is None):
        return False
    if before is not None and before.attrib != after.attrib:
        if {**before.attrib, SOURCE_ATTRIBUTE: ""} != {**after.attrib, SOURCE_ATTRIBUTE: ""}:
            return False
        plan.sources.append((before, after.get(SOURCE_ATTRIBUTE)))
    for name, value in vars(new).items():
        if not isinstance(value, _PLAIN) or name in ("children", "element_tag"):
            continue
        if getattr(old, name, None) != value:
            if name not in _COPIED:
                return False
            plan.edits.append((old, name, value))
    if after is not None:
        plan.elements[after] = before
    return True


def _reclassed(old: Any, new: Any) -> bool:
    """Whether two boxes are the same article but for its classes: copyfitting's trials
    start it on a page or set it looser (copyfit.py), which changes its styles and those
    of its descendants, not its boxes. (Not one showing a target's page number, which a
    new box would not know.)"""
    if type(old) is not type(new) or not old.element_tag == new.element_tag == "article":
        return False
    before, after = old.element, new.element
    if before is None or after is None or before.get("class") == after.get("class"):
        return False
    unnamed = {"class": "", SOURCE_ATTRIBUTE: ""}
    if {**before.attrib, **unnamed} != {**after.attrib, **unnamed}:
        return False
    return not _looks_up(old) and not _looks_up(new)


def _has_lines(box: Any) -> bool:
    """Whether the box holds lines (a paragraph, a heading, a cell: inline content)."""
    children = getattr(box, "children", ())
    return bool(children) and all(type(child).__name__ == "LineBox" for child in children)


def _looks_up(box: Any) -> bool:
    """Whether a box or one of its descendants shows a target's page number."""
    return any(child.missing_link is not None for child in box.descendants(placeholders=True))


def _paginate(
    layout: Layout,
    source: Any,
    run: Run,
    previous: list[tuple[Any, Any, Any]] | None,
    margins: Margins | None = None,
) -> Layout:
    """Lay the pages out (again, from ``previous``, a page kept keeping its ``margins``
    when it can), then the document of ``source``."""
    from weasyprint import layout as weasyprint_layout
    from weasyprint.document import Document, Page
    from weasyprint.html import get_html_metadata
    from weasyprint.pdf.metadata import DocumentMetadata

    built = layout.built
    context = built.context
    make_all_pages = weasyprint_layout.make_all_pages
    targets = _targets(context) if previous is not None else {}
    fixed = False  # a box fixed on every page: laid out again on each, with its margins
    changed: list[float] = []  # the first page whose named strings changed, once known

    def made(context: Any, root: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
        """WeasyPrint's pages, each kept as made (see ``Layout.pages``). WeasyPrint reads
        a page laid out before only to keep it, at its place: once past it, the lists of
        those pages let go of it, and a page remade is freed as the layout goes on (a
        layout that remakes most of No. 6 × 16 would otherwise hold two at its end)."""
        nonlocal targets, fixed
        if not pages and previous:
            pages = [page for page, _, _ in previous]
            previous.clear()
        kept = []
        for index, page in enumerate(make_all_pages(context, root, html, pages)):
            if index < len(pages):
                if pages[index] is not page:
                    layout.remade.add(index)
                    if margins is not None and index < len(margins.pages):
                        margins.pages[index] = None  # (and its margin boxes made again)
                    # Its footnote area refers to it: without that cycle, the page is
                    # freed at once, not at the next full collection of cycles.
                    pages[index].children = []
                pages[index] = None
            else:
                layout.remade.add(index)
            if context.broken_out_of_flow or context.reported_footnotes:
                layout.resumable = False  # what breaks out of the flow is not kept
            kept.append((page, page.children, page.children[0].children))
            fixed = fixed or bool(page.fixed_boxes)
            yield page
        layout.pages = kept
        # A page number shown with target-counter(attr(href)) is not remade when its
        # target moves (WeasyPrint 70 files it under no anchor): the page showing it is.
        if previous is not None:
            now = _targets(context)
            if now != targets:
                _remake_lookups(context)
            targets = now

    def margins_kept(context: Any, page: Any, state: Any) -> tuple[Any, ...] | None:
        """The page's margin boxes as the last layout made them, when they hold."""
        if margins is None or fixed:
            return None
        if not changed:  # the named strings are all gathered before the first margin box
            changed.append(margins.changed(_named_strings(context)))
        return margins.kept_for(context.current_page - 1, page, state, changed[0])

    context.string_set.clear()  # the running heads, gathered again for every page
    with _swapped(weasyprint_layout, previous is not None, made, margins_kept):
        pages = run(
            lambda: list(weasyprint_layout.layout_document(built.source, built.root, context))
        )
    layout.margins = Margins(
        pages=list(pages),
        states=[copy.deepcopy(context.page_maker[index + 1][3]) for index in range(len(pages))],
        boxes=[
            tuple(box for box in page.children if type(box).__name__ == "MarginBox")
            for page in pages
        ],
        strings=_named_strings(context),
    )
    layout.document = Document(
        [Page(page) for page in pages],
        DocumentMetadata(**get_html_metadata(source)),
        source.url_fetcher,
        context.font_config,
        built.color_profiles,
        built.options["output_intent"],
    )
    return layout


# One layout at a time swaps WeasyPrint's functions: one started in another thread
# meanwhile would save the first one's as WeasyPrint's, and leave them in place.
_SWAPPING = threading.RLock()


def _unlocked() -> None:
    """In a forked process: nothing is being laid out, whatever another thread was at."""
    global _SWAPPING
    _SWAPPING = threading.RLock()


os.register_at_fork(after_in_child=_unlocked)


@contextmanager
def _swapped(
    module: Any,
    resuming: bool,
    made: Callable[..., Iterator[Any]],
    margins_kept: Callable[[Any, Any, Any], tuple[Any, ...] | None],
) -> Iterator[None]:
    """WeasyPrint's layout_document with its pages made by ``made`` and, ``resuming``, its
    page_maker kept as it is (it starts anew otherwise); a page's margin boxes those
    ``margins_kept`` gives, if any, the page's backgrounds then laid out already. Only in
    this thread: a layout another thread makes meanwhile goes through WeasyPrint's own
    functions, and one it resumes waits for this one."""
    with _SWAPPING:
        saved = make_all_pages, initialize_page_maker, make_margin_boxes, layout_backgrounds = (
            module.make_all_pages,
            module.initialize_page_maker,
            module.make_margin_boxes,
            module.layout_backgrounds,
        )
        mine = threading.get_ident()
        whole: set[int] = set()  # the pages kept with their margin boxes, laid out as they were

        def margin_boxes(context: Any, page: Any, state: Any) -> Any:
            if threading.get_ident() == mine and (kept := margins_kept(context, page, state)):
                whole.add(id(page))
                return kept
            return make_margin_boxes(context, page, state)

        def backgrounds(page: Any, get_image_from_uri: Any) -> None:
            if threading.get_ident() != mine or id(page) not in whole:
                layout_backgrounds(page, get_image_from_uri)

        def pages(context: Any, root: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
            if threading.get_ident() != mine:
                return make_all_pages(context, root, html, pages)  # type: ignore[no-any-return]
            return made(context, root, html, pages)

        def start(context: Any, root: Any) -> None:
            if threading.get_ident() != mine or not resuming:
                initialize_page_maker(context, root)

        module.make_all_pages, module.initialize_page_maker = pages, start
        module.make_margin_boxes, module.layout_backgrounds = margin_boxes, backgrounds
        try:
            yield
        finally:
            (
                module.make_all_pages,
                module.initialize_page_maker,
                module.make_margin_boxes,
                module.layout_backgrounds,
            ) = saved


def _targets(context: Any) -> dict[str, Any]:
    """The page counters of every anchor a target-counter() names, as last laid out."""
    return {
        name: copy.deepcopy(item.cached_page_counter_values)
        for name, item in context.target_collector.target_lookup_items.items()
    }


def _remake_lookups(context: Any) -> None:
    """Mark the pages showing a target's page number to be remade, their numbers read
    again (as WeasyPrint does for a target it files under its anchor)."""
    for (_, token), item in context.target_collector.counter_lookup_items.items():
        index = item.page_maker_index
        wanted = token == "content" and item.missing_target_counters
        if wanted and index is not None and index < len(context.page_maker):
            item.pending = True
            context.page_maker[index][-1]["content_changed"] = True
