"""Comparing and cleaning text: titles folded for comparison, emphasis stripped, headings
cleaned, lines joined into paragraphs."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .model import Line


def join_paragraphs(lines: list[Line]) -> list[Line]:
    """Lines joined into paragraphs (blank lines between), each with its first line."""
    paragraphs: list[Line] = []
    current: list[Line] = []
    for number, text in [*lines, (0, "")]:
        if text.strip():
            current.append((number, text.strip()))
            continue
        if current:
            paragraphs.append((current[0][0], " ".join(part for _, part in current)))
            current = []
    return paragraphs


def fold(text: str) -> str:
    """Text folded for comparing titles: no markup, one case, single spaces."""
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("’", "'").replace("…", "...").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[*_\\#]", "", text)
    text = " ".join(text.split()).casefold()
    return text.rstrip(" .:")


def matches_title(text: str, title: str) -> bool:
    """Whether a heading's text is this title (extraction may garble a letter or two)."""
    a, b = fold(text), fold(title)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) > 12 and SequenceMatcher(None, a, b).ratio() >= 0.92)


def clean_heading(text: str, *, plain: bool = False) -> str:
    """A heading's text: no bold around it, no final full stop (unless an ellipsis)."""
    text = text.strip()
    for marker in ("**", "__"):
        while text.startswith(marker) and text.endswith(marker) and len(text) > 2 * len(marker):
            text = text[len(marker) : -len(marker)].strip()
    text = re.sub(r"</?b>", "", text)
    text = re.sub(r"(?<!\.)\.$", "", text).strip()
    if plain:  # a title in the front matter is plain text
        text = re.sub(r"<[^>]+>|[*_]", "", text)
    return text


def strip_emphasis(text: str) -> str:
    """Text without the bold or italic markers (or tags) wrapped around all of it."""
    text = text.strip()
    changed = True
    while changed:
        changed = False
        for opening, closing in (
            ("**", "**"),
            ("*", "*"),
            ("__", "__"),
            ("_", "_"),
            ("<b>", "</b>"),
            ("<i>", "</i>"),
        ):
            if text.startswith(opening) and text.endswith(closing) and len(text) > 2 * len(opening):
                inner = text[len(opening) : -len(closing)]
                if opening not in inner or opening.startswith("<"):
                    text, changed = inner.strip(), True
    return text
