"""The checks of a PDF's structure: pages and folios, the contents and the bookmarks,
links, and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..contract import CONTENTS_ID, WEB_OR_MAIL
from .readback import Link, OutlineItem, PdfReadback, normalize
from .report import CheckResult, Expectations, Problem, page_label

_NUMBER_AT_END = re.compile(r"(?:\s*\.)*\s*(\d+)$")


def check_pages(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Trim size, page labels, and the folio printed on each page equal to its label."""
    result = CheckResult("pages", figures={"pages": pdf.page_count})
    width, height = expected.geometry.size_pt
    for index, (w, h) in enumerate(pdf.page_sizes):
        if abs(w - width) > 0.5 or abs(h - height) > 0.5:
            result.problems.append(
                Problem(
                    f"size is {w:.0f} × {h:.0f} pt, expected {width:.0f} × {height:.0f} pt",
                    page_label(pdf, index),
                )
            )
    if not pdf.has_page_labels:
        result.problems.append(Problem("the PDF has no page labels (/PageLabels)"))
    for index, footer in enumerate(pdf.footers):
        folios = re.findall(r"\d+", footer)
        label = page_label(pdf, index) or ""
        if not label.isdigit():  # the cover and the colophon on the back cover
            if folios:
                result.problems.append(
                    Problem(f"prints a folio ({footer}), but its page label is {label}", label)
                )
        elif folios != [label] and (folios or pdf.texts[index].strip()):
            printed = ", ".join(folios) if folios else "no folio"
            result.problems.append(
                Problem(f"prints {printed}, but its page label is {label}", label)
            )
    result.figures["blank"] = sum(1 for text in pdf.texts if not text.strip())
    return result


@dataclass
class _Entry:
    """A contents entry as read from the PDF."""

    title: str
    printed: str | None
    dest: str | None
    page: int | None
    level: int
    at: int  # the contents page it stands on


def _contents_entries(pdf: PdfReadback) -> list[_Entry] | None:
    """The contents as printed: links on the contents pages, top to bottom."""
    first = pdf.page_of(CONTENTS_ID)
    if first is None:
        return None
    merged = _contents_links(pdf, first)
    indent: dict[int, float] = {}  # left and right pages have different margins
    for link in merged:
        indent[link.page] = min(indent.get(link.page, link.rect[0]), link.rect[0])
    entries = []
    for link in merged:
        number = _NUMBER_AT_END.search(link.text)
        title = _NUMBER_AT_END.sub("", link.text) if number else link.text
        entries.append(
            _Entry(
                title=_title(title),
                printed=number.group(1) if number else None,
                dest=link.dest,
                page=link.dest_page,
                level=1 if link.rect[0] - indent[link.page] < 4 else 2,
                at=link.page,
            )
        )
    return entries


def _contents_links(pdf: PdfReadback, first: int) -> list[Link]:
    """The links of the contents pages from ``first`` on, top to bottom, one per entry."""
    on_first = [link for link in pdf.links if link.page == first and link.dest]
    targets = [link.dest_page for link in on_first if link.dest_page is not None]
    end = min([t for t in targets if t > first], default=first + 1)
    links = sorted(
        (link for link in pdf.links if first <= link.page < end and link.dest),
        key=lambda link: (link.page, -link.rect[3]),
    )
    merged: list[Link] = []
    for link in links:  # a title that wraps gives one link per line
        if merged and merged[-1].dest == link.dest and merged[-1].page == link.page:
            merged[-1].text += " " + link.text
        else:
            merged.append(
                Link(
                    page=link.page,
                    rect=link.rect,
                    text=link.text,
                    dest=link.dest,
                    dest_page=link.dest_page,
                )
            )
    return merged


def _title(text: str) -> str:
    """A heading as compared: normalised, without trailing dots (leaders, ellipses)."""
    return normalize(text).rstrip(". ")


def _printed_entries(pdf: PdfReadback, first: int) -> list[_Entry]:
    """The contents of a PDF without links, read from its text: each bookmark's title,
    in order, and the page number printed after it, its page the bookmark's. A title
    not found there is no entry (the contents misses it)."""
    after = [item.page for item in pdf.outline if item.page is not None and item.page > first]
    end = min(after, default=first + 1)
    text = " ".join(normalize(pdf.texts[index]) for index in range(first, end))
    entries, start = [], 0
    for level, item in _bookmarks(pdf):
        title = _title(item.title)
        found = re.compile(re.escape(title) + r"[\s.]*?(\d+)\b").search(text, start)
        if not found:
            continue
        start = found.end()
        entries.append(
            _Entry(
                title=title,
                printed=found[1],
                dest=None,
                page=item.page,
                level=level,
                at=first,
            )
        )
    return entries


def _bookmarks(pdf: PdfReadback) -> list[tuple[int, OutlineItem]]:
    """The bookmarks in order, with their level."""
    return [row for item in pdf.outline for row in [(1, item)] + [(2, c) for c in item.children]]


def check_contents(pdf: PdfReadback, expected: Expectations, *, linked: bool = True) -> CheckResult:
    """Entries link to their heading's page, print its folio, follow reading order,
    list every heading, and match the bookmarks. Without links (``linked`` false: the
    print variant), the entries are the bookmarks, found in the contents' text."""
    result = CheckResult("contents")
    first = pdf.page_of(CONTENTS_ID)
    if first is None:
        result.problems.append(
            Problem(f"the PDF has no table of contents (no destination '{CONTENTS_ID}')")
        )
        return result
    if not linked and not pdf.outline:
        # Without links, the bookmarks are what the contents is read against.
        result.problems.append(Problem("the PDF has no bookmarks (outline)"))
        return result
    entries = _contents_entries(pdf) if linked else _printed_entries(pdf, first)
    assert entries is not None
    result.figures["entries"] = len(entries)
    if not linked:
        result.figures["links"] = "none (print): entries read from the text, by the bookmarks"
    _check_entries(pdf, entries, result)
    if expected.headings is not None:
        _check_headings(entries, expected.headings, result)
    _check_bookmarks(pdf, entries, result)
    return result


