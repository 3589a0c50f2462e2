"""Checking a built PDF: pages, contents, notes, links, fonts, overflow, metadata.

Everything is read back from the PDF itself (see ``readback``). Each problem is
one line naming the printed page and what is wrong, so that CI and the printer's
last look can point at it. With the issue's sources, the checks also compare
the PDF with what the sources call for (headings, notes, metadata).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compose import Composition
from ..contract import (
    ANNEXE_ID,
    CALL_ID,
    CONTENTS_ID,
    LETTER,
    NOTE_ID,
    TEXT_FONT,
    TITLE_FONT,
    TITLE_SUFFIX,
    WEB_OR_MAIL,
    PageGeometry,
    call_id,
    note_id,
)
from ..errors import UnreadablePdfError
from ..resources import can_draw, project_font_names, usable_cores
from .readback import Line, Link, PdfReadback, normalize, read_pdf

TOLERANCE = 2.0  # points: what anti-aliasing and glyph overhang may stick out
_NUMBER_AT_END = re.compile(r"(?:\s*\.)*\s*(\d+)$")


@dataclass
class Problem:
    """One thing wrong, on a page (its printed label) when there is one."""

    message: str
    page: str | None = None

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}" if self.page else self.message


@dataclass
class CheckResult:
    """One check: its problems and the figures it measured."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # worth a look, not a failure

    @property
    def status(self) -> str:
        return "fail" if self.problems else "pass"


@dataclass
class Report:
    """Every check of one PDF."""

    pdf: str
    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        return all(check.status == "pass" for check in self.checks)

    @property
    def problems(self) -> list[Problem]:
        return [problem for check in self.checks for problem in check.problems]

    @property
    def warnings(self) -> list[Problem]:
        return [warning for check in self.checks for warning in check.warnings]

    def summary(self) -> str:
        """One line: what was checked and how it went."""
        pages = self.checks[0].figures.get("pages", "?")
        failed = [c.name for c in self.checks if c.status == "fail"]
        verdict = f"{len(self.problems)} problems in {', '.join(failed)}" if failed else "all hold"
        return f"{self.pdf}: {pages} pages, {len(self.checks)} checks, {verdict}"

    def to_json(self) -> dict[str, Any]:
        """The report as documented in docs/check-report.schema.json."""
        return {
            "pdf": self.pdf,
            "ok": self.ok,
            "checks": [
                {
                    "name": check.name,
                    "status": check.status,
                    "figures": check.figures,
                    "problems": [{"page": p.page, "message": p.message} for p in check.problems],
                    "warnings": [{"page": p.page, "message": p.message} for p in check.warnings],
                }
                for check in self.checks
            ],
        }


@dataclass
class Expectations:
    """What the sources call for, when they are known."""

    headings: list[tuple[int, str]] | None = None  # (level, text) in reading order
    notes: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # Title, Author, Subject, Lang
    geometry: PageGeometry = LETTER
    warnings: list[str] = field(default_factory=list)  # what WeasyPrint said while rendering
    variant: str | None = None  # "print" or "web"; None: as the PDF shows itself

    @classmethod
    def from_composition(
        cls,
        composition: Composition,
        warnings: list[str] | None = None,
        *,
        variant: str | None = None,
    ) -> Expectations:
        headings = [
            (level, entry.text)
            for article in composition.contents
            for level, entry in [(1, article)] + [(2, child) for child in article.children]
        ]
        return cls(
            headings=headings,
            notes=len(composition.notes),
            metadata=dict(composition.metadata),
            warnings=list(warnings or []),
            variant=variant,
        )


