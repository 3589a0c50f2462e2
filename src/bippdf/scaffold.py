"""``bippdf new``: the folder of the next issue, started from the latest one.

What stays from one issue to the next (the bulletin's title, the publisher,
the ISSN, the contact, the coordination, the rights) is carried over from the
latest issue's ``issue.toml``; the number follows it; the date and the theme are
the new issue's. An example article shows every construct of the format and
builds as it is, to be rewritten or replaced.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import dates
from .errors import SourceError
from .resources import example_dir
from .source import DEFAULT_PUBLISHER, issue_date
from .sourcefile import CARRIED, ISSUE_FILE, issue_text, parse_toml, read_source, write_source

EXAMPLE = "01-exemple.md"
_FOLDER = re.compile(r"^\d{4}-\d{2}-numero-(\d+)$")


@dataclass
class NewIssue:
    """The folder made, and the issue it was started from."""

    folder: Path
    number: int
    previous: Path | None
    example: Path
    warnings: list[str] = field(default_factory=list)  # what may not be meant


def latest_issue(issues_dir: Path) -> Path | None:
    """The issue.toml of the issue of highest number (then latest date) under ``issues_dir``."""
    found = []
    for path in issues_dir.glob(f"*/{ISSUE_FILE}"):
        data = _read(path)
        number, date = data.get("number"), data.get("date")
        if isinstance(number, int):
            found.append((number, str(date), path))
    return max(found)[2] if found else None


def new_issue(
    issues_dir: Path, *, date: dt.date, theme: str, number: int | None = None
) -> NewIssue:
    """Write ``issues_dir/<YYYY-MM>-numero-<NN>/`` with its issue.toml and an example article."""
    previous = latest_issue(issues_dir)
    carried = _read(previous) if previous else {}
    if number is None:
        number = int(carried.get("number", 0)) + 1
    folder = issues_dir / f"{date:%Y-%m}-numero-{number:02d}"
    if folder.exists():
        raise SourceError(
            "ce numéro existe déjà",
            path=folder,
            hint="choisissez une autre date ou un autre numéro (--number)",
        )
    articles = folder / "articles"
    example = articles / EXAMPLE
    text = (example_dir() / "exemple-article.md").read_text(encoding="utf-8")
    articles.mkdir(parents=True)
    write_source(example, text.replace("](images/", "](../images/"))
    shutil.copytree(example_dir() / "images", folder / "images")
    write_source(folder / ISSUE_FILE, _issue_toml(carried, number=number, date=date, theme=theme))
    made = NewIssue(folder, number, previous.parent if previous else None, example)
    before = carried.get("date")
    if isinstance(before, dt.date) and date < before:
        made.warnings.append(
            f"le numéro {number} est daté du {date:%Y-%m-%d}, avant le numéro "
            f"{carried.get('number')} ({before:%Y-%m-%d}) : est-ce voulu ? (sinon, changez "
            "« date » dans son issue.toml)"
        )
    if not str(carried.get("issn") or "").strip():
        made.warnings.append(
            'aucun ISSN : le numéro n\'en portera pas (ajoutez issn = "…" à son issue.toml)'
        )
    return made


def parse_date(text: str) -> dt.date:
    """``AAAA-MM-JJ``, or ``AAAA-MM`` for the first of the month, as issue.toml takes it."""
    return dates.parse_date(text, lambda value: f"--date {value}")


def _read(path: Path) -> dict[str, Any]:
    """The keys of an issue.toml, read as every source is read."""
    try:
        text, _ = read_source(path)
        data = parse_toml(text, path, 0)
        if "date" in data:
            data["date"] = issue_date(data["date"], path, text)
        return data
    except SourceError as exc:
        raise SourceError(
            f"le numéro précédent est illisible : {exc.message}",
            path=path,
            line=exc.line,
            column=exc.column,
            hint="corrigez-le (bippdf build le vérifie), ou créez le numéro avec --number",
        ) from None


def _issue_toml(carried: dict[str, Any], *, number: int, date: dt.date, theme: str) -> str:
    """The new issue.toml: the issue's own keys first, then the bulletin's, carried over."""
    fields = {key: carried[key] for key in CARRIED if key in carried}
    # The first issue of all: the bulletin's own values.
    fields.setdefault("title", "Bulletin d'information en prévention")
    fields.setdefault("short_title", "BIP")
    fields.setdefault("language", "fr-CA")
    fields.setdefault("publisher", DEFAULT_PUBLISHER)
    previous_copyright = str(carried.get("copyright", "© Gouvernement du Québec, 2000"))
    # The last year only: "© Gouvernement du Québec, 2000-2019" becomes "…, 2000-2026".
    copyright_ = re.sub(
        r"\b(?:19|20)\d\d\b(?!.*\b(?:19|20)\d\d\b)", str(date.year), previous_copyright
    )
    fields = {"number": number, "date": date, "theme": theme, "keywords": [], **fields}
    fields |= {"legal_deposit_year": date.year, "copyright": copyright_}
    contact = carried.get("contact")
    return issue_text(fields, [EXAMPLE], contact if isinstance(contact, dict) else None)
