"""Where bippdf's own files are (the print styles and the fonts they name), what makes a
folder an issue and where its fit is recorded, how many cores it may use, and giving its
freed memory back."""

from __future__ import annotations

import os
from contextlib import suppress
from functools import cache
from pathlib import Path

from .errors import BuildError

ISSUE_FILE = "issue.toml"  # a folder holding one is an issue
RECORD = "mise-en-page.json"  # an issue's fit (copyfit.py), beside its issue.toml


def record_of(source: Path) -> Path | None:
    """Where an issue's fit is recorded, by its folder or issue.toml: beside its
    issue.toml (None for a single Markdown file, whose folder is not the issue's own)."""
    if source.is_dir():
        return source / RECORD
    return source.parent / RECORD if source.name == ISSUE_FILE else None


@cache
def styles_dir() -> Path:
    """The ``styles/`` folder: the checkout's, or the copy installed with the package."""
    return _shipped("styles", "styles", "bulletin.css", "le dossier styles/ de bippdf")


@cache
def example_dir() -> Path:
    """The example article (``exemple-article.md`` and its ``images/``): the checkout's
    ``docs/``, or the copy installed with the package."""
    return _shipped("docs", "exemple", "exemple-article.md", "l'article d'exemple de bippdf")


def _shipped(checkout: str, installed: str, marker: str, what: str) -> Path:
    """A folder of bippdf's own files: in the checkout, else installed with the package;
    the one holding ``marker``."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / checkout, here / installed):
        if (candidate / marker).is_file():
            return candidate
    raise BuildError(
        f"{what} est introuvable", hint="réinstallez bippdf depuis son dépôt (make install)"
    )


def font_files() -> list[Path]:
    """Every font file the styles may use."""
    fonts = styles_dir() / "fonts"
    return sorted(p for p in fonts.rglob("*") if p.suffix.lower() in {".ttf", ".otf"})


@cache
def project_font_names() -> frozenset[str]:
    """The PostScript names of the fonts shipped in ``styles/fonts``."""
    from fontTools.ttLib import TTFont

    names = set()
    for path in font_files():
        with TTFont(path, lazy=True) as font:
            names.add(str(font["name"].getDebugName(6)))
    return frozenset(names)


@cache
def covered_characters() -> frozenset[int]:
    """Every character some font of bippdf can draw."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in font_files():
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


# What a French text is typed with: printable ASCII, Latin-1, the typographic marks the
# typography pass writes, and the hyphen WeasyPrint writes where it breaks a word. The
# fonts cover them all (a test proves it), so most issues are linted and their PDFs
# checked without reading the fonts' tables: 0.18 s, on the print PDF's critical path.
COMMON_CHARACTERS = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x100)]
    + [ord(c) for c in "œŒ’‘“”‚„«»…–—\u202f\u2009•€\u2010"]
)


def can_draw(char: str) -> bool:
    """Whether some font of bippdf has a glyph for ``char``."""
    code = ord(char)
    return code in COMMON_CHARACTERS or code in covered_characters()


def usable_cores() -> int:
    """The cores this process may run on; one where the system does not say (work is then
    done in this process, as it is without fork)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def give_back_freed_memory() -> None:
    """Return to the system the memory this process freed, which glibc otherwise keeps for
    the process to use again: a process forked after, or the next step of this one, would
    carry it to its peak. Where the C library is not glibc, nothing is done."""
    import ctypes

    # No such library (Windows: TypeError) or function (musl, macOS).
    with suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).malloc_trim(0)
