"""Laying a document out again after an edit of its text, from its previous layout:
the pages before the edit are kept, and so are those after it once the pages meet
the previous ones again (``watch``).

WeasyPrint 70 makes the pages one after another from its ``page_maker``: for each page,
where its content starts and the counters' state at its top. It already remakes only
the pages that need it when a counter a page shows has moved, and stops remaking where
a page starts as it did before. This module uses that: after an edit that changes only
text (the same tags and attributes; a word, a sentence, a title), the edited text is
written into the previous document's boxes, the pages showing it (and the one before,
whose break may depend on it) are marked to be remade, and WeasyPrint lays the
document out again from that state. A page after them is remade while where it starts
differs from before: a sentence added moves the pages after it, a word usually does
not.

The result is the document a whole layout of the new HTML gives, byte for byte once
written (tests/test_relayout.py). Anything else is laid out whole: tags or attributes
changed, a file the pages show changed, notes at the foot of the page, boxes broken
across pages out of the flow, or a warning while laying out.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The parts of WeasyPrint this reads are those of version 70 (pyproject.toml).
SUPPORTED = "70."

_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")  # '>' may stand in a quoted value
_STYLE = re.compile(r"<style\b.*?</style>", re.S | re.I)  # text, but not the pages' text
_GENERATED = ("::before", "::after", "::marker")  # their text: counters and attributes
_COPIED = ("text", "bookmark_label", "string_set")  # what an edit of text changes in a box
_PLAIN = (str, int, float, bool, type(None), tuple, list)

Stamp = tuple[tuple[str, int, int], ...]


@dataclass(eq=False)
class Layout:
    """A document laid out, with what laying it out again after an edit needs."""

    html: str  # what was laid out
    document: Any  # its weasyprint.Document
    stamp: Stamp  # the files its pages show, as they were (``stamp``)
    resumable: bool  # whether ``again`` may start from it
    remade: set[int]  # the pages laid out to make it (all of them for a whole layout)
    _source: Any = None  # the weasyprint.HTML whose boxes these are
    _context: Any = None  # its LayoutContext: page_maker, counters, targets
    _root: Any = None  # the box tree before layout
    _options: dict[str, Any] = field(default_factory=dict)
    _counter_style: Any = None
    _color_profiles: Any = None
    # Each page box as layout made it, with its children and its root box's, before
    # WeasyPrint added the margin boxes (which it makes again for every page).
    _pages: list[tuple[Any, Any, Any]] = field(default_factory=list)


def stamp(files: Sequence[Path]) -> Stamp:
    """The files, each with its modification time and size: a picture replaced under the
    same name leaves the HTML as it was, not the pages."""
    stamped = []
    for path in files:
        try:
            status = path.stat()
        except OSError:
            stamped.append((str(path), -1, -1))
        else:
            stamped.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(stamped)


def supported(weasyprint: Any) -> bool:
    """Whether this WeasyPrint is the one whose insides this module knows."""
    return str(weasyprint.__version__).startswith(SUPPORTED)


def lay_out(
    source: Any,
    html: str,
    files: Stamp,
    *,
    font_config: Any,
    color_profiles: Any,
    run: Callable[[Callable[[], Any]], Any],
    **options: Any,
) -> Layout:
    """The whole document laid out, as ``source.render(font_config=…, **options)`` lays it
    out, keeping what laying it out again needs. ``run(work)`` calls ``work`` (to give it
    room: render.with_room)."""
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
    layout = Layout(
        html,
        None,
        files,
        resumable=not context.footnotes,
        remade=set(),
        _source=source,
        _context=context,
        _root=root,
        _options=options,
        _counter_style=counter_style,
        _color_profiles=color_profiles,
    )
    return _paginate(layout, source, run, previous=None)


def again(
    previous: Layout, source: Any, html: str, files: Stamp, run: Callable[[Callable[[], Any]], Any]
) -> Layout | None:
    """The document of ``html`` laid out from ``previous`` (which it uses up), or None
    when only a whole layout can make it."""
    if not previous.resumable or files != previous.stamp:
        return None
    if _shape(html) != _shape(previous.html):
        return None
    from weasyprint.document import Document
    from weasyprint.formatting_structure.build import build_formatting_structure

    context = Document._build_layout_context(
        source, previous._context.font_config, previous._counter_style,
        previous._color_profiles, previous._options,
    )  # fmt: skip
    root = build_formatting_structure(
        source.etree_element,
        context.style_for,
        context.get_image_from_uri,
        source.base_url,
        context.target_collector,
        previous._counter_style,
        context.footnotes,
    )
    edits = _edits(previous._root, root)
    olds = list(previous._source.etree_element.iter())
    news = list(source.etree_element.iter())
    if edits is None or context.footnotes or len(olds) != len(news):
        return None
    # What reads the elements once laid out (a link's words, tagging.py) reads the new text.
    for before, after in zip(olds, news, strict=True):
        before.text, before.tail = after.text, after.tail
    edited = set()
    for box, name, value in edits:
        setattr(box, name, value)
        edited.add(box.element)
    previous._context.tables.clear()  # a table's column widths, measured on its old text
    for page, children, root_children in previous._pages:
        page.children = children
        children[0].children = root_children
    showing = [
        index
        for index, (page, _, _) in enumerate(previous._pages)
        if any(box.element in edited for box in page.descendants())
    ]
    if showing:
        for index in {max(0, showing[0] - 1), *showing}:
            previous._context.page_maker[index][-1]["content_changed"] = True
    layout = Layout(
        html,
        None,
        files,
        resumable=True,
        remade=set(),
        _source=previous._source,
        _context=previous._context,
        _root=previous._root,
        _options=previous._options,
        _counter_style=previous._counter_style,
        _color_profiles=previous._color_profiles,
    )
    return _paginate(layout, source, run, previous=previous._pages)


def _shape(html: str) -> tuple[list[str], list[str]]:
    """The tags of the HTML, attributes and all, and its style sheets: all but its text."""
    return _TAG.findall(html), _STYLE.findall(html)


def _edits(old: Any, new: Any) -> list[tuple[Any, str, Any]] | None:
    """What to write into the boxes of ``old`` (laid out before) to make them those of
    ``new`` (just built): text, bookmark labels, strings set; None if the trees differ
    otherwise."""
    olds = list(old.descendants(placeholders=True))
    news = list(new.descendants(placeholders=True))
    if len(olds) != len(news):
        return None
    edits = []
    for before, after in zip(olds, news, strict=True):
        if type(before) is not type(after) or before.element_tag != after.element_tag:
            return None
        if before.element_tag.endswith(_GENERATED):
            # Made from attributes and counters, the same; a page number the previous
            # layout wrote in (target-counter) is kept, which ``new`` does not know yet.
            continue
        for name, value in vars(after).items():
            if not isinstance(value, _PLAIN) or name in ("children", "element_tag"):
                continue
            if getattr(before, name, None) == value:
                continue
            if name not in _COPIED:
                return None
            edits.append((before, name, value))
    return edits


def _paginate(
    layout: Layout,
    source: Any,
    run: Callable[[Callable[[], Any]], Any],
    previous: list[tuple[Any, Any, Any]] | None,
) -> Layout:
    """Lay the pages out (again, from ``previous``), then the document of ``source``."""
    from weasyprint import layout as weasyprint_layout
    from weasyprint.document import Document, Page
    from weasyprint.html import get_html_metadata
    from weasyprint.pdf.metadata import DocumentMetadata

    context = layout._context
    make_all_pages = weasyprint_layout.make_all_pages
    targets = _targets(context)

    def made(context: Any, root: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
        """WeasyPrint's pages, each kept as made (see ``Layout._pages``)."""
        nonlocal targets
        pages = pages or [page for page, _, _ in previous or ()]
        given = {id(page) for page in pages}
        kept = []
        for index, page in enumerate(make_all_pages(context, root, html, pages)):
            if id(page) not in given:
                layout.remade.add(index)
            if context.broken_out_of_flow or context.reported_footnotes:
                layout.resumable = False  # what breaks out of the flow is not kept
            kept.append((page, page.children, page.children[0].children))
            yield page
        layout._pages = kept
        # A page number shown with target-counter(attr(href)) is not remade when its
        # target moves (WeasyPrint 70 files it under no anchor): the page showing it is.
        now = _targets(context)
        if previous is not None and now != targets:
            _remake_lookups(context)
        targets = now

    context.string_set.clear()  # the running heads, gathered again for every page
    with _swapped(weasyprint_layout, previous is not None, made):
        pages = run(
            lambda: list(weasyprint_layout.layout_document(layout._source, layout._root, context))
        )
    layout.document = Document(
        [Page(page) for page in pages],
        DocumentMetadata(**get_html_metadata(source)),
        source.url_fetcher,
        context.font_config,
        layout._color_profiles,
        layout._options["output_intent"],
    )
    return layout


@contextmanager
def _swapped(module: Any, resuming: bool, made: Callable[..., Iterator[Any]]) -> Iterator[None]:
    """WeasyPrint's layout_document with its pages made by ``made`` and, ``resuming``, its
    page_maker kept as it is (it starts anew otherwise)."""
    saved = module.make_all_pages, module.initialize_page_maker
    module.make_all_pages = made
    if resuming:
        module.initialize_page_maker = lambda context, root: None
    try:
        yield
    finally:
        module.make_all_pages, module.initialize_page_maker = saved


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
