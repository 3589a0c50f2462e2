"""The colophon at the end of the printed bulletin: coordination, legal deposit, ISSN,
copyright, rights and contact."""

from __future__ import annotations

import datetime as dt
import re

from .model import Line, Problem
from .text import strip_emphasis

_COLOPHON = re.compile(
    r"^(?:coordination\s*:|(?:adresse de )?(?:courriel|courrier [ée]lectronique)|t[ée]l[ée]phone"
    r"\s*:|d[ée]p[ôo]t l[ée]gal|biblioth[èe]que (?:et archives|nationale)|issn\b|isbn\b|©|\(c\)"
    r"|tous (?:les )?droits r[ée]serv[ée]s)",
    re.I,
)


def split_colophon(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Cut the colophon off the end of these lines: its lines are all of known kinds."""
    cut = len(lines)
    index = len(lines) - 1
    while index >= 0:
        text = strip_emphasis(lines[index][1].strip())
        if text and not _COLOPHON.match(text):
            break
        if text:
            cut = index
        index -= 1
    return lines[:cut], lines[cut:]


def colophon_fields(
    lines: list[Line], fields: dict[str, object], problems: list[Problem]
) -> dict[str, object]:
    """Coordination, legal deposit, ISSN, copyright and rights from the colophon."""
    found: dict[str, object] = {}
    for number, raw in lines:
        text = strip_emphasis(raw.strip())
        if match := re.match(r"coordination\s*:\s*(.+)", text, re.I):
            found["coordination"] = match.group(1).strip()
        elif re.match(r"d[ée]p[ôo]t l[ée]gal", text, re.I):
            year = re.search(r"\b(\d{4})\b", text)
            date = fields["date"]
            assert isinstance(date, dt.date)
            if year:
                found["legal_deposit_year"] = int(year.group(1))
            else:
                found["legal_deposit_year"] = date.year
                problems.append(
                    Problem(
                        number,
                        f"l'année du dépôt légal manque dans le colophon : {date.year}, l'année "
                        "du numéro, a été mise dans issue.toml; vérifiez legal_deposit_year",
                    )
                )
        elif match := re.match(r"issn\b\s*:?\s*(.*)", text, re.I):
            found["issn"] = match.group(1).strip()
        elif text.startswith(("©", "(c)", "(C)")):
            found["copyright"] = text
        elif re.match(r"tous (les )?droits", text, re.I):
            found["rights"] = text
    return found


def read_contact(lines: list[Line]) -> dict[str, str]:
    """The contact e-mail and telephone of the colophon."""
    contact = {}
    for _, raw in lines:
        text = strip_emphasis(raw.strip())
        if re.match(r"(adresse de )?(courriel|courrier)", text, re.I):
            email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
            if email:
                contact["email"] = email.group(0)
        elif match := re.match(r"t[ée]l[ée]phone\s*:\s*(.+)", text, re.I):
            contact["phone"] = match.group(1).strip()
    return contact
