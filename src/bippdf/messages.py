"""What bippdf tells the person running it: errors, warnings and progress lines, in French.

Every fault is one line, ``erreur : fichier:ligne: message (indice)``, so that an
editor's tools can jump to the place. On a terminal the prefix, the location and
a finished file's path are coloured; in a file, a pipe or a test they are plain
text, and so they are when ``NO_COLOR`` is set (https://no-color.org) or the
terminal is ``dumb``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import BippdfError, CheckError, SourceErrors

if TYPE_CHECKING:
    from .pipeline import BuildResult

ERROR = "erreur"
WARNING = "avertissement"
NOTE = "note"

_RESET = "\033[0m"
_BOLD = "\033[1m"
_STYLES = {
    ERROR: "\033[1;31m",
    WARNING: "\033[33m",
    NOTE: "\033[36m",
    "location": _BOLD,
    "done": "\033[32m",
}


def use_colour(stream: TextIO) -> bool:
    """Whether what is written to ``stream`` may be coloured."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty(), or a closed stream
        return False


def fault_line(
    kind: str, message: str, *, location: str = "", hint: str | None = None, colour: bool = False
) -> str:
    """``erreur : fichier:ligne: message (indice)``, the prefix and location coloured or not."""
    prefix = _paint(kind, kind, colour)
    where = _paint(f"{location}:", "location", colour) + " " if location else ""
    tail = f" ({hint})" if hint else ""
    return f"{prefix} : {where}{message}{tail}"


def error(
    message: str,
    *,
    location: str = "",
    hint: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """One ``erreur :`` line."""
    out = stream or sys.stderr
    print(
        fault_line(ERROR, message, location=location, hint=hint, colour=use_colour(out)), file=out
    )


def warning(message: str, *, location: str = "", stream: TextIO | None = None) -> None:
    """One ``avertissement :`` line."""
    out = stream or sys.stderr
    print(fault_line(WARNING, message, location=location, colour=use_colour(out)), file=out)


def note(message: str, *, location: str = "", stream: TextIO | None = None) -> None:
    """One ``note :`` line: worth knowing, nothing wrong."""
    out = stream or sys.stderr
    print(fault_line(NOTE, message, location=location, colour=use_colour(out)), file=out)


def errors(exc: BippdfError, *, stream: TextIO | None = None) -> None:
    """One ``erreur :`` line per fault of ``exc`` (several when the sources hold several)."""
    faults: list[BippdfError] = (
        list(exc.errors)
        if isinstance(exc, SourceErrors)
        else list(exc.faults)
        if isinstance(exc, CheckError) and exc.faults
        else [exc]
    )
    for fault in faults:
        error(fault.message, location=fault.location, hint=fault.hint, stream=stream)


def done(path: Path | str, text: str, *, stream: TextIO | None = None) -> None:
    """A finished file's line, ``chemin: ce qui a été fait``, its path in green."""
    out = stream or sys.stdout
    print(f"{_paint(str(path), 'done', use_colour(out))}: {text}", file=out, flush=True)


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if colour else text


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 note``, ``31 notes``; in French 0 takes the singular too."""
    return f"{number} {singular if number < 2 else plural or singular + 's'}"


def seconds(value: float) -> str:
    """A duration as French writes it, with a decimal comma: ``4,1 s``."""
    return f"{value:.1f}".replace(".", ",") + " s"


def made(result: BuildResult) -> str:
    """What a build made, for the person who ran it: ``32 pages (…), 31 notes, 4,1 s``."""
    if result.cached:
        return "à jour, rien n'a changé"
    if result.output.suffix == ".png":
        return f"image de couverture, {seconds(result.seconds)}"
    if result.variant == "html":
        return f"édition en ligne, {count(result.notes, 'note')}, {seconds(result.seconds)}"
    added = ""
    if result.padding:
        blank = count(result.padding, "page blanche ajoutée", "pages blanches ajoutées")
        added = f" (dont {blank} pour la reliure)"
    unchecked = ", non vérifié" if result.check is None else ""  # --no-check, --draft
    uncompressed = "" if result.compressed else ", non compressé"  # --draft
    return (
        f"{count(result.pages, 'page')}{added}, {count(result.notes, 'note')}, "
        f"{_fitted(result)}{seconds(result.seconds)}{unchecked}{uncompressed}"
    )


def _fitted(result: BuildResult) -> str:
    """How well the pages are fitted, as the check measured them: the least filled page
    of articles and the share of loose lines (``pages remplies à 70 % au moins, 7,0 % de
    lignes lâches, ``); nothing for a PDF not checked."""
    if result.check is None:
        return ""
    figures = {check.name: check.figures for check in result.check.checks}
    said = []
    least = figures.get("fill", {}).get("least_filled")
    if isinstance(least, float) and least < 1:
        said.append(f"pages remplies à {least:.0%} au moins".replace("%", "\u202f%"))
    loose = figures.get("lines", {}).get("loose_share")
    if isinstance(loose, float) and figures["lines"].get("justified_lines"):
        share = f"{loose:.1%}".replace(".", ",").replace("%", "\u202f%")
        said.append(f"{share} de lignes lâches")
    return "".join(f"{part}, " for part in said)
