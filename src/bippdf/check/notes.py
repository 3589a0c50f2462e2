"""The check of the notes: calls numbered in reading order, each linking to its note and
each note back to its call, in the Annexe or at the foot of the call's page."""

from __future__ import annotations

import re

from ..contract import ANNEXE_ID, CALL_ID, NOTE_ID, call_id, note_id
from .readback import Link, PdfReadback
from .report import CheckResult, Expectations, Problem, page_label


def check_notes(pdf: PdfReadback, expected: Expectations, *, linked: bool = True) -> CheckResult:
    """Calls numbered 1..N in reading order, each linking to its note, each note linking
    back to its call; the notes stand in the Annexe, or (without one) at the foot of
    their call's page; the PDF holds exactly N notes. Without links (``linked`` false:
    the print variant), calls and notes are found by their destinations instead."""
    if not linked:
        return _check_destinations(pdf, expected)
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
                f"le PDF a des appels de note mais aucune note : ni Annexe (destination "
                f"« {ANNEXE_ID} ») ni notes en bas de page"
            )
        )
        return result
    call_links = _number_calls(pdf, calls, result)
    note_pages = _read_notes(pdf, backs, call_links, result)
    last = pdf.page_count if annexe is None else annexe
    _match_calls(pdf, call_links, note_pages, (at_foot, last), result)
    for number in sorted(set(note_pages) - set(call_links)):
        result.problems.append(
            Problem(
                f"la note {number} de l'Annexe n'est jamais appelée",
                page_label(pdf, note_pages[number]),
            )
        )
    if expected.notes is not None and len(note_pages) != expected.notes:
        result.problems.append(Problem(_annexe_count(len(note_pages), expected.notes)))
    return result


def _number(text: str) -> int | None:
    """The number a note call or note shows. The text under a call's rectangle may take
    in the slanted end of the letter before it (« municipalité¹ » reads « é1 »)."""
    match = re.fullmatch(r"\D?(\d+)", text, re.ASCII)
    return int(match[1]) if match else None


def _reading_key(link: Link) -> tuple[int, int, float]:
    """Page, then the order in which the page's text is read (columns included)."""
    return link.page, link.order, -link.rect[3]


def _number_calls(pdf: PdfReadback, calls: list[Link], result: CheckResult) -> dict[int, Link]:
    """Each note's first call, by number: calls come 1..N in reading order (a note called
    again takes no new number) and link to their note."""
    call_links: dict[int, Link] = {}
    expected_number = 1
    for call in calls:
        where = page_label(pdf, call.page)
        digits = _number(call.text)
        if digits is None:
            result.problems.append(
                Problem(f"un appel de note se lit « {call.text} », pas un nombre", where)
            )
            continue
        number = digits
        if number in call_links:  # a note called again: no new number
            continue
        if number != expected_number:
            result.problems.append(
                Problem(
                    f"l'appel de la note {number} vient là où la note "
                    f"{expected_number} est attendue",
                    where,
                )
            )
        expected_number = max(expected_number, number) + 1
        call_links[number] = call
        if call.dest != note_id(number):
            result.problems.append(
                Problem(
                    f"l'appel de la note {number} renvoie à {(call.dest or '').replace('-', ' ')}",
                    where,
                )
            )
    return call_links


def _read_notes(
    pdf: PdfReadback, backs: list[Link], call_links: dict[int, Link], result: CheckResult
) -> dict[int, int]:
    """Each note's page, by number: a note is numbered, stands once, has a text, and
    links back to its call."""
    note_pages: dict[int, int] = {}
    for back in backs:
        where = page_label(pdf, back.page)
        if not back.text.isdigit():
            result.problems.append(
                Problem(f"une note de l'Annexe est numérotée « {back.text} »", where)
            )
            continue
        number = int(back.text)
        if number in note_pages:
            result.problems.append(
                Problem(f"la note {number} figure deux fois dans l'Annexe", where)
            )
        note_pages[number] = back.page
        if not back.line.removeprefix(back.text).strip():
            result.problems.append(Problem(f"la note {number} est vide", where))
        if back.dest != call_id(number):
            result.problems.append(
                Problem(f"la note {number} renvoie à {(back.dest or '').replace('-', ' ')}", where)
            )
        elif number in call_links and back.dest_page != call_links[number].page:
            result.problems.append(
                Problem(
                    f"la note {number} renvoie à la page {page_label(pdf, back.dest_page)}, mais "
                    f"son appel est à la page {page_label(pdf, call_links[number].page)}",
                    where,
                )
            )
    return note_pages


