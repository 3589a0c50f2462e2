"""Verifying a freshly built PDF against what was composed.

Each problem is one line naming the page (as printed) and what is wrong. The
build stops on any of them: a PDF whose contents or notes do not hold never
replaces the last good one.
"""

from __future__ import annotations

import re
from functools import cache

from fontTools.ttLib import TTFont

from .compose import Composition, Entry
from .readback import PdfReadback, normalize
from .resources import font_files


def verify(pdf: PdfReadback, composition: Composition) -> list[str]:
    """Every problem found, as ``page N: what is wrong`` lines; empty when all holds."""
    return (
        contents_problems(pdf, composition.contents)
        + notes_problems(pdf, len(composition.notes))
        + link_problems(pdf)
        + font_problems(pdf)
    )


def _label(pdf: PdfReadback, page: int | None) -> str:
    if page is None:
        return "?"
    return pdf.page_labels[page] if page < len(pdf.page_labels) else str(page + 1)


def _entries(contents: list[Entry]) -> list[Entry]:
    return [e for entry in contents for e in (entry, *entry.children)]


def contents_problems(pdf: PdfReadback, contents: list[Entry]) -> list[str]:
    """Each entry links to its heading's page, prints that page's folio, in reading order."""
    problems = []
    previous = -1
    for entry in _entries(contents):
        target = pdf.page_of(entry.id)
        if target is None:
            problems.append(f"contents: no destination for '{entry.text}'")
            continue
        links = pdf.links_to(entry.id)
        if not links:
            problems.append(f"contents: the entry '{entry.text}' is not a link")
            continue
        text = " ".join(link.text for link in links if link.page == links[0].page)
        printed = re.search(r"(\d+)\s*$", text)
        page_label = _label(pdf, links[0].page)
        if printed is None:
            problems.append(
                f"page {page_label}: the contents entry '{entry.text}' prints no page number"
            )
        elif printed.group(1) != _label(pdf, target):
            problems.append(
                f"page {page_label}: the contents entry '{entry.text}' prints "
                f"{printed.group(1)}, but its link lands on page {_label(pdf, target)}"
            )
        if normalize(entry.text) not in normalize(pdf.texts[target]):
            problems.append(
                f"page {_label(pdf, target)}: the heading '{entry.text}' "
                "is not on the page its entry links to"
            )
        if target < previous:
            problems.append(f"contents: '{entry.text}' is out of reading order")
        previous = target
    return problems


def notes_problems(pdf: PdfReadback, count: int) -> list[str]:
    """Calls 1..N each link to their note, and each note back to its call."""
    problems = []
    for number in range(1, count + 1):
        call, note = pdf.page_of(f"appel-{number}"), pdf.page_of(f"note-{number}")
        if call is None:
            problems.append(f"notes: the call of note {number} has no destination")
            continue
        if note is None:
            problems.append(f"notes: note {number} is missing from the Annexe")
            continue
        forward = [link for link in pdf.links_to(f"note-{number}") if link.page == call]
        if not forward:
            problems.append(
                f"page {_label(pdf, call)}: the call of note {number} "
                f"does not link to note {number}"
            )
        elif not any(link.text == str(number) for link in forward):
            problems.append(
                f"page {_label(pdf, call)}: the call linking to note {number} "
                f"reads '{forward[0].text}'"
            )
        back = [link for link in pdf.links_to(f"appel-{number}") if link.page == note]
        if not back:
            problems.append(
                f"page {_label(pdf, note)}: note {number} does not link back to its call"
            )
    if pdf.page_of(f"note-{count + 1}") is not None:
        problems.append(f"notes: the Annexe holds a note {count + 1} that nothing calls")
    return problems


def link_problems(pdf: PdfReadback) -> list[str]:
    """Internal links resolve; external ones are http(s) or mailto, never local files."""
    problems = []
    for link in pdf.links:
        where = f"page {_label(pdf, link.page)}"
        if link.uri is not None:
            if not re.match(r"^(https?://[^\s/]+\S*|mailto:[^\s@]+@[^\s@]+)$", link.uri):
                problems.append(
                    f"{where}: link to '{link.uri}' is not an http, https or mailto URI"
                )
        elif link.dest is None or link.dest_page is None:
            problems.append(f"{where}: internal link to '{link.dest}' has no destination")
    return problems


def font_problems(pdf: PdfReadback) -> list[str]:
    """Every font is embedded and is one of the project's own files."""
    problems = []
    ours = project_font_names()
    for font in pdf.fonts.values():
        page = min(font.pages)
        if not font.embedded:
            problems.append(f"page {_label(pdf, page)}: font {font.name} is not embedded")
        if font.name not in ours:
            problems.append(
                f"page {_label(pdf, page)}: font {font.name} is not one of "
                "bippdf's fonts (styles/fonts)"
            )
    return problems


@cache
def project_font_names() -> frozenset[str]:
    """The PostScript names of the fonts shipped in ``styles/fonts``."""
    names = set()
    for path in font_files():
        with TTFont(path, lazy=True) as font:
            names.add(str(font["name"].getDebugName(6)))
    return frozenset(names)
