"""What composing an issue gives (compose.py): the HTML, with the contents and notes it
holds, and what its PDF must hold for the check. Apart from composing, and from jinja2,
mistune and babel, so that a build that composed its issues in another process, or a
check, takes them without loading those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .errors import SourceError

if TYPE_CHECKING:
    from .check import Expectations


@dataclass
class Entry:
    """One line of the table of contents (and one bookmark)."""

    id: str
    title: Markup
    text: str
    level: int
    children: list[Entry] = field(default_factory=list)


@dataclass
class Note:
    """A numbered note of the issue, ready for the Annexe."""

    number: int
    id: str
    call_id: str
    html: Markup


@dataclass
class Composition:
    """The issue as one HTML document, with the contents and notes it holds."""

    html: str
    contents: list[Entry]
    notes: list[Note]
    metadata: dict[str, str]  # Title, Author, Subject, Lang, as written into the PDF
    resources: list[Path] = field(default_factory=list)  # the files its pages show
    warnings: list[SourceError] = field(default_factory=list)  # said at every build


def expectations(
    composition: Composition,
    warnings: list[str] | None = None,
    *,
    variant: str | None = None,
) -> Expectations:
    """What the PDF of this composition must hold, for ``check``: the headings in reading
    order, the number of notes, the metadata, and what WeasyPrint said while rendering."""
    from .check import Expectations  # the PDF reader's libraries: loaded only to check

    headings = [
        (level, entry.text)
        for article in composition.contents
        for level, entry in [(1, article)] + [(2, child) for child in article.children]
    ]
    return Expectations(
        headings=headings,
        notes=len(composition.notes),
        metadata=dict(composition.metadata),
        warnings=list(warnings or []),
        variant=variant,
    )
