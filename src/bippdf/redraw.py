"""The lines of the pages a layout kept, written into the next PDF as they were written
into the last one (``watch``).

Writing a PDF draws every line of every page again: WeasyPrint shapes each text box
with Pango once more and writes its glyphs, which is most of what ``write_pdf`` costs
(No. 6: about 0.9 s of 1.3 s). After an edit, relayout.py keeps the boxes of the pages
the edit does not change, so most text boxes of the next PDF are the very boxes the
last one drew, at the same place.

The first time a box is drawn, what its drawing does is recorded: the calls it makes on
the page's stream, and what it read and wrote of each font's glyph widths and Unicode
map. The next PDF that draws the same box at the same place makes those calls again
rather than draw it, when every font it uses is in that PDF already and holds what the
box read: a glyph's width is the one its first drawing in the PDF measured, which the
box's spacing of its glyphs depends on. Otherwise, and for anything the recording does
not know how to replay, the box is drawn by WeasyPrint and recorded anew. The PDF is
the one WeasyPrint writes, byte for byte (tests/test_relayout.py, tests/test_redraw.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_ABSENT = object()  # a glyph a font's table did not hold
# A stream's attributes a drawing reads that are not calls: the rectangles Pango writes
# a glyph's extents into.
_SCRATCH = frozenset({"ink_rect", "logical_rect"})

Glyph = tuple[Any, str, int]  # a font's key in the PDF, "widths" or "to_unicode", a glyph


@dataclass(eq=False)
class _Drawing:
    """What drawing one text box at one place did."""

    box: Any  # held, so that its id is not another box's
    where: tuple[Any, ...]
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]
    fonts: set[Any]  # the keys of the fonts it asked for
    # Each glyph it looked up first, in order: whether the font held it, and its value
    # (the one it wrote, if it was not held).
    glyphs: dict[Glyph, tuple[bool, Any]]


@dataclass(eq=False)
class Drawings:
    """The text boxes the last PDF of a layout drew, and what each drawing did; how many
    of the last PDF's were written again as recorded (``replayed``) or drawn."""

    records: dict[int, _Drawing] = field(default_factory=dict)
    replayed: int = 0
    drawn: int = 0


@contextmanager
def drawing(drawings: Drawings | None) -> Iterator[None]:
    """While a PDF is written in this thread: each text box drawn again as its last
    drawing recorded (``drawings``), when that gives the same stream and fonts, and
    recorded for the next PDF. With None, WeasyPrint draws as it does. A PDF written by
    another thread meanwhile is drawn by WeasyPrint."""
    if drawings is None:
        yield
        return
    from weasyprint import draw as module

    original = module.draw_text
    mine = threading.get_ident()
    old, new = drawings.records, {}
    counts = [0, 0]

    def draw_text(stream: Any, box: Any, *arguments: Any) -> None:
        # Left to WeasyPrint: another thread's PDF, a box drawn while another is recorded
        # (a nested write), and an ellipsis, whose drawing changes the box's Pango layout
        # (its width; a clamped block's text, for good).
        if (
            threading.get_ident() != mine
            or isinstance(stream, _Recorder)
            or "ellipsis" in arguments[1:2]
            or arguments[2:3] not in ((), ("none",))
        ):
            return original(stream, box, *arguments)  # type: ignore[no-any-return]
        where = _where(box, arguments)
        record = old.get(id(box))
        if (
            record is not None
            and record.box is box
            and record.where == where
            and _replay(record, stream)
        ):
            new[id(box)] = record
            counts[0] += 1
            return None
        counts[1] += 1
        recorder = _Recorder(stream)
        original(recorder, box, *arguments)
        if not recorder.unsure and (False, _ABSENT) not in recorder.glyphs.values():
            new[id(box)] = _Drawing(box, where, recorder.calls, recorder.fonts, recorder.glyphs)
        return None

    module.draw_text = draw_text
    try:
        yield
    finally:
        module.draw_text = original
        drawings.records = new
        drawings.replayed, drawings.drawn = counts


