"""The importer's data: a problem left for the editor, the report, and the intermediate
model of the legacy text (blocks, contents entries, converted articles and issue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..source import Author


@dataclass
class Problem:
    """Something the importer could not resolve, for an editor to finish by hand."""

    line: int  # 1-based line in the legacy text file
    message: str  # in French, for an editor: what could not be resolved and what to do


@dataclass
class ImportReport:
    """What an import wrote, and what is left to do."""

    folder: Path  # the issue folder written
    articles: list[Path]  # article files written, in order
    notes: int  # notes converted
    problems: list[Problem]  # what could not be resolved, with legacy line numbers


Line = tuple[int, str]  # (1-based line number in the legacy file, text)


@dataclass
class Block:
    """A block of the legacy text: a paragraph, heading, list item or table."""

    kind: str  # "paragraph", "heading", "item", "table", "quote"; "comment", "figure" later
    lines: list[Line]
    level: int = 0  # heading level
    marker: str = ""  # list item marker: "-" or "1."

    @property
    def line(self) -> int:
        """The legacy line the block starts on."""
        return self.lines[0][0]

    @property
    def text(self) -> str:
        """The block's text on one line (tables excepted)."""
        return " ".join(text.strip() for _, text in self.lines if text.strip())

    def line_of(self, needle: str) -> int:
        """The legacy line of the block holding ``needle`` (else the block's first)."""
        return next((number for number, text in self.lines if needle in text), self.line)


@dataclass
class TocEntry:
    """One entry of the printed table of contents."""

    title: str
    level: int  # 1: an article (bold), 2: a section (italic)
    line: int


@dataclass
class ArticleOut:
    """One converted article, ready to be written."""

    title: str
    line: int
    body: str = ""
    lead: str | None = None
    authors: list[Author] = field(default_factory=list)
    signature: bool = False
    images: list[tuple[Path, str]] = field(default_factory=list)  # (legacy file, new name)


@dataclass
class IssueOut:
    """The converted issue, ready to be written."""

    fields: dict[str, object]
    contact: dict[str, str]
    articles: list[ArticleOut]
    note_count: int