def _match_calls(
    pdf: PdfReadback,
    call_links: dict[int, Link],
    note_pages: dict[int, int],
    where_notes: tuple[bool, int],
    result: CheckResult,
) -> None:
    """Every call has its note, where the call links: at the foot of the call's page, or
    in the Annexe, from the page given on (``where_notes``: at the foot, Annexe page)."""
    at_foot, annexe = where_notes
    for number, call in call_links.items():
        page = call.page
        if number not in note_pages:
            note_page = pdf.page_of(note_id(number))
            if note_page is not None and (at_foot or note_page >= annexe):
                problem = Problem(
                    f"la note {number} ne renvoie pas à son appel", page_label(pdf, note_page)
                )
            else:
                where = "en bas de sa page" if at_foot else "dans l'Annexe"
                problem = Problem(
                    f"la note {number} est appelée mais n'est pas {where}", page_label(pdf, page)
                )
            result.problems.append(problem)
        elif at_foot and note_pages[number] != page:
            result.problems.append(
                Problem(
                    f"la note {number} est en bas de la page "
                    f"{page_label(pdf, note_pages[number])}, mais son appel est à la page "
                    f"{page_label(pdf, page)}",
                    page_label(pdf, page),
                )
            )
        elif call.dest_page != note_pages[number]:
            result.problems.append(
                Problem(
                    f"l'appel de la note {number} renvoie à la page "
                    f"{page_label(pdf, call.dest_page)}, "
                    f"mais la note {number} est à la page {page_label(pdf, note_pages[number])}",
                    page_label(pdf, page),
                )
            )


def _numbered(pdf: PdfReadback, pattern: re.Pattern[str]) -> dict[int, int]:
    """The page of each destination matching ``pattern`` (``note-7``), by its number."""
    return {
        int(name.rsplit("-", 1)[1]): page
        for name, page in pdf.destinations.items()
        if pattern.match(name)
    }


def _check_destinations(pdf: PdfReadback, expected: Expectations) -> CheckResult:
    """Without links: calls 1..N page after page, each with its note, in the Annexe or at
    the foot of the call's page. The numbers printed at the calls are not read."""
    result = CheckResult("notes")
    calls, notes = _numbered(pdf, CALL_ID), _numbered(pdf, NOTE_ID)
    result.figures.update(
        calls=len(calls),
        notes=len(notes),
        links=(
            "aucun (impression) : appels et notes trouvés par leurs destinations, numéros non lus"
        ),
    )
    annexe = pdf.page_of(ANNEXE_ID)
    previous = 0
    for number in range(1, max([*calls, *notes], default=0) + 1):
        call, note = calls.get(number), notes.get(number)
        if call is None:
            where = page_label(pdf, note)
            result.problems.append(Problem(f"la note {number} n'est jamais appelée", where))
            continue
        where = page_label(pdf, call)
        if call < previous:
            result.problems.append(
                Problem(
                    f"l'appel de la note {number} vient après celui de la note {number - 1}", where
                )
            )
        previous = call
        if note is None or (annexe is not None and note < annexe):
            place = "en bas de sa page" if annexe is None else "dans l'Annexe"
            result.problems.append(
                Problem(f"la note {number} est appelée mais n'est pas {place}", where)
            )
        elif annexe is None and note != call:
            result.problems.append(
                Problem(
                    f"la note {number} est en bas de la page {page_label(pdf, note)}, mais "
                    f"son appel est à la page {where}",
                    where,
                )
            )
    if expected.notes is not None and len(notes) != expected.notes:
        result.problems.append(Problem(_annexe_count(len(notes), expected.notes)))
    return result


def _annexe_count(found: int, expected: int) -> str:
    """``l'Annexe a 1 note, les sources 2``."""
    return f"l'Annexe a {found} note{'s' if found > 1 else ''}, les sources {expected}"