def _where(box: Any, arguments: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a text box's drawing depends on besides the box and the fonts: where it is,
    its text and its spacing as laid out (a box kept by a layout does not change, but a
    box moved in place would), its style and Pango layout."""
    return (
        arguments,
        box.position_x,
        box.position_y,
        box.width,
        box.baseline,
        box.text,
        box.justification_spacing,
        id(box.style),
        id(getattr(box, "pango_layout", None)),
    )


def _replay(record: _Drawing, stream: Any) -> bool:
    """Make the recorded calls on ``stream`` and write the glyphs the drawing wrote into
    its fonts, if every font it used is the PDF's already and holds what it read;
    nothing otherwise (False)."""
    fonts = stream._fonts
    if any(key not in fonts for key in record.fonts):
        return False  # its first drawing in this PDF adds it: WeasyPrint's to make
    written = []
    for (key, table, glyph), (held, value) in record.glyphs.items():
        values = getattr(fonts[key], table)
        now = values.get(glyph, _ABSENT)
        if held:
            # A width it read must be the same; a Unicode text it did not write, held.
            if now is _ABSENT or (table == "widths" and now != value):
                return False
        elif now is _ABSENT:
            written.append((values, glyph, value))
        elif table == "widths" and now != value:
            return False  # measured first by another box, at another size
    for values, glyph, value in written:
        values[glyph] = value
    for name, arguments, keywords in record.calls:
        getattr(stream, name)(*arguments, **keywords)
    return True


class _Recorder:
    """A page's stream, as WeasyPrint's text drawing sees it: each call made on the
    stream, and the fonts' tables seen through ``_Font``. ``unsure``: the drawing did
    something a replay would not do (a call that returns a value, a font of pictures, a
    glyph missing from every font)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.fonts: set[Any] = set()
        self.glyphs: dict[Glyph, tuple[bool, Any]] = {}
        self.unsure = False

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._stream, name)
        if name in _SCRATCH:
            return value
        if name == "add_font":
            return self._add_font
        if not callable(value):
            self.unsure = True
            return value

        def call(*arguments: Any, **keywords: Any) -> Any:
            result = value(*arguments, **keywords)
            if result is not None:  # a context manager, say: not a call to make again
                self.unsure = True
            self.calls.append((name, arguments, keywords))
            return result

        return call

    def _add_font(self, pango_font: Any) -> tuple[Any, float]:
        font, size = self._stream.add_font(pango_font)
        if font.bitmap or font.png or font.svg or font.colr:
            self.unsure = True  # its glyphs may be drawn as pictures
        key = next(key for key, known in self._stream._fonts.items() if known is font)
        self.fonts.add(key)
        return _Font(font, key, self), size


class _Font:
    """A font of the PDF, its glyph tables seen through ``_Table``."""

    def __init__(self, font: Any, key: Any, recorder: _Recorder) -> None:
        self._font = font
        self._recorder = recorder
        self.widths = _Table(font.widths, key, "widths", recorder)
        self.to_unicode = _Table(font.to_unicode, key, "to_unicode", recorder)

    def __getattr__(self, name: str) -> Any:
        if name == "get_unused_glyph_id":  # a glyph no font has: WeasyPrint warns
            self._recorder.unsure = True
        return getattr(self._font, name)


class _Table:
    """A font's table of glyphs (widths or Unicode texts), each glyph's first look-up
    noted: whether it was held, and its value (the one written, if it was not)."""

    def __init__(self, values: dict[int, Any], key: Any, table: str, recorder: _Recorder):
        self._values = values
        self._name = (key, table)
        self._recorder = recorder
        self._seen = recorder.glyphs

    def _look(self, glyph: int) -> Glyph:
        noted = (*self._name, glyph)
        if noted not in self._seen:
            held = glyph in self._values
            self._seen[noted] = (held, self._values[glyph] if held else _ABSENT)
        return noted

    def __contains__(self, glyph: int) -> bool:
        self._look(glyph)
        return glyph in self._values

    def __getitem__(self, glyph: int) -> Any:
        self._look(glyph)
        return self._values[glyph]

    def __setitem__(self, glyph: int, value: Any) -> None:
        noted = self._look(glyph)
        if self._seen[noted] == (False, _ABSENT):
            self._seen[noted] = (False, value)
        else:  # a value read, or written already, replaced: not what a replay does
            self._recorder.unsure = True
        self._values[glyph] = value
