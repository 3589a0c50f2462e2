"""The online edition against the web PDF, both read back: the same contents, notes and
body text.

No. 6's web PDF and its page are built from the same sources once per run (fixture
``issue6_web``); each is read back as a reader gets it, not compared with the
composition they come from (tests/test_online.py does that):

- the page with html.parser: the ``nav``'s entries (level, in-page target, text), each
  note of the Annexe (an item ``li.note`` of its list: its number and text), the text of
  ``main`` (and of the ``header`` and ``footer``), the images' ``alt``;
- the PDF with the check package's readers (``readback``: bookmarks, named
  destinations, links, page labels; ``structure``: the printed contents) and, for its
  text, pdfium's characters in reading order less those marked as artifacts (running
  heads, folios, the contents' leaders): what the tagged PDF gives a screen reader
  (the web PDF's check, Matterhorn 01-005, holds every other content reached from its
  structure tree).

Contents: the bookmarks (level, title) and the printed contents (level, title, the
destination its link names) equal the ``nav``'s entries in order; every in-page target
of the ``nav`` is a named destination of the PDF, on its bookmark's page. Notes: the
same numbers, and for each the text from its number (the link back to its call) to the
next note's, as tokens (below).

The body is the page's ``main`` (articles with their headings, bylines, captions and
tables, then the Annexe) against the PDF's pages from the first article's to the last
one with a folio: the cover, the contents and the colophon are the page's ``header``,
``nav`` and ``footer``. The two are compared in order, not as a bag of words per
article: the layout draws the HTML's elements in their order (a figure too, where its
column takes it), so any word moved is a difference. Only the PDF's list markers (« • »,
drawn by the layout where the page's stylesheet draws its own) are left out. The cover
and the colophon are compared with the page's ``header`` (less its links to the PDFs,
which only the page has) and ``footer`` the same way,
the Figures' /Alt with the images' ``alt``.

Text is compared as a sequence of tokens, each a word (a run of letters and digits) or
one punctuation mark: the spaces a PDF's text has are those pdfium infers from where
glyphs stand (a URL broken at a slash reads as two words, a superscript note call may
end its line), so they are not compared; every letter, digit and punctuation mark is,
in order. Before that, both sides are made comparable as ``check.pages.normalize``
makes a PDF's text for the checks (ligatures spelt out, soft hyphens dropped, white
space of any kind one space), and the hyphen the layout added to break a word at a
line's end (its run carries an /ActualText, a soft hyphen) is dropped while a typed one
that happened to end a line is kept.

Each comparison is shown to catch a page changed on purpose: a contents entry dropped or
pointing elsewhere, a note's text altered or a note missing, a word of the body, of the
cover or of the colophon changed, an image's text alternative changed.
"""

from __future__ import annotations

import ctypes
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest

from bippdf.check.pages import _has_actual_text, normalize
from bippdf.check.readback import PdfReadback
from bippdf.check.structure import _contents_entries, _title
from bippdf.contract import CALL_ID, CONTENTS_ID

from .conftest import WebIssue

pytestmark = pytest.mark.pdf

# Elements that break the text into blocks: a space between their texts, as between
# the lines of a PDF. (Inline elements join: « 6<sup>e</sup> » reads « 6e ».)
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}  # fmt: skip
_TOKEN = re.compile(r"\w+|[^\w\s]")
_LIST_MARKER = "•"  # drawn by the PDF's layout (a list item's label); the page's CSS draws it
_LINE_END_HYPHENS = {0x02, 0xFFFE}  # how pdfium reads a hyphen that ends a line


