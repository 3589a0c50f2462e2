"""Each line broken once, where WeasyPrint breaks the same line again and again.

WeasyPrint 70 breaks a line of text with Pango (``split_first_line``): given the text
left in a box, its style and the width it has, it lays out a part of the text, then
more of it, then its hyphenated words, until it knows where the first line ends. A
layout asks that of the same line many times. The search that balances an article's
columns lays the column out at one height after another, each time from the same place
in the text at the same width; a page laid out again (a note moved, a break avoided)
breaks its lines again. Laying out No. 6 breaks 4,144 lines, 2,126 of them different:
half of the layout's time is there, and a layout takes about a third less here.

And the next layout asks the same again: a fit's trials differ in a few paragraphs'
spacing or page starts, a layout after an edit in a few words, a whole layout that
checks a resumed one in none, and an issue's PDFs break their text alike (a test holds
it). So while a document is laid out (``remembered``), each answer is kept by all it
depends on, and the same question gets the same answer, in this layout or a later one
of the same thread: the text, what breaking it reads of the style (``READ``: its values,
so that another document's style equal in them asks the same question) and the fonts it
is set in (its font configuration's faces and their font files: another engine's
configuration, made of the same stylesheets, asks the same question), the width, the
justification spacing and the two flags, and the hyphenation rules in force (swapped for
the whole process: one layout at a time, as bippdf lays out). The last ``MAX_KEPT``
answers asked are kept. Trials laid out side by side in forked processes bring their
answers back (``brought_back``, ``learn``) for the trials after them; a process forked
to lay out the print PDF while this one lays out the web PDF is told each line as it is
broken here (``Channel``): both PDFs break the same lines, and the print PDF's process,
which separates its pictures first, most often asks them later.
Its Pango layout is returned put down (only its text and measures kept: WeasyPrint
sets it up again, with the box's own style, to draw the box, then puts it down), and
each box gets a copy of it. The PDF is the same, byte for byte
(tests/test_linebreaking.py).

A justified line then gives each of its boxes a Layout that WeasyPrint puts down at
once (``add_word_spacing``), keeping its text and spacing: it is made here as it is
left, without the Pango layout WeasyPrint would set up for it first (``_put_down``).

Only for WeasyPrint 70 (``SUPPORTED``), whose line breaking this knows; another version
breaks its lines as it does.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import itertools
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .forked import roomy

SUPPORTED = "70."  # the version whose split_first_line this knows (pyproject.toml pins it)
# Answers kept at most: No. 6 asks 2,500 different questions, and a fit's usual and
# tighter sets ask theirs each. A question's text is the rest of its box from the line on
# (a paragraph of n lines asks with n texts): the texts kept are bounded too, in
# characters, so that long paragraphs or preformatted text keep fewer (No. 6: 2,300
# answers, 0.35 million characters).
MAX_KEPT = 8192
MAX_CHARACTERS = 4_000_000
# What WeasyPrint 70's line breaking reads of a style (split_first_line, with the Layout it
# sets up and the measures it takes, and the font description): two styles alike in these
# and in their font configuration break the same text alike. tests/test_linebreaking.py
# records what a layout reads and holds this list to it.
READ = (
    "direction",
    "font_family",
    "font_feature_settings",
    "font_kerning",
    "font_language_override",
    "font_size",
    "font_stretch",
    "font_style",
    "font_variant_alternates",
    "font_variant_caps",
    "font_variant_east_asian",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variation_settings",
    "font_weight",
    "hyphenate_character",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphens",
    "lang",
    "letter_spacing",
    "line_height",
    "overflow_wrap",
    "tab_size",
    "text_decoration_line",
    "white_space",
    "word_break",
    "word_spacing",
)


@dataclass
class Counts:
    """The lines a layout asked to break: broken, or answered as before; and the answers
    brought back from forked processes (``learn``)."""

    broken: int = 0
    remembered: int = 0
    learnt: int = 0


counts = Counts()  # for the tests: what the layouts of this process asked

_local = threading.local()
_T = TypeVar("_T")


def install(weasyprint: Any) -> None:
    """Have WeasyPrint's inline layout break and justify its lines through this module
    (once per process; WeasyPrint 70 only). Outside ``remembered``, each line is broken
    anew."""
    global _breaking, _line_break
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if weasyprint.__version__.startswith(SUPPORTED) and _breaking is None:
        from weasyprint.text.fonts import FontConfiguration

        _breaking, _line_break = inline.split_first_line, line_break
        inline.split_first_line = _split_first_line
        inline.create_layout = _put_down  # called there by add_word_spacing alone
        FontConfiguration.add_font_face = _renumbering(FontConfiguration.add_font_face)


def _renumbering(add_font_face: Any) -> Any:
    """WeasyPrint's ``FontConfiguration.add_font_face``, recording the face added and
    the font file it made of it (``_values`` numbers a configuration by its faces): a
    face added (a document's own ``@font-face``) may change the font a text falls back
    on, and so its lines. (Each variant's stylesheets add the same faces again.)"""

    @functools.wraps(add_font_face)
    def adding(fonts: Any, rule_descriptors: Any, *arguments: Any, **options: Any) -> Any:
        faces = vars(fonts).setdefault(_FACES, {})
        face = repr(sorted(dict(rule_descriptors).items()))
        added = False
        try:
            found = add_font_face(fonts, rule_descriptors, *arguments, **options)
            added = True
            return found
        finally:
            if not added:
                # What a face that failed halfway left in the configuration is not known:
                # one like no other.
                faces[face, next(_NUMBERS)] = None
                vars(fonts).pop(_NUMBER, None)
            elif faces.get(face) is None:
                # A face not seen, or seen before with no font made of it (a source that
                # failed without an error): WeasyPrint tried it anew, and may have made it.
                made = _font_file(fonts, rule_descriptors)
                if made is not None or face not in faces:
                    faces.pop(face, None)  # (added now: last)
                    faces[face] = made
                    vars(fonts).pop(_NUMBER, None)

    return adding


def _font_file(fonts: Any, rule_descriptors: Any) -> str | None:
    """The digest of the font file WeasyPrint 70 made of a face (named after the face's
    descriptors, in the configuration's folder), or None when it made none: a font file
    replaced on disk under the same name is another configuration."""
    folder = getattr(fonts, "_folder", None)
    if folder is None:
        return None
    name = hashlib.md5(str(rule_descriptors).encode(), usedforsecurity=False).hexdigest()
    try:
        return hashlib.blake2b(Path(folder, name).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


_breaking: Any = None  # WeasyPrint's split_first_line, once installed
_line_break: Any = None  # its module, whose ``pyphen`` hyphenation.rules() replaces


@contextmanager
def remembered() -> Iterator[None]:
    """Meanwhile, in this thread, each line broken once: for the layout of one document,
    and those after it (a layout within it keeps to the same answers)."""
    if getattr(_local, "styles", None) is not None:
        yield
        return
    _kept()
    _local.styles = {}
    try:
        yield
    finally:
        _local.styles = None  # (the document's styles let go with it)
        for channel in _channels("told"):
            channel.flush()  # the layout's last lines


def forget() -> None:
    """Let go of the answers kept in this thread: the lines asked from now on are broken
    anew (``Engine.reload``: other fonts)."""
    _local.kept = {}
    _local.characters = 0


def _kept() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The answers kept in this thread (none yet: from now on)."""
    if getattr(_local, "kept", None) is None:
        forget()
    return _local.kept  # type: ignore[no-any-return]


# Each font configuration a style is seen with is given a number (in ``_NUMBER``), the
# same as another's only when both were given the same faces, made of the same font
# files, in the same order (``_FACES``, recorded by ``_renumbering``): each engine makes a
# configuration of its own, and the same stylesheets in another engine break the same
# lines. (The machine's own fonts, which a text falls back on for a character bippdf's
# fonts lack, are taken to stay as they are while the process lives; ``Engine.reload``
# lets every answer go.) The answers are kept by that number, without holding the
# configuration (one put down after Python's own shutdown began fails to let its fonts go).
_NUMBERS = itertools.count()
_NUMBER = "_bippdf_line_breaking"
_FACES = "_bippdf_faces"
_NUMBERED: dict[tuple[Any, ...], int] = {}  # by a configuration's faces


def _values(style: Any) -> tuple[Any, ...]:
    """What breaking a line reads of this style, as values (``READ``), with its font
    configuration's number (by its faces: ``_FACES``): worked out once per style for the
    layout (which holds the style meanwhile, so that no other takes its identity)."""
    styles: dict[int, tuple[Any, tuple[Any, ...]]] = _local.styles
    found = styles.get(id(style))
    if found is None:
        number = _number_of(getattr(style, "font_config", None))
        found = styles[id(style)] = (style, (number, *(_held(style[name]) for name in READ)))
    return found[1]


def _number_of(fonts: Any) -> int:
    """A font configuration's number (``_NUMBER``), given now if it has none; -1 for
    none."""
    number = -1 if fonts is None else getattr(fonts, _NUMBER, None)
    if number is None:
        # (Two threads numbering it at once find or make the same number.)
        faces = tuple(vars(fonts).get(_FACES, {}).items())
        number = _NUMBERED.setdefault(faces, next(_NUMBERS))
        setattr(fonts, _NUMBER, number)
    return number


def _held(value: Any) -> Any:
    """A style's value as a key holds it: a set (the lines of a text decoration) as a
    frozen one, a list as a tuple; equal values, equal keys. Anything but plain values
    (strings, numbers, and tuples, sets or lists of them) raises ``TypeError``: a
    ``calc()`` WeasyPrint resolves only while breaking the line (a percentage of the
    width with a length) reads more than the style's values, the root's font size or
    the page's, and is broken anew each time."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (tuple, list)):  # (a Dimension too: equal to its values)
        return tuple(map(_held, value))
    if isinstance(value, (set, frozenset)):
        return frozenset(map(_held, value))
    raise TypeError(f"not a plain value: {type(value).__name__}")


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
    text, which another box must not draw. (The layout context is not asked: breaking
    reads only its hyphenation dictionaries, which the rules in force make.)"""
    arguments = (text, style, context, max_width, justification_spacing, is_line_start, minimum)
    if getattr(_local, "styles", None) is None:
        return _breaking(*arguments)
    kept: dict[tuple[Any, ...], tuple[Any, ...]] = _local.kept
    try:
        # The hyphenation dictionaries WeasyPrint makes (hyphenation.rules) are asked too.
        key = (text, _values(style), _line_break.pyphen, *arguments[3:])
        found = kept.pop(key, None)
    except (TypeError, AttributeError):
        # A value that is not plain (``_held``), a font configuration that takes no
        # number (none in WeasyPrint 70): broken anew.
        return _breaking(*arguments)
    if found is None and _heard():  # told since, perhaps (``Channel``)
        found = kept.pop(key, None)
    if found is not None:
        kept[key] = found  # (asked last: let go last)
        counts.remembered += 1
        return (copy.copy(found[0]), *found[1:])
    answer = _breaking(*arguments)
    counts.broken += 1
    keeping = (copy.copy(answer[0]), *answer[1:])
    _keep(kept, key, keeping)
    broken = getattr(_local, "broken", None)
    if broken is not None:
        broken.append(key)
    for channel in _channels("told"):
        channel.told(key, keeping)
    return answer


def _keep(kept: dict[tuple[Any, ...], tuple[Any, ...]], key: tuple[Any, ...], answer: Any) -> None:
    """An answer kept, last asked; those asked longest ago let go past the bounds."""
    _local.characters += len(key[0])
    while kept and (len(kept) >= MAX_KEPT or _local.characters > MAX_CHARACTERS):
        asked_first = next(iter(kept))
        del kept[asked_first]
        _local.characters -= len(asked_first[0])
    kept[key] = answer


Answers = list[tuple[tuple[Any, ...], tuple[Any, ...]]]


def _numbered() -> set[int]:
    """The numbers of the font configurations numbered so far, and -1 (none): those a
    process forked from now on gives the same configurations (``_travels``)."""
    return {-1, *_NUMBERED.values()}


def _travels(key: tuple[Any, ...], numbers: set[int]) -> bool:
    """Whether a question's answer means the same in another process forked from this
    one once ``numbers`` were given (``_numbered``): in a font configuration numbered
    before the fork (one numbered after it may take a number the other process gives
    another), under bippdf's hyphenation rules (WeasyPrint's own are a module, which
    does not pickle)."""
    return key[1][0] in numbers and isinstance(key[2], type)


def brought_back(work: Callable[[], _T]) -> Callable[[], tuple[_T, Answers]]:
    """``work``, returning with its result the lines it broke when it is done in a
    process forked from this one (copyfitting's trials side by side), for this one to
    be given them (``learn``): its later layouts ask many of the same. Only answers
    that mean the same here (``_travels``). Done in this process, ``work`` keeps its
    lines itself, and brings none."""
    here = os.getpid()

    def working() -> tuple[_T, Answers]:
        if os.getpid() == here:
            return work(), []
        numbers = _numbered()
        broken: list[tuple[Any, ...]] = []
        _local.broken = broken
        try:
            result = work()
        finally:
            _local.broken = None
        kept = _kept()
        answers = [(key, kept[key]) for key in broken if key in kept and _travels(key, numbers)]
        return result, answers

    return working


def learn(answers: Answers) -> None:
    """Keep the answers a forked process brought back (``brought_back``), for the layouts
    of this thread to come; those kept already stay as they are."""
    kept = _kept()
    for key, answer in answers:
        if key not in kept:
            _keep(kept, key, answer)
            counts.learnt += 1


class Channel:
    """The lines one process breaks, told as they are broken to a process forked from
    it, which learns them when a layout asks a line it does not know: the print PDF
    laid out beside the web PDF's layout (pipeline.Lane) breaks the same lines (a test
    holds it), and most often after it, having separated its pictures first. Made before
    the fork (of the font configurations the answers are to be told in); then ``tell``
    in this process and ``listen`` in the child, each in the thread that lays out. Only
    answers that mean the same there (``_travels``); a process forked from either
    neither tells nor reads. The teller never waits: what the pipe cannot take
    yet is kept for the next lines told, up to a bound past which it stops telling (a
    process that no longer reads).

    Told the other way too, the child's lines gained nothing: once it has caught up,
    both processes ask each line at the same moment, and break it both."""

    BATCH = 32  # answers a message: about 8 ms of breaking No. 6's lines
    PENDING_AT_MOST = 8_000_000  # bytes (No. 6's 2,300 answers: 0.7 MB)

    def __init__(self, *configurations: Any) -> None:
        for fonts in configurations:
            _number_of(fonts)
        self._numbers = _numbered()
        self._read, self._write = os.pipe()
        self._batch: Answers = []
        self._pending = bytearray()  # what the pipe has not taken yet
        self._heard = bytearray()  # the part of a message read so far
        self._pid = 0  # the process that tells, or listens
        self.telling = False

    def tell(self) -> None:
        """Tell the other process the lines this thread breaks from now on."""
        self._closed("_read")
        roomy(self._write)
        os.set_blocking(self._write, False)
        self._pid, self.telling = os.getpid(), True
        _local.told = [*_channels("told"), self]

    def listen(self) -> None:
        """Learn what the other process tells, whenever a layout of this thread asks a
        line it does not know (once: then nothing)."""
        if self._write < 0 or self._read < 0:
            return
        self._closed("_write")
        os.set_blocking(self._read, False)
        self._pid = os.getpid()
        _local.heard = [*_channels("heard"), self]

    def told(self, key: tuple[Any, ...], answer: tuple[Any, ...]) -> None:
        """A line broken here, told with the next ones."""
        if self.telling and _travels(key, self._numbers):
            self._batch.append((key, answer))
            if len(self._batch) >= self.BATCH:
                self.flush()

    def flush(self) -> None:
        """The lines broken so far sent, as far as the pipe takes them now."""
        if not self.telling:
            return
        if self._batch:
            message = pickle.dumps(self._batch, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending += len(message).to_bytes(4, "big") + message
            self._batch = []
        while self._pending:
            try:
                written = os.write(self._write, self._pending)
            except BlockingIOError:
                break
            except OSError:  # the other process is gone
                self.close()
                return
            del self._pending[:written]
        if len(self._pending) > self.PENDING_AT_MOST:
            self.close()

    def hear(self) -> bool:
        """Learn what was told since (``learn``); whether anything was."""
        while self._read >= 0:
            try:
                data = os.read(self._read, 1 << 20)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:  # the other process is done telling
                self._closed("_read")
            self._heard += data
        learnt = False
        while len(self._heard) >= 4:
            size = int.from_bytes(self._heard[:4], "big")
            if len(self._heard) < 4 + size:
                break
            try:
                learn(pickle.loads(self._heard[4 : 4 + size]))
            except Exception:  # (none that bippdf writes): the lines are broken here
                self.close()
                break
            del self._heard[: 4 + size]
            learnt = True
        return learnt

    def close(self) -> None:
        """Tell no more, nor listen."""
        self.telling = False
        self._batch, self._pending = [], bytearray()
        if self._pid == os.getpid():
            _local.told = [channel for channel in _channels("told") if channel is not self]
            _local.heard = [channel for channel in _channels("heard") if channel is not self]
        self._closed("_read")
        self._closed("_write")

    def _closed(self, end: str) -> None:
        """One end of the pipe closed in this process."""
        fd = getattr(self, end)
        if fd >= 0:
            setattr(self, end, -1)
            os.close(fd)


def _channels(kind: str) -> list[Channel]:
    """The channels this thread tells its lines (``told``) or listens to (``heard``):
    not its parent's, in a forked process."""
    here = os.getpid()
    return [channel for channel in getattr(_local, kind, ()) if channel._pid == here]


def _heard() -> bool:
    """Whether this thread learnt lines told since (``Channel.hear``)."""
    heard = False
    for channel in _channels("heard"):
        heard = channel.hear() or heard
    return heard


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
