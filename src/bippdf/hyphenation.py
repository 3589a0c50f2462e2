"""The hyphenation rules CSS cannot state, and the pass that finds where they fail.

``hyphens: auto`` lets WeasyPrint break any word the French patterns allow. A designer
allows fewer breaks:

- no word holding a capital letter is broken (« Qué‐bec », « l’Es‐trie », « CIUSSS »):
  the hyphenation dictionary WeasyPrint asks for leaves such words whole (``rules``);
- no word is broken across a column or page turn, on the third line of a run of
  hyphens, or so that its end is all a paragraph's last line holds: these depend on
  where the lines fall, so ``faults`` reads them on a laid-out document, and
  ``written`` keeps those occurrences whole in the HTML for the next layout
  (``<span class="whole">``, ``hyphens: manual``). Copyfitting does this on the layout
  it keeps.

The dictionary is given to WeasyPrint for the time of one layout: WeasyPrint creates
its pyphen dictionaries itself, through the ``pyphen`` name of its line breaking
module, and has no option for one of ours (pinned to WeasyPrint 70).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyphen

from .contract import SOURCE_ATTRIBUTE
from .lines import AUTO_HYPHEN, HARD_HYPHENS, Paragraph, ends_alone, joined, paragraphs

MAX_RUN = 2  # lines in a row ending with a hyphen
WHOLE = "whole"  # the class of a word kept whole (bulletin.css)

Place = tuple[str, str, str, int]  # a word in the HTML: tag, its source, the word, which


class Dictionary(pyphen.Pyphen):  # type: ignore[misc]
    """A pyphen dictionary that leaves whole the words with a capital letter, and reads
    its patterns when it first breaks a word: WeasyPrint makes the dictionary of a
    passage's language as soon as it may have to break one of its words, and pyphen
    reads the patterns as it is made (No. 6's English dictionary, 0.05 s in each process,
    though none of its English words is broken)."""

    def __init__(
        self,
        filename: str | None = None,
        lang: str | None = None,
        left: int = 2,
        right: int = 2,
        cache: bool = True,
    ) -> None:
        # pyphen.Pyphen's, but for reading the patterns (``hd``)
        self.left, self.right = left, right
        self._path = (
            Path(filename) if filename else pyphen.LANGUAGES[pyphen.language_fallback(lang)]
        )
        self._cached = cache

    @functools.cached_property
    def hd(self) -> Any:
        """The patterns, read once for the process (pyphen's ``hdcache``)."""
        if not self._cached or self._path not in pyphen.hdcache:
            pyphen.hdcache[self._path] = pyphen.HyphDict(self._path)
        return pyphen.hdcache[self._path]

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        """The places to break ``word``, the longest first; none for a word kept whole."""
        if any(c.isupper() for c in word):
            return iter(())
        return super().iterate(word)  # type: ignore[no-any-return]


class _Pyphen:
    """What WeasyPrint's line breaking module uses of pyphen, with ``Dictionary``."""

    Pyphen = Dictionary
    language_fallback = staticmethod(pyphen.language_fallback)


def load(language: str) -> None:
    """Read now the hyphenation dictionary of the document's language (the issue's, which
    its ``html`` element says; if pyphen has one), once for the process and for each
    process it forks: a build forks the processes that lay its PDFs out before either
    breaks a line, and each would read it. Another language's is read by a process the
    first time it breaks a word of that language (``Dictionary``), which most builds
    never do: No. 6's English passages (names and titles, in its notes) end no line on a
    broken word, and its English dictionary took 0.057 s to read, before any PDF could
    start (its French one, 0.011 s)."""
    found = pyphen.language_fallback(language)
    if found is not None:
        Dictionary(lang=found).hd  # noqa: B018 (read now)


@contextmanager
def rules() -> Iterator[None]:
    """Lay out with the rules: no word with a capital letter broken."""
    from weasyprint.text import line_break

    saved = line_break.pyphen
    line_break.pyphen = _Pyphen
    try:
        yield
    finally:
        line_break.pyphen = saved


def written(html: str, places: Iterable[Place]) -> str:
    """The HTML with each word of ``places`` kept whole: the ``n``-th time (from 0) the
    word stands in the text of the element its tag and source name."""
    for tag, source, word, n in sorted(set(places)):
        opening = re.search(rf'<{tag}\b[^>]*\b{SOURCE_ATTRIBUTE}="{re.escape(source)}"', html)
        if opening is None:
            continue
        at = _nth_in_text(html, opening.end(), word, n)
        if at is not None:
            end = at + len(word)
            html = f'{html[:at]}<span class="{WHOLE}">{word}</span>{html[end:]}'
    return html


def _nth_in_text(html: str, start: int, word: str, n: int) -> int | None:
    """Where the ``n``-th whole occurrence of ``word`` is in the text (not the tags) of
    ``html`` from ``start``."""
    pattern = _whole_word(word)
    position = html.index(">", start) + 1
    for text in re.finditer(r"[^<]+|<[^>]*>", html[position:]):
        if text[0].startswith("<"):
            continue
        for match in pattern.finditer(text[0]):
            if n == 0:
                return position + text.start() + match.start()
            n -= 1
    return None


def _whole_word(word: str) -> re.Pattern[str]:
    """A word standing between two characters that are not letters (a note call's
    digits may follow it in the text laid out, its tags in the HTML)."""
    return re.compile(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])")


def broken_word(line: str, following: str) -> str:
    """The word a line ending with a hyphen breaks, joined again from the end of
    ``line`` and the start of ``following`` (an elided article left out: « l’ »; a
    soft hyphen typed in the word dropped)."""
    tail = line.rstrip().rstrip(AUTO_HYPHEN + "".join(HARD_HYPHENS)).replace("\u00ad", "")
    start = re.search(r"[^\W\d_]*$", tail)
    end = re.match(r"[^\W\d_]*", following.lstrip())
    return (start[0] if start else "") + (end[0] if end else "")


def faults(document: Any) -> set[Place]:
    """The words a laid-out WeasyPrint document breaks where the rules forbid it."""
    return {place for paragraph in paragraphs(document) for place in paragraph_faults(paragraph)}


def paragraph_faults(paragraph: Paragraph) -> list[Place]:
    """The words a paragraph breaks where the rules forbid it: at a column or page
    turn, on the third line of a run of hyphens, leaving its end alone on the
    paragraph's last line, or alone on its line (« ave‐ » / « nir, les termes… »:
    WeasyPrint may break a line's first word when what follows cannot fit)."""
    found = []
    run = 0
    lines = paragraph.lines
    for index, line in enumerate(lines):
        run = run + 1 if line.hyphen else 0
        if not line.hyphenated or index + 1 == len(lines):
            continue
        alone = len(line.text.split()) == 1  # WeasyPrint broke a line's first word alone
        if line.turn or run > MAX_RUN or ends_alone(lines, index) or alone:
            word = broken_word(line.text, lines[index + 1].text)
            if word:
                text = re.sub(r"[^\W\d_]*$", "", line.text.rstrip().rstrip(AUTO_HYPHEN))
                before = paragraph.before + joined(lines[:index]) + text
                n = len(_whole_word(word).findall(before))
                found.append((paragraph.tag, paragraph.source, word, n))
    return found
