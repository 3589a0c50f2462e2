"""The lines of a laid-out WeasyPrint document, paragraph by paragraph.

Copyfitting reads its trial layouts here, before any PDF is written: for each
paragraph of the issue's text (an element that names its source, ``data-source``, or
lies in one: a list's items), its lines in order across columns and pages, what each
line ends with and how wide its word gaps were justified. The check reads the same
things back from the PDF (check/lines.py); this is the layout's own account, to choose
between layouts cheaply.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .contract import SOURCE_ATTRIBUTE

AUTO_HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character (bulletin.css leaves it)
HARD_HYPHENS = ("-", "\u2011")  # a line may also end at a compound's own hyphen
SPACE = 0.26  # the advance of the text font's space, in ems (Noto Serif)


@dataclass
class LaidLine:
    """A line as laid out: its text (with an added hyphen), whether a column or page
    turn follows it, and its word gap in ems (0 for a line not justified)."""

    text: str
    turn: bool = False
    gap: float = 0.0

    @property
    def hyphenated(self) -> bool:
        """Whether the layout broke a word at its end (an added hyphen)."""
        return self.text.rstrip().endswith(AUTO_HYPHEN)

    @property
    def hyphen(self) -> bool:
        """Whether it ends with a hyphen, added or the word's own."""
        return self.hyphenated or self.text.rstrip().endswith(HARD_HYPHENS)


def ends_alone(lines: list[LaidLine], index: int) -> bool:
    """Whether the line at ``index`` breaks a word whose end is all the paragraph's last
    line holds (« …dévelop‐ » / « pement. »)."""
    return (
        lines[index].hyphenated
        and index + 2 == len(lines)
        and len(lines[index + 1].text.split()) == 1
    )


@dataclass
class Paragraph:
    """A paragraph's lines, and where it stands in its source element: the element's
    tag and source, the element's text laid out before it (list items share their
    list's source), and the trial variant it was set in (justification.py)."""

    tag: str
    source: str
    before: str
    trial: str | None = None
    lines: list[LaidLine] = field(default_factory=list)


def paragraphs(document: Any) -> Iterator[Paragraph]:
    """Each paragraph of a laid-out document whose element, or an ancestor's, names
    its source, in the order they are laid out."""
    from weasyprint.formatting_structure import boxes

    found: dict[Any, Paragraph] = {}  # by element: the boxes of its fragments share it
    texts: dict[Any, str] = {}  # each source element's text laid out so far
    for page in document.pages:
        for block, source in _line_blocks(page._page_box, boxes, None):
            element = block.element
            paragraph = found.get(element)
            if paragraph is None:
                paragraph = found[element] = Paragraph(
                    str(source.tag),
                    str(source.get(SOURCE_ATTRIBUTE)),
                    texts.get(source, ""),
                    element.get("data-trial"),
                )
            elif paragraph.lines:  # it was cut: its last line so far ended a column
                paragraph.lines[-1].turn = True
            justified = block.style["text_align_all"] == "justify"
            new = [
                LaidLine(_text(line, boxes), gap=_gap(line, boxes) if justified else 0.0)
                for line in block.children
                if isinstance(line, boxes.LineBox)
            ]
            paragraph.lines.extend(new)
            texts[source] = texts.get(source, "") + joined(new)
    yield from found.values()


def joined(lines: list[LaidLine]) -> str:
    """Lines as one text: a word broken at a line's end joined again."""
    text = ""
    for line in lines:
        stripped = line.text.rstrip()
        text += stripped[:-1] if line.hyphenated else stripped + " "
    return text


def _line_blocks(box: Any, boxes: Any, source: Any) -> Iterator[tuple[Any, Any]]:
    """The block containers holding lines, in the order they are laid out, each with
    the element of itself or its nearest ancestor that names its source."""
    element = getattr(box, "element", None)
    if element is not None and element.get(SOURCE_ATTRIBUTE) is not None:
        source = element
    children = getattr(box, "children", None) or ()
    if any(isinstance(child, boxes.LineBox) for child in children):
        if element is not None and source is not None:
            yield box, source
        return
    for child in children:
        yield from _line_blocks(child, boxes, source)


def _text(box: Any, boxes: Any) -> str:
    """The text of a line as laid out (with its added hyphen)."""
    if isinstance(box, boxes.TextBox):
        return str(box.text)
    return "".join(_text(child, boxes) for child in getattr(box, "children", None) or ())


def _gap(line: Any, boxes: Any) -> float:
    """A justified line's word gap, in ems of its first text: the font's space, the
    word and letter spacing, and what justification added to each space."""
    texts = list(_texts(line, boxes))
    added = max((text.justification_spacing or 0 for text in texts), default=0)
    if not added:
        return 0.0
    style = texts[0].style
    size = style["font_size"]
    spacing = sum(
        value
        for value in (style["word_spacing"], style["letter_spacing"])
        if isinstance(value, int | float)  # not "normal"
    )
    return float((SPACE * size + spacing + added) / size)


def _texts(box: Any, boxes: Any) -> Iterator[Any]:
    """The text boxes of a line."""
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", None) or ():
        yield from _texts(child, boxes)