@dataclass
class _Page(HTMLParser):
    """What the page gives a reader: contents entries, notes and the text of ``main``."""

    contents: list[tuple[int, str, str]] = field(default_factory=list)  # level, id, text
    notes: dict[int, str] = field(default_factory=dict)  # number: text, number first
    # the text of the cover (``header``), the body (``main``) and the colophon (``footer``)
    landmarks: dict[str, list[str]] = field(
        default_factory=lambda: {"header": [], "main": [], "footer": []}
    )
    alternatives: list[str] = field(default_factory=list)  # each image's, where it has one
    _lists: int = 0  # how deep in the nav's lists
    _in_nav: bool = False
    _landmark: str | None = None
    _link: tuple[int, str] | None = None  # the nav entry being read: level, id
    _note: int | None = None
    _depth: int = 0  # divs open inside the note being read
    _text: list[str] = field(default_factory=list)
    _downloads: bool = False  # inside the list of links to the PDFs

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "ul" and values.get("class") == "downloads":
            self._downloads = True  # the links to the PDFs: the page's own
        if tag in _BLOCKS:
            self.handle_data(" ")
        if tag == "nav":
            self._in_nav = True
        elif tag == "main" or values.get("class") in ("site-header", "site-footer"):
            self._landmark = tag
        elif tag == "img" and values.get("alt"):
            self.alternatives.append(values["alt"])
        elif tag == "ol" and self._in_nav:
            self._lists += 1
        elif tag == "a" and self._in_nav:
            self._link, self._text = (self._lists, values["href"].removeprefix("#")), []
        elif tag == "li" and "note" in values.get("class", "").split():
            number = int(values["id"].removeprefix("note-"))
            self._note, self._depth, self._text = number, 0, []
        elif tag == "li" and self._note is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self._downloads = False
        if tag in _BLOCKS:
            self.handle_data(" ")
        if tag == "nav":
            self._in_nav = False
        elif tag == self._landmark:
            self._landmark = None
        elif tag == "ol" and self._in_nav:
            self._lists -= 1
        elif tag == "a" and self._link is not None:
            level, target = self._link
            self.contents.append((level, target, normalize("".join(self._text))))
            self._link = None
        elif tag == "li" and self._note is not None:
            if self._depth:
                self._depth -= 1
            else:
                self.notes[self._note] = normalize("".join(self._text))
                self._note = None

    def handle_data(self, data: str) -> None:
        if self._downloads:
            return
        if self._link is not None or self._note is not None:
            self._text.append(data)
        if self._landmark is not None:
            self.landmarks[self._landmark].append(data)


def _read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _marked(text_object: ctypes.c_void_p) -> set[str]:
    """The names of the marked contents a text object stands in (Artifact, Span…)."""
    raw = pypdfium2.raw
    names = set()
    for at in range(raw.FPDFPageObj_CountMarks(text_object)):
        mark = raw.FPDFPageObj_GetMark(text_object, at)
        length = ctypes.c_ulong()
        buffer = (ctypes.c_ushort * 64)()
        raw.FPDFPageObjMark_GetName(mark, buffer, ctypes.sizeof(buffer), ctypes.byref(length))
        names.add(bytes(buffer)[: length.value].decode("utf-16-le").rstrip("\0"))
    return names


def _tagged_characters(
    pdf: Path, points: dict[int, list[tuple[float, float]]]
) -> tuple[list[list[str]], dict[tuple[int, float, float], int]]:
    """Each page's characters by pdfium's index, in its reading order: "" for one that
    stands in an artifact and for the hyphen the layout added at a line's end (its run
    has an /ActualText); a typed hyphen that ends a line as "-"; the spaces and line
    breaks pdfium infers as they are. And the index of the character at each of the
    ``points`` of a page (x, y from its corner), -1 where none is."""
    raw = pypdfium2.raw
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    found = {}
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            characters = []
            artifacts: dict[int | None, bool] = {}
            for at in range(raw.FPDFText_CountChars(textpage)):
                code = raw.FPDFText_GetUnicode(textpage, at)
                text_object = raw.FPDFText_GetTextObject(textpage, at)
                if text_object:  # (a space or line break pdfium inferred has none)
                    key = ctypes.cast(text_object, ctypes.c_void_p).value
                    if key not in artifacts:
                        artifacts[key] = "Artifact" in _marked(text_object)
                    if artifacts[key]:
                        characters.append("")
                        continue
                if code in _LINE_END_HYPHENS:
                    added = bool(text_object) and _has_actual_text(text_object)
                    characters.append("" if added else "-")
                else:
                    characters.append(chr(code))
            pages.append(characters)
            for x, y in points.get(index, []):
                at = textpage.get_index(x, y, 2, 2)
                found[index, x, y] = -1 if at is None else at
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages, found


