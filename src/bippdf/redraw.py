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

Most often the calls need not be made again either: what they wrote depends only on the
stream's state when the drawing began (its colour, transparency and font, and the
operators it may take back at the stream's end: WeasyPrint's stream joins two text
objects and drops an empty save). When that state is the one the drawing began in, the
operators it wrote are appended as they are (``_Effect``), and the state it left is
set: the calls, and the colour conversions and number formatting they do, are skipped.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_ABSENT = object()  # a glyph a font's table did not hold
# A stream's attributes a drawing reads that are not calls: the rectangles Pango writes
# a glyph's extents into.
_SCRATCH = frozenset({"ink_rect", "logical_rect"})
# The state of WeasyPrint's stream its calls read and set, besides its operators: what
# they write depends on it (a colour or font already set is not set again).
_STATE = (
    "_current_color",
    "_current_color_stroke",
    "_current_alpha",
    "_current_alpha_stroke",
    "_current_font",
    "_current_font_size",
    "_old_font",
    "_old_font_size",
)
# The operators WeasyPrint's stream takes back when they end it: an "ET" before a text
# object (the two are joined), a "q" before its "Q".
_TAKEN_BACK = (b"ET", b"q")

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
    effect: _Effect | None = None  # what its calls wrote, when appending it is replaying them

    @functools.cached_property
    def looked_up(self) -> tuple[list[tuple[Any, str, Any]], list[tuple[Any, str, int, Any]]]:
        """``glyphs``, as a replay checks them: those each table held, by font and table
        (the widths with their values, a dict, the Unicode texts a set); those it did not,
        each with the value written, in order."""
        held: dict[tuple[Any, str], dict[int, Any]] = {}
        first = []
        for (key, table, glyph), (was, value) in self.glyphs.items():
            if was:
                held.setdefault((key, table), {})[glyph] = value
            else:
                first.append((key, table, glyph, value))
        read = [
            (key, table, values if table == "widths" else set(values))
            for (key, table), values in held.items()
        ]
        return read, first


@dataclass(frozen=True, eq=False)
class _Effect:
    """What a drawing's calls did to the page's stream, given the state it began in."""

    before: tuple[Any, ...]  # the stream's state (``_STATE``), as the drawing found it
    seen: tuple[Any, ...]  # the stream's last operators it may have looked at (``_seen``)
    removed: int  # operators it took back at the stream's end
    written: tuple[Any, ...]  # the operators it appended
    after: tuple[Any, ...]  # the state it left
    states: tuple[tuple[str, Any], ...]  # the transparency states it set, and their values


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
            new[id(box)] = _Drawing(
                box, where, recorder.calls, recorder.fonts, recorder.glyphs, recorder.effect()
            )
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
    """Make the recorded calls on ``stream`` (or append what they wrote, from the state
    they began in) and write the glyphs the drawing wrote into its fonts, if every font
    it used is the PDF's already and holds what it read; nothing otherwise (False)."""
    fonts = stream._fonts
    if any(key not in fonts for key in record.fonts):
        return False  # its first drawing in this PDF adds it: WeasyPrint's to make
    read, first = record.looked_up
    for key, table, held in read:
        values = getattr(fonts[key], table)
        # A width it read must be the same; a Unicode text it did not write, held.
        if not (held.items() <= values.items() if table == "widths" else held <= values.keys()):
            return False
    written = []
    for key, table, glyph, value in first:
        values = getattr(fonts[key], table)
        now = values.get(glyph, _ABSENT)
        if now is _ABSENT:
            written.append((values, glyph, value))
        elif table == "widths" and now != value:
            return False  # measured first by another box, at another size
    for values, glyph, value in written:
        values[glyph] = value
    effect = record.effect
    if effect is not None and _began(effect, stream):
        _append(effect, stream)
        return True
    for name, arguments, keywords in record.calls:
        getattr(stream, name)(*arguments, **keywords)
    return True


