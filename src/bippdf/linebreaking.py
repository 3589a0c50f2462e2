"""Each line broken once per layout, where WeasyPrint breaks the same line again and again.

WeasyPrint 70 breaks a line of text with Pango (``split_first_line``): given the text
left in a box, its style and the width it has, it lays out a part of the text, then
more of it, then its hyphenated words, until it knows where the first line ends. A
layout asks that of the same line many times. The search that balances an article's
columns lays the column out at one height after another, each time from the same place
in the text at the same width; a page laid out again (a note moved, a break avoided)
breaks its lines again. Laying out No. 6 breaks 4,144 lines, 2,126 of them different:
half of the layout's time is there, and a layout takes about a third less here.

So while a document is laid out (``remembered``), each answer is kept by all it depends
on: the text, the style (the very computed style), the layout context, the width, the
justification spacing and the two flags, and the same question gets the same answer.
Its Pango layout is returned put down (only its text and measures kept: WeasyPrint
sets it up again to draw the box, then puts it down), and each box gets a copy of it;
the styles and contexts are held meanwhile, so that no other object takes their
identity, and the hyphenation rules in force are part of the question. The
questions asked again are a page's: the last ``MAX_KEPT`` answers are kept. The PDF is
the same, byte for byte (tests/test_linebreaking.py).

A justified line then gives each of its boxes a Layout that WeasyPrint puts down at
once (``add_word_spacing``), keeping its text and spacing: it is made here as it is
left, without the Pango layout WeasyPrint would set up for it first (``_put_down``).

Only for WeasyPrint 70 (``SUPPORTED``), whose line breaking this knows; another version
breaks its lines as it does.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SUPPORTED = "70."  # the version whose split_first_line this knows (pyproject.toml pins it)
# Answers kept at most: No. 6 asks 2,500 questions, of which a page asks up to some 200
# again; 16 times No. 6 would keep 40,000 (13 MB of the text they break, and answers).
MAX_KEPT = 4096


@dataclass
class Counts:
    """The lines a layout asked to break: broken, or answered as before."""

    broken: int = 0
    remembered: int = 0


counts = Counts()  # for the tests: what the layouts of this process asked

_local = threading.local()


def install(weasyprint: Any) -> None:
    """Have WeasyPrint's inline layout break and justify its lines through this module
    (once per process; WeasyPrint 70 only). Outside ``remembered``, each line is broken
    anew."""
    global _breaking, _line_break
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if weasyprint.__version__.startswith(SUPPORTED) and _breaking is None:
        _breaking, _line_break = inline.split_first_line, line_break
        inline.split_first_line = _split_first_line
        inline.create_layout = _put_down  # called there by add_word_spacing alone


_breaking: Any = None  # WeasyPrint's split_first_line, once installed
_line_break: Any = None  # its module, whose ``pyphen`` hyphenation.rules() replaces


@contextmanager
def remembered() -> Iterator[None]:
    """Meanwhile, in this thread, each line broken once: for the layout of one document,
    whose answers are let go after it (a layout within it keeps to them)."""
    if getattr(_local, "kept", None) is not None:
        yield
        return
    _local.kept = {}
    try:
        yield
    finally:
        _local.kept = None


def _split_first_line(
    text: str,
    style: Any,
    context: Any,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = True,
    minimum: bool = False,
) -> Any:
    """WeasyPrint's ``split_first_line``, once for each question while a layout keeps
    the answers in this thread. Each box gets a Layout of its own, a copy of the one
    kept: a box drawn with an ellipsis (``line-clamp``) writes it into its Layout's
    text, which another box must not draw."""
    kept: dict[tuple[Any, ...], tuple[Any, ...]] | None = getattr(_local, "kept", None)
    arguments = (text, style, context, max_width, justification_spacing, is_line_start, minimum)
    if kept is None:
        return _breaking(*arguments)
    # The hyphenation dictionaries WeasyPrint makes (hyphenation.rules) are asked too.
    hyphenating = _line_break.pyphen
    key = (text, id(style), id(context), hyphenating, *arguments[3:])
    found = kept.get(key)
    if found is not None:
        counts.remembered += 1
        return (copy.copy(found[2]), *found[3:])
    answer = _breaking(*arguments)
    counts.broken += 1
    if len(kept) >= MAX_KEPT:
        del kept[next(iter(kept))]  # the first asked: a page laid out long ago
    # The style and context are held, so that no other object takes their identity.
    kept[key] = (style, context, copy.copy(answer[0]), *answer[1:])
    return answer


def _put_down(
    text: str, style: Any, context: Any, max_width: float | None, justification_spacing: float
) -> Any:
    """The Layout WeasyPrint's justification gives each box of a justified line
    (``add_word_spacing``), which it puts down at once, keeping its text and spacing to
    set it up again when the box is drawn: made here as it is once put down, without the
    Pango layout WeasyPrint sets up first (2,300 of them in a layout of No. 6: 0.075 s of
    its 2 s). A text with a line decoration (whose measures Pango gives), a line break,
    a NUL or a lone space (which WeasyPrint's Layout changes) is WeasyPrint's."""
    if style["text_decoration_line"] != "none" or "\n" in text or "\x00" in text or text == " ":
        return _line_break.create_layout(text, style, context, max_width, justification_spacing)
    layout = _line_break.Layout.__new__(_line_break.Layout)
    # Layout.__init__'s attributes, in its order: ``deactivate`` takes the Pango ones.
    layout.justification_spacing = justification_spacing
    layout.style = style
    layout.first_line_direction = 0
    layout.language = None
    layout.layout = None
    layout.ascent = layout.underline_position = layout.strikethrough_position = None
    layout.max_width = max_width
    layout.text = text
    return layout