@dataclass
class _Pdf:
    """What the web PDF gives a reader, read back."""

    readback: PdfReadback
    characters: list[list[str]]  # each page's, see _tagged_characters
    # the pages of the cover (up to the contents), the body (from the first article's
    # to the last with a folio) and the colophon (after it), as the page's landmarks
    landmarks: dict[str, range]
    backs: list[tuple[int, int, int]]  # each note's link back: its number, page, character

    def pages(self, landmark: str) -> str:
        """The tagged text of the pages standing for one of the page's landmarks."""
        return "\n".join("".join(self.characters[index]) for index in self.landmarks[landmark])

    def text(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        """The tagged text from (page, character) to (page, character), pages joined by
        a line break."""
        pages = []
        for index in range(start[0], end[0] + 1):
            first = start[1] if index == start[0] else 0
            last = end[1] if index == end[0] else len(self.characters[index])
            pages.append("".join(self.characters[index][first:last]))
        return "\n".join(pages)

    def notes(self) -> dict[int, str]:
        """Each note of the Annexe by the number of the call it links back to: its text
        from the start of the line of its number (the link back) to the start of the
        next note's, the last one's to the end of the body."""
        backs = sorted(self.backs, key=lambda back: (back[1], back[2]))
        assert backs and all(at >= 0 for _, _, at in backs)
        starts = [(page, self._line_start(page, at)) for _, page, at in backs]
        last = self.landmarks["main"][-1]
        ends = [*starts[1:], (last, len(self.characters[last]))]
        return {
            number: normalize(self.text(start, end))
            for (number, _, _), start, end in zip(backs, starts, ends, strict=True)
        }

    def _line_start(self, page: int, index: int) -> int:
        characters = self.characters[page]
        while index and characters[index - 1] not in ("\n", "\r"):
            index -= 1
        return index


def _read_pdf(issue: WebIssue) -> _Pdf:
    readback = issue.pdf
    # A note's link back is its number, set flush right at the start of its first line.
    backs = [
        (
            int(link.dest.rsplit("-", 1)[1]),
            link.page,
            (link.rect[2] - 1.5, sum(link.rect[1::2]) / 2),
        )
        for link in readback.links
        if link.dest and CALL_ID.match(link.dest)
    ]
    by_page: dict[int, list[tuple[float, float]]] = {}
    for _, page, point in backs:
        by_page.setdefault(page, []).append(point)
    characters, at = _tagged_characters(issue.results[0].output, by_page)
    entries = _contents_entries(readback)
    first = readback.page_of(entries[0].dest) if entries and entries[0].dest else None
    assert first is not None, "le sommaire du PDF ne mène à aucun article"
    # The colophon, on the back cover, has no folio: the body ends before it.
    last = max(index for index, label in enumerate(readback.page_labels) if label.isdigit())
    notes = [(number, page, at[(page, *point)]) for number, page, point in backs]
    contents = readback.page_of(CONTENTS_ID)
    assert contents is not None
    landmarks = {
        "header": range(contents),
        "main": range(first, last + 1),
        "footer": range(last + 1, readback.page_count),
    }
    return _Pdf(readback, characters, landmarks, notes)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def _differences(
    what: str, in_pdf: Sequence[str], on_page: Sequence[str], context: int = 6
) -> list[str]:
    """Where two sequences part, each place said once, after the ``context`` items
    before it."""
    said = []
    matcher = difflib.SequenceMatcher(None, in_pdf, on_page, autojunk=False)
    for kind, a1, a2, b1, b2 in matcher.get_opcodes():
        if kind == "equal":
            continue
        pdf_side = " ".join(in_pdf[a1:a2]) or "rien"
        page_side = " ".join(on_page[b1:b2]) or "rien"
        before = " ".join(in_pdf[max(0, a1 - context) : a1])
        said.append(
            f"{what}, après « {before} » : le PDF a « {pdf_side} », la page « {page_side} »"
        )
    return said


def contents_differences(pdf: _Pdf, page: _Page) -> list[str]:
    """The bookmarks and the printed contents against the page's ``nav``: the same
    entries at the same levels, in order; the printed entries link to the destinations
    the page's links name, which the bookmarks lead to as well."""
    readback = pdf.readback
    bookmarks = [
        (level, normalize(item.title), item.page)
        for top in readback.outline
        for level, item in [(1, top), *((2, child) for child in top.children)]
    ]
    said = _differences(
        "signets",
        [f"{level} {title}" for level, title, _ in bookmarks],
        [f"{level} {text}" for level, _, text in page.contents],
        context=1,
    )
    printed = _contents_entries(readback) or []
    said += _differences(
        "sommaire imprimé",
        [f"{entry.level} {entry.title} #{entry.dest}" for entry in printed],
        [f"{level} {_title(text)} #{target}" for level, target, text in page.contents],
        context=1,
    )
    for _, target, text in page.contents:
        if readback.page_of(target) is None:
            said.append(f"« {text} » : la page mène à « #{target} », que le PDF n'a pas")
    if not said:  # the same entries: each bookmark leads where its entry's link does
        for (_, title, landed), (_, target, _) in zip(bookmarks, page.contents, strict=True):
            if readback.page_of(target) != landed:
                said.append(f"le signet « {title} » ne mène pas à « #{target} »")
    return said


def note_differences(pdf_notes: dict[int, str], page: _Page) -> list[str]:
    """The same note numbers, and for each the same text (its number first)."""
    said = []
    if only := sorted(set(pdf_notes) - set(page.notes)):
        said.append(f"notes du PDF que la page n'a pas : {only}")
    if only := sorted(set(page.notes) - set(pdf_notes)):
        said.append(f"notes de la page que le PDF n'a pas : {only}")
    for number in sorted(set(pdf_notes) & set(page.notes)):
        said += _differences(
            f"note {number}", _tokens(pdf_notes[number]), _tokens(page.notes[number])
        )
    return said


def text_differences(pdf: _Pdf, page: _Page, landmark: str = "main") -> list[str]:
    """The tagged text of the pages standing for a landmark of the page (``main``: the
    body) against that landmark's text, as two sequences of tokens; the PDF's list
    markers are left out."""
    in_pdf = [token for token in _tokens(pdf.pages(landmark)) if token != _LIST_MARKER]
    return _differences(landmark, in_pdf, _tokens("".join(page.landmarks[landmark])))


@pytest.fixture(scope="module")
def pdf(issue6_web: WebIssue) -> _Pdf:
    """No. 6's web PDF, read back once for the module."""
    return _read_pdf(issue6_web)


@pytest.fixture(scope="module")
def html(issue6_web: WebIssue) -> str:
    """No. 6's page, built with the web PDF from the same sources."""
    online = next(result for result in issue6_web.results if result.variant == "html")
    return (online.output / "index.html").read_text(encoding="utf-8")


def test_same_contents_entries(pdf: _Pdf, html: str) -> None:
    page = _read_page(html)
    assert len(page.contents) == 31
    assert contents_differences(pdf, page) == []


def test_same_notes(pdf: _Pdf, html: str) -> None:
    page = _read_page(html)
    assert sorted(page.notes) == list(range(1, 32))
    assert note_differences(pdf.notes(), page) == []


def test_same_body_text(pdf: _Pdf, html: str) -> None:
    page = _read_page(html)
    assert len(_tokens("".join(page.landmarks["main"]))) > 10_000
    assert text_differences(pdf, page) == []


def test_same_cover_colophon_and_text_alternatives(pdf: _Pdf, html: str) -> None:
    """Beyond the body: the cover's text and the colophon's, and the images' text
    alternatives (each Figure's /Alt in the PDF, in the structure tree's order)."""
    page = _read_page(html)
    assert text_differences(pdf, page, "header") == []
    assert text_differences(pdf, page, "footer") == []
    assert len(page.alternatives) == 5
    assert pdf.readback.structure.figures == page.alternatives


def _changed(html: str, old: str, new: str) -> str:
    """The page with ``old`` (found once) made ``new``: a page broken on purpose."""
    assert html.count(old) == 1, old
    return html.replace(old, new)


def test_a_contents_entry_dropped_or_leading_elsewhere_is_caught(pdf: _Pdf, html: str) -> None:
    entry = '<li class="contents-section"><a href="#proxenetisme">Proxénétisme</a></li>'
    assert contents_differences(pdf, _read_page(_changed(html, entry, ""))) == [
        "signets, après « 2 Traite des personnes aux fins d’exploitation sexuelle » : "
        "le PDF a « 2 Proxénétisme », la page « rien »",
        "sommaire imprimé, après « 2 Traite des personnes aux fins d’exploitation sexuelle "
        "#traite-des-personnes-aux-fins-d-exploitation-sexuelle » : "
        "le PDF a « 2 Proxénétisme #proxenetisme », la page « rien »",
    ]
    # The next section, on the same page: the page number alone would not tell.
    link = '<a href="#proxenetisme">Proxénétisme</a>'
    broken = _changed(html, link, '<a href="#prostitution">Proxénétisme</a>')
    said = contents_differences(pdf, _read_page(broken))
    assert said == [
        "sommaire imprimé, après « 2 Traite des personnes aux fins d’exploitation sexuelle "
        "#traite-des-personnes-aux-fins-d-exploitation-sexuelle » : "
        "le PDF a « 2 Proxénétisme #proxenetisme », la page « 2 Proxénétisme #prostitution »"
    ]
    broken = _changed(html, link, '<a href="#proxenetisme-2">Proxénétisme</a>')
    assert contents_differences(pdf, _read_page(broken)) == [
        "sommaire imprimé, après « 2 Traite des personnes aux fins d’exploitation sexuelle "
        "#traite-des-personnes-aux-fins-d-exploitation-sexuelle » : le PDF a "
        "« 2 Proxénétisme #proxenetisme », la page « 2 Proxénétisme #proxenetisme-2 »",
        "« Proxénétisme » : la page mène à « #proxenetisme-2 », que le PDF n'a pas",
    ]


def test_a_note_changed_or_missing_is_caught(pdf: _Pdf, html: str) -> None:
    notes = pdf.notes()
    broken = _changed(
        html, "Le protocole de Palerme s’inscrit", "Le protocole de Montréal s’inscrit"
    )
    assert note_differences(notes, _read_page(broken)) == [
        "note 1, après « 1 Le protocole de » : le PDF a « Palerme », la page « Montréal »"
    ]
    last = html[
        html.index('<li class="note" id="note-31"') : html.index("</ol>\n</section></main>")
    ]
    assert note_differences(notes, _read_page(_changed(html, last, ""))) == [
        "notes du PDF que la page n'a pas : [31]"
    ]


def test_a_word_of_the_body_changed_is_caught(pdf: _Pdf, html: str) -> None:
    broken = _changed(html, "Bonne lecture", "Bonne écoute")
    assert text_differences(pdf, _read_page(broken)) == [
        "main, après « contribution à ce numéro . Bonne » : le PDF a « lecture », "
        "la page « écoute »"
    ]


def test_a_change_to_the_cover_colophon_or_an_alternative_is_caught(pdf: _Pdf, html: str) -> None:
    cover = '<p class="cover-edition">Numéro 6, août 2019</p>'
    broken = _read_page(_changed(html, cover, '<p class="cover-edition">Numéro 7, août 2019</p>'))
    assert text_differences(pdf, broken, "header") == [
        "header, après « d ’ information en prévention Numéro » : le PDF a « 6 », la page « 7 »"
    ]
    broken = _read_page(_changed(html, "Dépôt légal – 2019", "Dépôt légal – 2020"))
    assert text_differences(pdf, broken, "footer") == [
        "footer, après « 324 - 1190 Dépôt légal – » : le PDF a « 2019 », la page « 2020 »"
    ]
    alternative = 'alt="Photo d\'illustration : proxénétisme"'
    broken = _read_page(_changed(html, alternative, 'alt="Photo d\'illustration"'))
    assert pdf.readback.structure.figures != broken.alternatives