def _state(stream: Any) -> tuple[Any, ...]:
    """The stream's state its calls read (``_STATE``)."""
    return tuple(getattr(stream, name) for name in _STATE)


def _seen(operators: list[Any]) -> tuple[Any, ...]:
    """What a call may see of operators at the stream's end: whether each is one it takes
    back (``_TAKEN_BACK``)."""
    return tuple(operator if operator in _TAKEN_BACK else None for operator in operators)


def _began(effect: _Effect, stream: Any) -> bool:
    """Whether ``stream`` is as the drawing found it: its state, its last operators."""
    operators = stream.stream
    count = len(effect.seen)
    return (
        _state(stream) == effect.before
        and _seen(operators[len(operators) - count :]) == effect.seen
    )


def _append(effect: _Effect, stream: Any) -> None:
    """What the drawing's calls did, done to ``stream``: the operators taken back and
    written, the transparency states added to the page's resources where missing, and the
    state left."""
    operators = stream.stream
    if effect.removed:
        del operators[len(operators) - effect.removed :]
    operators.extend(effect.written)
    states = stream._resources["ExtGState"]
    for key, value in effect.states:
        if key not in states:
            states[key] = value
    for name, value in zip(_STATE, effect.after, strict=True):
        setattr(stream, name, value)


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
        # What the stream was, for ``effect``: its state, its operators (the last two,
        # which its calls may take back and look at) and count, the count of its
        # resources of each kind and its transformations; the fewest operators it held.
        operators = stream.stream
        self._before = _state(stream)
        self._count = self._fewest = len(operators)
        self._last = operators[-2:]
        self._resources = _counts(stream._resources)
        self._matrices = list(stream._ctm_stack)

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
            # (No call of WeasyPrint's stream takes an operator back after appending one.)
            self._fewest = min(self._fewest, len(self._stream.stream))
            return result

        return call

    def effect(self) -> _Effect | None:
        """What the calls made did to the stream, from the state they began in; None
        when appending it would not be making them: operators taken back further than
        the last two or to the stream's start, a transformation left, a resource added
        but a transparency state."""
        stream = self._stream
        removed = self._count - self._fewest
        # A call looks at the stream's last operator: the one before those taken back, which
        # must have been there (a call may see an empty stream otherwise).
        looked = removed + 1
        matrices = stream._ctm_stack
        if (
            looked > len(self._last)  # (the last two, or all there were)
            or len(matrices) != len(self._matrices)
            or any(now is not then for now, then in zip(matrices, self._matrices, strict=True))
            or _counts(stream._resources)[1:] != self._resources[1:]
        ):
            return None
        written = tuple(stream.stream[self._fewest :])
        states = stream._resources["ExtGState"]
        set_states = {}
        for operator in written:
            if isinstance(operator, bytes) and operator.endswith(b" gs"):
                key = operator[1:-3].decode()
                if key[:1] not in ("a", "A"):
                    return None  # a state named by the count of the page's states
                set_states[key] = states[key]
        if not set(list(states)[self._resources[0] :]) <= set_states.keys():
            return None
        return _Effect(
            before=self._before,
            seen=_seen(self._last[len(self._last) - looked :]),
            removed=removed,
            written=written,
            after=_state(stream),
            states=tuple(set_states.items()),
        )

    def _add_font(self, pango_font: Any) -> tuple[Any, float]:
        font, size = self._stream.add_font(pango_font)
        if font.bitmap or font.png or font.svg or font.colr:
            self.unsure = True  # its glyphs may be drawn as pictures
        key = next(key for key, known in self._stream._fonts.items() if known is font)
        self.fonts.add(key)
        return _Font(font, key, self), size


def _counts(resources: Any) -> tuple[int, ...]:
    """How many resources of each kind the page's resources hold, transparency states
    first."""
    return tuple(len(resources[kind]) for kind in ("ExtGState", "XObject", "Pattern", "Shading"))


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
