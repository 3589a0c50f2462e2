"""The cover, before the table of contents: the bulletin's title, its edition line
(number, month, year), its theme and publisher."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import SourceError
from ..source import DEFAULT_PUBLISHER
from .model import Line, Problem
from .text import join_paragraphs, strip_emphasis

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}


EDITION = re.compile(r"\b(?:num[ée]ro|no|n°|nº)\s*(\d+)\s*[,–—-]?\s*([a-zéû]+)\s+(\d{4})", re.I)


def read_cover(lines: list[Line], legacy: Path, problems: list[Problem]) -> dict[str, object]:
    """Title, number, date, publisher and theme, from the cover before the contents."""
    paragraphs = join_paragraphs(lines)
    fields: dict[str, object] = {}
    edition = next(
        (
            (line, match)
            for line, text in paragraphs
            if (match := EDITION.search(text)) and match.group(2).lower() in MONTHS
        ),
        None,
    )
    if edition is None:
        raise SourceError(
            "la ligne d'édition (« Numéro 6, août 2019 ») est introuvable avant la table "
            "des matières",
            path=legacy,
            line=1,
            hint="le numéro, le mois et l'année du bulletin sont nécessaires à issue.toml",
        )
    title_at = next((i for i, (_, text) in enumerate(paragraphs) if text.startswith("#")), None)
    if title_at is None:
        raise SourceError(
            "le titre du bulletin (un titre « # … » avant la table des matières) est introuvable",
            path=legacy,
            line=1,
            hint="ajoutez « # Bulletin d'information en prévention » en tête du texte",
        )
    title = strip_emphasis(paragraphs[title_at][1].lstrip("#").strip())
    fields["title"] = title
    fields["number"] = int(edition[1].group(1))
    fields["date"] = dt.date(int(edition[1].group(3)), MONTHS[edition[1].group(2).lower()], 1)
    fields["language"] = "fr-CA"
    theme = [
        strip_emphasis(text)
        for line, text in paragraphs[title_at + 1 :]
        if not text.startswith("#") and line != edition[0]
    ]
    if theme:
        fields["theme"] = " ".join(theme)
    publisher = next(
        (text for _, text in paragraphs if re.match(r"(minist[èe]re|gouvernement)\b", text, re.I)),
        None,
    )
    if publisher is None:
        problems.append(
            Problem(
                1,
                "l'éditeur (« Ministère de la Sécurité publique ») n'est pas sur la couverture : "
                "il a été mis par défaut dans issue.toml; vérifiez la clé publisher",
            )
        )
        publisher = DEFAULT_PUBLISHER
    fields["publisher"] = publisher
    return fields


def acronym(title: str) -> str | None:
    """``BIP`` for "Bulletin d'information en prévention": the initials of its long words."""
    words = re.findall(r"[^\W\d_]+", title.replace("'", " ").replace("’", " "))
    initials = "".join(word[0].upper() for word in words if len(word) > 3)
    return initials if len(initials) >= 2 else None
