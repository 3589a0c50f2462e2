"""The checks of a PDF's structure: pages and folios, the contents and the bookmarks,
links, and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..contract import CONTENTS_ID, WEB_OR_MAIL
from .readback import Link, OutlineItem, PdfReadback, normalize
from .report import CheckResult, Expectations, Problem, page_label

_NUMBER_AT_END = re.compile(r"(?:\s*\.)*\s*(\d+)$")
_METADATA = {"Title": "titre", "Author": "auteur", "Subject": "sujet", "Lang": "langue"}


def check_pages(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Trim size, page labels, and the folio printed on each page equal to its label."""
    result = CheckResult("pages", figures={"pages": pdf.page_count})
    width, height = expected.geometry.size_pt
    for index, (w, h) in enumerate(pdf.page_sizes):
        if abs(w - width) > 0.5 or abs(h - height) > 0.5:
            result.problems.append(
                Problem(
                    f"format de {w:.0f} × {h:.0f} pt au lieu de {width:.0f} × {height:.0f} pt",
                    page_label(pdf, index),
                )
            )
    if not pdf.has_page_labels:
        result.problems.append(Problem("le PDF n'a pas d'étiquettes de page (/PageLabels)"))
    for index, footer in enumerate(pdf.footers):
        folios = re.findall(r"\d+", footer)
        label = page_label(pdf, index) or ""
        if not label.isdigit():  # the cover and the colophon on the back cover
            if folios:
                result.problems.append(
                    Problem(
                        f"porte un folio ({footer}), mais son étiquette de page est {label}", label
                    )
                )
        elif folios != [label] and (folios or pdf.texts[index].strip()):
            printed = ", ".join(folios) if folios else "aucun folio"
            result.problems.append(
                Problem(f"porte {printed}, mais son étiquette de page est {label}", label)
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
            Problem(f"le PDF n'a pas de sommaire (aucune destination « {CONTENTS_ID} »)")
        )
        return result
    if not linked and not pdf.outline:
        # Without links, the bookmarks are what the contents is read against.
        result.problems.append(Problem("le PDF n'a pas de signets"))
        return result
    entries = _contents_entries(pdf) if linked else _printed_entries(pdf, first)
    assert entries is not None
    result.figures["entries"] = len(entries)
    if not linked:
        result.figures["links"] = (
            "aucun (impression) : entrées lues dans le texte, d'après les signets"
        )
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
                    f"l'entrée « {entry.title} » renvoie à « {entry.dest} », qui n'existe pas",
                    where,
                )
            )
            continue
        landed = page_label(pdf, entry.page)
        # Without links (print), an entry is a bookmark: it lands where the bookmark does.
        lands = "son lien mène" if entry.dest else "son signet mène"
        if entry.printed is None:
            result.problems.append(
                Problem(f"l'entrée « {entry.title} » ne porte pas de numéro de page", where)
            )
        elif entry.printed != landed:
            result.problems.append(
                Problem(
                    f"l'entrée « {entry.title} » porte la page "
                    f"{entry.printed}, mais {lands} à la page {landed}",
                    where,
                )
            )
        # a hyphen at a line's end may be the title's own or a soft one (the web PDF's)
        if all(
            _title(entry.title) not in normalize(pdf.texts[entry.page], soft=soft)
            for soft in (False, True)
        ):
            where_to = "où mène son entrée" if entry.dest else "où mène son signet"
            result.problems.append(
                Problem(
                    f"l'intertitre « {entry.title} » n'est pas à la page {landed}, {where_to}",
                    where,
                )
            )
        if entry.page < previous:
            result.problems.append(
                Problem(
                    f"l'entrée « {entry.title} » (page {landed}) est hors de l'ordre de lecture",
                    where,
                )
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
            kind = "l'article" if level == 1 else "la section"
            result.problems.append(Problem(f"{kind} « {title} » manque au sommaire"))
    for level, title in printed:
        if (level, title) not in wanted:
            result.problems.append(
                Problem(
                    f"le sommaire cite « {title} », qui n'est ni un "
                    "article ni une section du numéro"
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
        result.problems.append(Problem("le PDF n'a pas de signets"))
        return
    if outline == contents:
        return
    for wanted_row, got in zip(contents, outline, strict=False):
        if wanted_row != got:
            result.problems.append(
                Problem(
                    f"les signets diffèrent du sommaire : signet « {got[1]} » (niveau {got[0]}, "
                    f"page {page_label(pdf, got[2])}) là où le sommaire a « {wanted_row[1]} » "
                    f"(niveau {wanted_row[0]}, page {page_label(pdf, wanted_row[2])})"
                )
            )
            break
    if len(outline) != len(contents):
        result.problems.append(
            Problem(f"le PDF a {len(outline)} signets pour {len(contents)} entrées du sommaire")
        )


def check_links(pdf: PdfReadback, *, linked: bool = True) -> CheckResult:
    """Internal links resolve; external ones are well-formed http(s) or mailto URIs.
    A PDF made without links (``linked`` false: print) says so in its figures."""
    result = CheckResult("links")
    if not linked:
        result.figures["links"] = (
            "aucun (impression) : le contrôle prépresse refuse toute annotation"
        )
    internal = external = 0
    for link in pdf.links:
        where = page_label(pdf, link.page)
        if link.action == "URI":
            external += 1
            if not WEB_OR_MAIL.match(link.uri or ""):
                result.problems.append(
                    Problem(
                        f"le lien vers « {link.uri} » n'est pas une adresse "
                        "http, https ou mailto bien formée",
                        where,
                    )
                )
        elif link.action not in (None, "GoTo"):
            result.problems.append(
                Problem(
                    f"un lien ouvre une action {link.action} (un "
                    "fichier local ou un autre document)",
                    where,
                )
            )
        else:
            internal += 1
            if link.dest is None or link.dest_page is None:
                result.problems.append(
                    Problem(f"le lien interne vers « {link.dest} » n'a pas de destination", where)
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
            result.problems.append(Problem(f"le PDF n'a pas de {_METADATA[key]}"))
        elif (
            key in expected.metadata and expected.metadata[key] and value != expected.metadata[key]
        ):
            result.problems.append(
                Problem(
                    f"{_METADATA[key]} du PDF : « {value} » ; les sources disent "
                    f"« {expected.metadata[key]} »"
                )
            )
    return result