def check_pdf(
    pdf: Path | bytes,
    expected: Expectations | None = None,
    *,
    name: str | None = None,
    workers: int | None = None,
) -> Report:
    """Run every check on a PDF (a file or its bytes). The pages are read by ``workers``
    processes (default: two if this process may use two cores)."""
    expected = expected or Expectations()
    label = name or (str(pdf) if isinstance(pdf, Path) else "PDF")
    if workers is None:
        workers = min(2, usable_cores())
    try:
        data = read_pdf(pdf, geometry=expected.geometry, tolerance=TOLERANCE, workers=workers)
    except Exception as exc:  # a damaged or foreign PDF: said, never a traceback
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UnreadablePdfError(
            f"cannot read the PDF: {reason}",
            path=pdf if isinstance(pdf, Path) else None,
            hint="give a PDF built by bippdf",
        ) from None
    checks = [
        _pages(data, expected),
        _contents(data, expected),
        _notes(data, expected),
        _links(data),
        _fonts(data, expected),
        _overflow(data, expected.geometry),
        _layout(data, expected.geometry),
        _metadata(data, expected),
    ]
    variant = expected.variant or detect_variant(data)
    if variant == "print":
        checks.append(_print(data, expected.geometry))
    elif variant == "web":
        checks.append(_web(data))
    return Report(pdf=label, checks=checks)


def _label(pdf: PdfReadback, page: int | None) -> str | None:
    if page is None:
        return None
    return pdf.page_labels[page] if page < len(pdf.page_labels) else str(page + 1)