def _check_entries(pdf: PdfReadback, entries: list[_Entry], result: CheckResult) -> None:
    """Each entry links to its heading's page, prints that page's label, in reading order."""
    previous = -1
    for entry in entries:
        where = page_label(pdf, entry.at)
        if entry.page is None:
            result.problems.append(
                Problem(
                    f"the entry '{entry.title}' links to '{entry.dest}', which does not exist",
                    where,
                )
            )
            continue
        landed = page_label(pdf, entry.page)
        # Without links (print), an entry is a bookmark: it lands where the bookmark does.
        lands = "its link lands" if entry.dest else "its bookmark goes"
        if entry.printed is None:
            result.problems.append(
                Problem(f"the entry '{entry.title}' prints no page number", where)
            )
        elif entry.printed != landed:
            result.problems.append(
                Problem(
                    f"the entry '{entry.title}' prints page "
                    f"{entry.printed}, but {lands} on page {landed}",
                    where,
                )
            )
        if _title(entry.title) not in normalize(pdf.texts[entry.page]):
            where_to = "where its entry links" if entry.dest else "where its bookmark goes"
            result.problems.append(
                Problem(f"the heading '{entry.title}' is not on page {landed}, {where_to}", where)
            )
        if entry.page < previous:
            result.problems.append(
                Problem(f"the entry '{entry.title}' (page {landed}) is out of reading order", where)
            )
        previous = max(previous, entry.page)


def _check_headings(
    entries: list[_Entry], headings: list[tuple[int, str]], result: CheckResult
) -> None:
    """The contents lists every article and section of the sources, and nothing else."""
    printed = [(entry.level, entry.title) for entry in entries]
    wanted = [(level, _title(text)) for level, text in headings]
    for level, title in wanted:
        if (level, title) not in printed:
            kind = "article" if level == 1 else "section"
            result.problems.append(Problem(f"the {kind} '{title}' is missing from the contents"))
    for level, title in printed:
        if (level, title) not in wanted:
            result.problems.append(
                Problem(
                    f"the contents lists '{title}', which is not an article or section of the issue"
                )
            )


def _check_bookmarks(pdf: PdfReadback, entries: list[_Entry], result: CheckResult) -> None:
    """The bookmarks are the contents: same titles, levels and pages, in the same order."""
    outline = [
        row
        for item in pdf.outline
        for row in [(1, _title(item.title), item.page)]
        + [(2, _title(child.title), child.page) for child in item.children]
    ]
    contents = [(entry.level, entry.title, entry.page) for entry in entries]
    result.figures["bookmarks"] = len(outline)
    if not outline:
        result.problems.append(Problem("the PDF has no bookmarks (outline)"))
        return
    if outline == contents:
        return
    for wanted_row, got in zip(contents, outline, strict=False):
        if wanted_row != got:
            result.problems.append(
                Problem(
                    f"bookmarks differ from the contents: bookmark '{got[1]}' (level {got[0]}, "
                    f"page {page_label(pdf, got[2])}) where the contents has '{wanted_row[1]}' "
                    f"(level {wanted_row[0]}, page {page_label(pdf, wanted_row[2])})"
                )
            )
            break
    if len(outline) != len(contents):
        result.problems.append(
            Problem(f"the PDF has {len(outline)} bookmarks for {len(contents)} contents entries")
        )


def check_links(pdf: PdfReadback, *, linked: bool = True) -> CheckResult:
    """Internal links resolve; external ones are well-formed http(s) or mailto URIs.
    A PDF made without links (``linked`` false: print) says so in its figures."""
    result = CheckResult("links")
    if not linked:
        result.figures["links"] = "none (print): the preflight refuses any annotation"
    internal = external = 0
    for link in pdf.links:
        where = page_label(pdf, link.page)
        if link.action == "URI":
            external += 1
            if not WEB_OR_MAIL.match(link.uri or ""):
                result.problems.append(
                    Problem(
                        f"link to '{link.uri}' is not a well-formed http, https or mailto URI",
                        where,
                    )
                )
        elif link.action not in (None, "GoTo"):
            result.problems.append(
                Problem(
                    f"a link opens a {link.action} action (a local file or another document)", where
                )
            )
        else:
            internal += 1
            if link.dest is None or link.dest_page is None:
                result.problems.append(
                    Problem(f"internal link to '{link.dest}' has no destination", where)
                )
    for where in pdf.structure.scripts:
        result.problems.append(
            Problem(f"action {where} : un PDF du bulletin ne lance ni script ni programme")
        )
    result.figures.update(internal=internal, external=external)
    return result


def check_metadata(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Title, author, subject and language are set (and, with the sources, right)."""
    result = CheckResult("metadata")
    found = {key: pdf.metadata.get(key, "") for key in ("Title", "Author", "Subject")}
    found["Lang"] = pdf.language or ""
    result.figures.update(found)
    for key, value in found.items():
        if not value.strip():
            result.problems.append(Problem(f"the PDF has no {key.lower()}"))
        elif (
            key in expected.metadata and expected.metadata[key] and value != expected.metadata[key]
        ):
            result.problems.append(
                Problem(
                    f"the PDF's {key.lower()} is '{value}', the sources "
                    f"say '{expected.metadata[key]}'"
                )
            )
    return result
