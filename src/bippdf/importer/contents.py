"""The printed table of contents (articles and their sections) and where the Annexe
of notes starts."""

from __future__ import annotations

import re

from .model import Line, TocEntry
from .text import strip_emphasis

CONTENTS_HEADING = re.compile(r"^\s*#*\s*(?:\*\*)?\s*(?:table des mati[èe]res|sommaire)\b", re.I)
_ANNEXE_HEADING = re.compile(r"^\s*#{1,6}\s*(?:\*\*)?\s*annexes?\s*(?:\*\*)?\s*$", re.I)


_TOC_LINE = re.compile(
    r"^\s*(?P<title>.+?)\s*(?:\.{2,}|…+)?\s*(?:<b>|\*\*)?\s*(?P<page>\d{1,3})\s*(?:</b>|\*\*)?\s*$"
)


def read_contents(lines: list[Line], start: int) -> tuple[list[TocEntry], int]:
    """The table of contents' entries, and the index of the first line after it."""
    entries = []
    index = start + 1
    end = index
    while index < len(lines):
        number, text = lines[index]
        if not text.strip():
            index += 1
            continue
        match = _TOC_LINE.match(text)
        leaders = "\t" in text or "..." in text or "…" in text
        if match is None or not leaders:
            break  # the first line without leaders and page number: the contents are over
        raw = match.group("title").strip()
        italic = bool(re.match(r"^(<i>|\*(?!\*)|_)", raw)) or text[:1] in " \t"
        entries.append(TocEntry(strip_emphasis(raw), 2 if italic else 1, number))
        index += 1
        end = index
    return entries, end


def annexe_start(lines: list[Line], start: int) -> int:
    """The index of the Annexe's heading (the last one), or the end of the text."""
    found = [i for i in range(start, len(lines)) if _ANNEXE_HEADING.match(lines[i][1])]
    return found[-1] if found else len(lines)