def _pages(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Trim size, page labels, and the folio printed on each page equal to its label."""
    result = CheckResult("pages", figures={"pages": pdf.page_count})
    width, height = expected.geometry.size_pt
    for index, (w, h) in enumerate(pdf.page_sizes):
        if abs(w - width) > 0.5 or abs(h - height) > 0.5:
            result.problems.append(
                Problem(
                    f"size is {w:.0f} × {h:.0f} pt, expected {width:.0f} × {height:.0f} pt",
                    _label(pdf, index),
                )
            )
    if not pdf.has_page_labels:
        result.problems.append(Problem("the PDF has no page labels (/PageLabels)"))
    for index, footer in enumerate(pdf.footers):
        folios = re.findall(r"\d+", footer)
        label = _label(pdf, index) or ""
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


def _title(text: str) -> str:
    """A heading as compared: normalised, without trailing dots (leaders, ellipses)."""
    return normalize(text).rstrip(". ")


def _contents(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Entries link to their heading's page, print its folio, follow reading order,
    list every heading, and match the bookmarks."""
    result = CheckResult("contents")
    entries = _contents_entries(pdf)
    if entries is None:
        result.problems.append(
            Problem(f"the PDF has no table of contents (no destination '{CONTENTS_ID}')")
        )
        return result
    result.figures["entries"] = len(entries)
    previous = -1
    for entry in entries:
        where = _label(pdf, entry.at)
        if entry.page is None:
            result.problems.append(
                Problem(
                    f"the entry '{entry.title}' links to '{entry.dest}', which does not exist",
                    where,
                )
            )
            continue
        landed = _label(pdf, entry.page)
        if entry.printed is None:
            result.problems.append(
                Problem(f"the entry '{entry.title}' prints no page number", where)
            )
        elif entry.printed != landed:
            result.problems.append(
                Problem(
                    f"the entry '{entry.title}' prints page "
                    f"{entry.printed}, but its link lands on page {landed}",
                    where,
                )
            )
        if _title(entry.title) not in normalize(pdf.texts[entry.page]):
            result.problems.append(
                Problem(
                    f"the heading '{entry.title}' is not on page {landed}, where its entry links",
                    where,
                )
            )
        if entry.page < previous:
            result.problems.append(
                Problem(f"the entry '{entry.title}' (page {landed}) is out of reading order", where)
            )
        previous = max(previous, entry.page)
    printed = [(entry.level, entry.title) for entry in entries]
    if expected.headings is not None:
        wanted = [(level, _title(text)) for level, text in expected.headings]
        for level, title in wanted:
            if (level, title) not in printed:
                kind = "article" if level == 1 else "section"
                result.problems.append(
                    Problem(f"the {kind} '{title}' is missing from the contents")
                )
        for level, title in printed:
            if (level, title) not in wanted:
                result.problems.append(
                    Problem(
                        f"the contents lists '{title}', which is not an "
                        "article or section of the issue"
                    )
                )
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
    elif outline != contents:
        for wanted_row, got in zip(contents, outline, strict=False):
            if wanted_row != got:
                result.problems.append(
                    Problem(
                        f"bookmarks differ from the contents: bookmark '{got[1]}' (level {got[0]}, "
                        f"page {_label(pdf, got[2])}) where the contents has '{wanted_row[1]}' "
                        f"(level {wanted_row[0]}, page {_label(pdf, wanted_row[2])})"
                    )
                )
                break
        if len(outline) != len(contents):
            result.problems.append(
                Problem(
                    f"the PDF has {len(outline)} bookmarks for {len(contents)} contents entries"
                )
            )
    return result


def _number(text: str) -> int | None:
    """The number a note call or note shows. The text under a call's rectangle may take
    in the slanted end of the letter before it (« municipalité¹ » reads « é1 »)."""
    match = re.fullmatch(r"\D?(\d+)", text, re.ASCII)
    return int(match[1]) if match else None


def _reading_key(link: Link) -> tuple[int, int, float]:
    """Page, then the order in which the page's text is read (columns included)."""
    return link.page, link.order, -link.rect[3]


def _notes(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Calls numbered 1..N in reading order, each linking to its note, each note linking
    back to its call; the notes stand in the Annexe, or (without one) at the foot of
    their call's page; the PDF holds exactly N notes."""
    result = CheckResult("notes")
    annexe = pdf.page_of(ANNEXE_ID)
    at_foot = annexe is None
    calls = sorted(
        (
            link
            for link in pdf.links
            if link.dest and NOTE_ID.match(link.dest) and (annexe is None or link.page < annexe)
        ),
        key=_reading_key,
    )
    backs = [link for link in pdf.links if link.dest and CALL_ID.match(link.dest)]
    result.figures.update(calls=len(calls), notes=len(backs))
    if at_foot and calls and not backs:
        result.problems.append(
            Problem(
                f"the PDF has note calls but no notes: no Annexe (destination '{ANNEXE_ID}') "
                "and no notes at the foot of the pages"
            )
        )
        return result
    annexe = pdf.page_count if annexe is None else annexe
    call_links: dict[int, Link] = {}  # each note's first call
    expected_number = 1
    for call in calls:
        where = _label(pdf, call.page)
        digits = _number(call.text)
        if digits is None:
            result.problems.append(Problem(f"a note call reads '{call.text}', not a number", where))
            continue
        number = digits
        if number in call_links:  # a note called again: no new number
            continue
        if number != expected_number:
            result.problems.append(
                Problem(f"call of note {number} comes where note {expected_number} is due", where)
            )
        expected_number = max(expected_number, number) + 1
        call_links[number] = call
        if call.dest != note_id(number):
            result.problems.append(
                Problem(
                    f"call of note {number} links to {(call.dest or '').replace('-', ' ')}", where
                )
            )
    note_pages: dict[int, int] = {}
    for back in backs:
        where = _label(pdf, back.page)
        if not back.text.isdigit():
            result.problems.append(
                Problem(f"a note of the Annexe is numbered '{back.text}'", where)
            )
            continue
        number = int(back.text)
        if number in note_pages:
            result.problems.append(Problem(f"note {number} stands twice in the Annexe", where))
        note_pages[number] = back.page
        if not back.line.removeprefix(back.text).strip():
            result.problems.append(Problem(f"note {number} is empty", where))
        if back.dest != call_id(number):
            result.problems.append(
                Problem(f"note {number} links back to {(back.dest or '').replace('-', ' ')}", where)
            )
        elif number in call_links and back.dest_page != call_links[number].page:
            result.problems.append(
                Problem(
                    f"note {number} links back to page {_label(pdf, back.dest_page)}, but its call "
                    f"is on page {_label(pdf, call_links[number].page)}",
                    where,
                )
            )
    for number, call in call_links.items():
        page = call.page
        if number not in note_pages:
            note_page = pdf.page_of(note_id(number))
            if note_page is not None and (at_foot or note_page >= annexe):
                problem = Problem(
                    f"note {number} does not link back to its call", _label(pdf, note_page)
                )
            else:
                where = "at the foot of its page" if at_foot else "in the Annexe"
                problem = Problem(f"note {number} is called but not {where}", _label(pdf, page))
            result.problems.append(problem)
        elif at_foot and note_pages[number] != page:
            result.problems.append(
                Problem(
                    f"note {number} stands at the foot of page {_label(pdf, note_pages[number])}, "
                    f"but its call is on page {_label(pdf, page)}",
                    _label(pdf, page),
                )
            )
        elif call.dest_page != note_pages[number]:
            result.problems.append(
                Problem(
                    f"call of note {number} links to page {_label(pdf, call.dest_page)}, but note "
                    f"{number} is on page {_label(pdf, note_pages[number])}",
                    _label(pdf, page),
                )
            )
    for number in sorted(set(note_pages) - set(call_links)):
        result.problems.append(
            Problem(f"note {number} of the Annexe is never called", _label(pdf, note_pages[number]))
        )
    if expected.notes is not None and len(note_pages) != expected.notes:
        result.problems.append(
            Problem(f"the Annexe holds {len(note_pages)} notes, the sources {expected.notes}")
        )
    return result


def _links(pdf: PdfReadback) -> CheckResult:
    """Internal links resolve; external ones are well-formed http(s) or mailto URIs."""
    result = CheckResult("links")
    internal = external = 0
    for link in pdf.links:
        where = _label(pdf, link.page)
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
    result.figures.update(internal=internal, external=external)
    return result


def _fonts(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Every font embedded and one of bippdf's own; no character without a glyph."""
    result = CheckResult("fonts", figures={"fonts": sorted(pdf.fonts)})
    ours = project_font_names()
    for font in pdf.fonts.values():
        where = _label(pdf, min(font.pages)) if font.pages else None
        if not font.embedded:
            result.problems.append(Problem(f"font {font.name} is not embedded", where))
        if font.name not in ours:
            result.problems.append(
                Problem(f"font {font.name} is not one of bippdf's fonts (styles/fonts)", where)
            )
    for index, text in enumerate(pdf.texts):
        missing = sorted(
            {
                c
                for c in text
                if ord(c) >= 0x20
                and not c.isspace()
                and c not in "\ufffe\ufeff"
                and not can_draw(c)
            }
        )
        if missing:
            listed = ", ".join(f"U+{ord(c):04X} {c}" for c in missing[:5])
            result.problems.append(
                Problem(f"no glyph in bippdf's fonts for {listed}", _label(pdf, index))
            )
    for warning in expected.warnings:
        if warning.startswith(".notdef glyph rendered"):
            result.problems.append(Problem(f"missing glyph: {warning}"))
    return result


def _overflow(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """Nothing of the body drawn outside the text block (the cover excepted)."""
    result = CheckResult("overflow")
    for index in range(1, pdf.page_count):
        left, bottom, right, top = geometry.text_block_pt(index)
        for box in (picture.box for picture in pdf.images[index]):
            if (
                box[0] < left - TOLERANCE
                or box[2] > right + TOLERANCE
                or box[1] < bottom - TOLERANCE
                or box[3] > top + TOLERANCE
            ):
                result.problems.append(
                    Problem(
                        f"an image reaches outside the text block ({box[0]:.0f}–{box[2]:.0f} pt "
                        f"across, text block {left:.0f}–{right:.0f} pt)",
                        _label(pdf, index),
                    )
                )
    for index, text in enumerate(pdf.outside):
        if index > 0 and text:
            result.problems.append(
                Problem(f"text drawn outside the text block: '{text[:60]}'", _label(pdf, index))
            )
    return result


MIN_PPI, GOOD_PPI = 200, 300  # an image's resolution at its printed size: error, warning
MAX_HYPHENATED = 3  # lines in a row ending with a hyphen


def detect_variant(pdf: PdfReadback) -> str | None:
    """ "print" for a PDF with a bleed or a PDF/X output intent, "web" for a tagged one."""
    bled = any(boxes["MediaBox"] != boxes["TrimBox"] for boxes in pdf.boxes)
    if bled or "GTS_PDFX" in pdf.structure.output_intents:
        return "print"
    return "web" if pdf.structure.tagged else None


def _print(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """What the printer needs: PDF/X-4 with its output intent, the boxes with the bleed,
    crop marks outside the bleed, pages by fours, images sharp enough to print."""
    result = CheckResult(
        "print",
        figures={
            "conformance": pdf.structure.conformance,
            "pages": pdf.page_count,
            "bleed": geometry.bleed,
        },
    )
    if pdf.structure.conformance != "PDF/X-4":
        result.problems.append(
            Problem(
                f"the PDF declares '{pdf.structure.conformance or 'no'}' conformance, not PDF/X-4"
            )
        )
    if "GTS_PDFX" not in pdf.structure.output_intents:
        result.problems.append(Problem("the PDF has no PDF/X output intent (CMYK profile)"))
    if pdf.page_count % 4:
        result.problems.append(
            Problem(f"{pdf.page_count} pages: a saddle-stitched bulletin needs a multiple of 4")
        )
    bleed = geometry.bleed * 72
    for index, boxes in enumerate(pdf.boxes):
        where = _label(pdf, index)
        trim, bleed_box, media = boxes["TrimBox"], boxes["BleedBox"], boxes["MediaBox"]
        wanted = (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)
        if any(abs(a - b) > 0.5 for a, b in zip(bleed_box, wanted, strict=True)):
            result.problems.append(
                Problem(
                    f"BleedBox {_box(bleed_box)} is not the TrimBox {_box(trim)} plus "
                    f"{geometry.bleed} in",
                    where,
                )
            )
        if not (
            media[0] <= bleed_box[0]
            and media[1] <= bleed_box[1]
            and media[2] >= bleed_box[2]
            and media[3] >= bleed_box[3]
        ):
            result.problems.append(
                Problem(f"MediaBox {_box(media)} does not hold the BleedBox", where)
            )
        width, height = pdf.page_sizes[index]
        for mark in pdf.marks[index]:
            if (
                mark[2] > -bleed
                and mark[0] < width + bleed
                and mark[3] > -bleed
                and mark[1] < height + bleed
            ):
                result.problems.append(Problem("a mark is drawn inside the bleed", where))
                break
        for picture in pdf.images[index]:
            ppi = picture.ppi
            message = (
                f"an image of {picture.pixels[0]} × {picture.pixels[1]} px is printed "
                f"at {ppi:.0f} ppi"
            )
            if ppi < MIN_PPI:
                result.problems.append(Problem(f"{message}; it needs {MIN_PPI} at least", where))
            elif ppi < GOOD_PPI - 0.5:
                result.warnings.append(Problem(f"{message}; {GOOD_PPI} is better", where))
    result.figures["marks"] = sum(len(marks) for marks in pdf.marks)
    result.figures["lowest_ppi"] = round(
        min((p.ppi for page in pdf.images for p in page), default=0)
    )
    return result


def _box(box: tuple[float, float, float, float]) -> str:
    return "[" + " ".join(f"{v:g}" for v in box) + "]"


def _web(pdf: PdfReadback) -> CheckResult:
    """The automatically testable checkpoints of PDF/UA-1 (Matterhorn protocol)."""
    found = pdf.structure
    result = CheckResult("web", figures={"figures": len(found.figures)})
    needs = [
        (found.marked, "/MarkInfo /Marked true (Matterhorn 01-001)"),
        (found.tagged, "a structure tree (01-002)"),
        (bool(pdf.language), "a document language, /Lang (11-001)"),
        (found.display_title, "/ViewerPreferences /DisplayDocTitle true (07-001)"),
        ("<dc:title" in found.xmp, "an XMP metadata stream with dc:title (06-003)"),
        ("pdfuaid:part" in found.xmp, "pdfuaid:part in its XMP metadata (06-002)"),
        (not found.encrypted, "no encryption that locks out assistive technology (26-001)"),
    ]
    for holds, what in needs:
        if not holds:
            result.problems.append(Problem(f"the PDF lacks {what}"))
    for alt in found.figures:
        if not alt:
            result.problems.append(Problem("a Figure has no alternative text, /Alt (13-004)"))
    return result


_NOT_HEADINGS = re.compile(
    rf"^(?:{re.escape(CONTENTS_ID)}(?:{re.escape(TITLE_SUFFIX)})?|{re.escape(ANNEXE_ID)})$"
)


def _layout(pdf: PdfReadback, geometry: PageGeometry) -> CheckResult:
    """What a designer looks for: a heading last in its column, a paragraph's first line
    alone at the foot of a column (orphan) or its last line alone at the top (widow), a
    line running over its column, more than three hyphenated lines in a row."""
    result = CheckResult("layout")
    # The running text's size: the most common size of the text font's lines.
    sizes = Counter(
        line.size for page in pdf.lines for line in page if line.font == TEXT_FONT.pdf_name
    )
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    previous: list[Line] = []  # the last column's body lines, for widows across pages
    counts = {"orphans": 0, "widows": 0, "headings": 0, "hyphens": 0, "overruns": 0}
    by_page = {
        index: _columns(pdf.lines[index], geometry.columns_pt(index))
        for index in range(1, pdf.page_count)
    }
    for index in range(1, pdf.page_count):
        where = _label(pdf, index)
        columns, overruns = by_page[index]
        for line in overruns:
            counts["overruns"] += 1
            result.problems.append(
                Problem(f"a line runs over its column: '{line.text[:50]}'", where)
            )
        for column_lines, (_, column_right) in zip(
            columns, geometry.columns_pt(index), strict=True
        ):
            body = [line for line in column_lines if _is_body(line, size)]
            run = 0
            for line in column_lines:
                run = run + 1 if line.text.rstrip().endswith(("\u2010", "-")) else 0
                if run == MAX_HYPHENATED + 1:
                    counts["hyphens"] += 1
                    result.problems.append(
                        Problem(
                            f"more than {MAX_HYPHENATED} hyphenated lines in a row, from "
                            f"'{line.text[:30]}'",
                            where,
                        )
                    )
            if not body:
                continue
            if _is_orphan(body, column_lines, column_right, size):
                counts["orphans"] += 1
                result.problems.append(
                    Problem(
                        f"orphan: a paragraph's first line is alone at the foot of a column: "
                        f"'{body[-1].text[:40]}'",
                        where,
                    )
                )
            if previous and _is_widow(body, column_lines, column_right, previous, size):
                counts["widows"] += 1
                result.problems.append(
                    Problem(
                        f"widow: a paragraph's last line is alone at the top of a column: "
                        f"'{body[0].text[:40]}'",
                        where,
                    )
                )
            previous = body
        if not any(columns):
            previous = []
    for name, (page, _, top) in sorted(pdf.positions.items(), key=lambda item: item[1]):
        if page == 0 or _NOT_HEADINGS.match(name) or NOTE_ID.match(name) or CALL_ID.match(name):
            continue
        columns, _ = by_page[page]
        for column_lines, (_, column_right) in zip(columns, geometry.columns_pt(page), strict=True):
            below = [line for line in column_lines if line.top <= top + 1]
            if not below or below[0].top < top - 30 or not _is_heading(below[0]):
                continue
            count = next((i for i, line in enumerate(below) if not _is_heading(line)), len(below))
            heading, after = below[:count], below[count:]
            # Alone at the foot, or with only the first line of a paragraph that goes on.
            if not after or (len(after) == 1 and _is_full(after[0], column_right)):
                counts["headings"] += 1
                title = " ".join(line.text.strip() for line in heading)[:50]
                result.problems.append(
                    Problem(
                        f"the heading '{title}' ends its column, with {len(after)} line(s) "
                        "after it",
                        _label(pdf, page),
                    )
                )
            break
    result.figures.update(counts)
    return result


def _columns(
    lines: list[Line], columns: tuple[tuple[float, float], tuple[float, float]]
) -> tuple[list[list[Line]], list[Line]]:
    """A page's lines in its two columns (both empty on a one-column page), and the lines
    that run over a column. The columns start at the first height where both hold a
    line; what stands above (an article's title, byline and lead) spans the page."""
    (_, left_end), (right_start, _) = columns
    middle = (left_end + right_start) / 2
    left = [line for line in lines if line.right <= middle]
    right = [line for line in lines if line.left >= middle]
    pairs = [(a, b) for a in left for b in right if min(a.top, b.top) > max(a.bottom, b.bottom)]
    # Two columns of text stand side by side line after line, each line nearly the
    # column's width; a centred table's cells or short lines in one column do not.
    width = left_end - columns[0][0]
    wide = [(a, b) for a, b in pairs if min(a.right - a.left, b.right - b.left) > 0.8 * width]
    if len(wide) < 3:  # a one-column page: contents, Annexe, or notes at the foot of the page
        return [[], []], []
    first = max(line.top for pair in pairs for line in pair)
    end = min(line.bottom for pair in pairs for line in pair)
    sided = {id(line) for line in left + right}
    spanning = [line for line in lines if id(line) not in sided]
    header = [line.bottom for line in spanning if line.middle > first]  # title, lead
    start = min(header, default=float("inf"))
    left = [line for line in left if line.top <= start]
    right = [line for line in right if line.top <= start]
    overruns = [line for line in left if line.right > left_end + TOLERANCE]
    overruns += [line for line in spanning if end <= line.middle <= first]
    return [left, right], overruns


def _is_body(line: Line, size: float) -> bool:
    """A line of running text (the text font's roman at the text size), not a heading, a
    byline, a lead, a caption, a quotation or a table."""
    return line.font == TEXT_FONT.pdf_name and abs(line.size - size) < 0.3


def _is_heading(line: Line) -> bool:
    """A line in a face of the title font other than its regular: a heading."""
    return line.font.startswith(TITLE_FONT.pdf_name) and line.font != TITLE_FONT.pdf_name


def _is_full(line: Line, right: float) -> bool:
    """Justified to the column's edge: a line in the middle of its paragraph."""
    return line.right >= right - 2


def _breaks_before(lines: list[Line], line: Line, size: float) -> bool:
    """Whether a paragraph starts at ``line``: more space above it than between the lines
    of a paragraph, or something other than running text above it."""
    at = lines.index(line)
    if at == 0:
        return True
    above = lines[at - 1]
    steps = sorted(
        a.baseline - b.baseline
        for a, b in itertools.pairwise(lines)
        if _is_body(a, size) and _is_body(b, size) and a.baseline - b.baseline > 5
    )
    pitch = steps[len(steps) // 2] if steps else 14.0
    return not _is_body(above, size) or above.baseline - line.baseline > pitch * 1.2


def _is_orphan(body: list[Line], lines: list[Line], right: float, size: float) -> bool:
    """The column ends on the first line of a paragraph that goes on elsewhere."""
    last = body[-1]
    return lines[-1] is last and _breaks_before(lines, last, size) and _is_full(last, right)


def _is_widow(
    body: list[Line], lines: list[Line], right: float, previous: list[Line], size: float
) -> bool:
    """The column starts with the last line of a paragraph begun in the column before."""
    first = body[0]
    if lines[0] is not first or _is_full(first, right) or not _is_full(previous[-1], right):
        return False
    return len(lines) == 1 or _breaks_before(lines, lines[1], size)


def _metadata(pdf: PdfReadback, expected: Expectations) -> CheckResult:
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
