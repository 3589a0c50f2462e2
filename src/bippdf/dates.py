"""The issue's date as an editor writes it, in ``issue.toml`` or to ``bippdf new --date``.

Both take the same forms: a day, ``2026-12-01``, or a month, ``2026-12``, which is
the first of that month (only the month and year are printed). Every other form is
refused with what to write instead, so that a correction never leads to another
refusal.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from .errors import SourceError

# Year, month and maybe day, whatever separates them: what an editor meant to be a date.
_PARTS = re.compile(r"(\d{4})([-/. ])(\d{1,2})(?:\2(\d{1,2}))?")
_TIMED = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d.*")  # a day and its time
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def parse_date(text: str, write: Callable[[str], str]) -> dt.date:
    """The date ``text`` names, or an error whose hint is what to write, worded by
    ``write`` (``date = …`` in issue.toml, ``--date …`` on the command line)."""
    text = text.strip()
    if timed := _TIMED.fullmatch(text):
        raise SourceError("le jour seul, sans heure", hint=f"écrivez {write(timed[1])}")
    match = _PARTS.fullmatch(text)
    if not match:
        raise SourceError(
            f"date illisible : « {text} » (AAAA-MM-JJ ou AAAA-MM)",
            hint=f"écrivez par exemple {write('2026-12-01')} ou {write('2026-12')}",
        )
    year, separator, month, day = match.groups()
    fixed = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    if not 1 <= int(month) <= 12:
        raise SourceError(
            f"date impossible : « {text} » (le mois va de 01 à 12)",
            hint=f"écrivez par exemple {write(f'{year}-12' + ('-01' if day else ''))}",
        )
    last = calendar.monthrange(int(year), int(month))[1]
    if day and not 1 <= int(day) <= last:
        name = f"{_MONTHS[int(month) - 1]} {year}"
        raise SourceError(
            f"date impossible : « {text} » ({name} a {last} jours)",
            hint=f"écrivez un jour de 01 à {last}, par exemple {write(fixed[:8] + f'{last:02d}')}",
        )
    if fixed != text:
        why = (
            "séparez par des tirets"
            if separator != "-"
            else "écrivez le mois et le jour sur deux chiffres"
        )
        raise SourceError(f"date mal écrite : « {text} » ({why})", hint=f"écrivez {write(fixed)}")
    return dt.date(int(year), int(month), int(day or 1))


# A date line of issue.toml whose value TOML cannot read: 2026-12, 2026/12/01, 2026-13-01.
# The value ends at its last visible character, found by a greedy run: a lazy one would try
# the spaces after each of its characters again (quadratic in a long line).
_DATE_LINE = re.compile(r"""^([ \t]*date[ \t]*=[ \t]*)([^"'\s#](?:[^#]*[^#\s])?)(\s*(?:#.*)?)$""")


def repair_toml(text: str, line: int) -> str | None:
    """``text`` with the date written at ``line`` quoted, so that TOML reads it as text
    and ``parse_date`` says what it is; None if that line is not an unquoted date."""
    lines = text.split("\n")
    match = _DATE_LINE.match(lines[line - 1]) if 0 < line <= len(lines) else None
    if not match:
        return None
    lines[line - 1] = f'{match[1]}"{match[2]}"{match[3]}'
    return "\n".join(lines)
